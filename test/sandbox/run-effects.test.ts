import { createStore, SEED, SEED_EXAMPLE_IDS } from '../../sandbox/index.ts';
import type { Span, Task } from '../../sandbox/index.ts';
import { inSample } from '../../sandbox/run-effects.ts';
import { planTrigger } from '../../sandbox/rules/trigger.ts';
import { enc, useSandbox } from './helpers.ts';

// What a finished run leaves behind: a Run Experiment run's experiment runs, an evaluation
// run's labels on spans or experiment runs, under the evaluator version's eval column name, with matching counts.

const WINDOW = { data_start_time: '2026-06-01T00:00:00.000Z', data_end_time: '2026-06-02T00:00:00.000Z' };

describe('run effects', () => {
	// Runs complete on the first read after the trigger.
	const ctx = useSandbox({ runDurationMs: 0 });
	const trigger = async (taskId: string, body: unknown = {}) => {
		const response = await ctx.api.post(`/v2/tasks/${enc(taskId)}/trigger`, body);
		expect(response.status).toBe(201);
		return response.body;
	};
	const finished = async (taskId: string, body: unknown = {}) => {
		const run = await trigger(taskId, body);
		return (await ctx.api.get(`/v2/task-runs/${enc(run.id)}`)).body;
	};

	/** A project with `count` spans spread over WINDOW, plus one just before and one at its (exclusive) end. */
	function projectWithSpans(count: number, extra: (i: number) => Partial<Span> = () => ({})) {
		const projectId = ctx.sandbox.store.nextId('Model');
		ctx.sandbox.store.projects.set(projectId, { id: projectId, name: `effects ${projectId}`, space_id: SEED.spaceId, created_at: '2026-05-01T00:00:00.000Z' });
		const start = Date.parse(WINDOW.data_start_time);
		const step = (Date.parse(WINDOW.data_end_time) - start) / count;
		const inside = ctx.sandbox.store.addSpans(
			projectId,
			Array.from({ length: count }, (_, i) => ({ name: `span ${i}`, start_time: new Date(start + i * step).toISOString(), ...extra(i) })),
		);
		const outside = ctx.sandbox.store.addSpans(projectId, [
			{ name: 'before', start_time: new Date(start - 1).toISOString() },
			{ name: 'at end', start_time: WINDOW.data_end_time },
		]);
		return { projectId, inside, outside };
	}

	function projectTask(projectId: string, fields: Partial<Task> = {}, evaluatorId: string = SEED.evaluatorIds.hallucination): Task {
		return ctx.sandbox.store.addTask({
			type: 'TEMPLATE_EVALUATION',
			name: 'effects',
			project_id: projectId,
			sampling_rate: 1,
			evaluators: [{ evaluator_id: evaluatorId }],
			...fields,
		});
	}

	const evaluationsNamed = (spans: Span[], name: string) =>
		spans.flatMap((span) => (span.evaluations ?? []).filter((evaluation) => evaluation.name === name));

	describe('RUN_EXPERIMENT', () => {
		it('fills the experiment with one run per selected example; the counts are its runs', async () => {
			const run = await finished(SEED.taskIds.promptGeneration, { experiment_name: 'effects-all' });
			expect(run.status).toBe('COMPLETED');
			const response = await ctx.api.get(`/v2/experiments/${enc(run.experiment_id)}/runs?limit=500`);
			const runs = response.body.experiment_runs;
			expect(runs.map((item: { example_id: string }) => item.example_id)).toEqual(SEED_EXAMPLE_IDS);
			const errors = runs.filter((item: { error: string | null }) => item.error !== null);
			expect(errors.length).toBeGreaterThan(0);
			for (const item of errors) expect(item).toMatchObject({ output: null, error: expect.any(String) });
			for (const item of runs.filter((other: { error: string | null }) => other.error === null)) {
				expect(item).toMatchObject({ output: expect.any(String), model: 'gpt-4.1-mini', latency_ms: expect.any(Number) });
			}
			expect({ num_successes: run.num_successes, num_errors: run.num_errors, num_skipped: run.num_skipped }).toEqual({
				num_successes: runs.length - errors.length,
				num_errors: errors.length,
				num_skipped: 0,
			});
		});

		it('respects example_ids (in the order given) and max_examples (the first N in dataset order)', async () => {
			const picked = [SEED_EXAMPLE_IDS[7], SEED_EXAMPLE_IDS[2]];
			const byIds = await finished(SEED.taskIds.answerCorrectnessJudge, { experiment_name: 'effects-ids', example_ids: picked });
			const idsRuns = ctx.sandbox.store.experimentRunsOf(byIds.experiment_id);
			expect(idsRuns.map((item) => item.example_id)).toEqual(picked);
			expect(byIds.num_successes + byIds.num_errors).toBe(2);

			const firstFour = await finished(SEED.taskIds.supportAgentRegression, { experiment_name: 'effects-max', max_examples: 4 });
			const maxRuns = ctx.sandbox.store.experimentRunsOf(firstFour.experiment_id);
			expect(maxRuns.map((item) => item.example_id)).toEqual(SEED_EXAMPLE_IDS.slice(0, 4));
			for (const item of maxRuns.filter((other) => other.error === null)) expect(JSON.parse(item.output!)).toHaveProperty('reply');
		});

		it('is deterministic: the same experiment name gives the same errors in a fresh store', () => {
			const errorsOf = () => {
				const store = createStore({ runDurationMs: 0 });
				const task = store.tasks.get(SEED.taskIds.promptGeneration)!;
				const run = store.startRun(task, planTrigger(task, { experiment_name: 'repeatable' }, store));
				store.finishRun(run.id, 'COMPLETED');
				return store.experimentRunsOf(run.experiment_id!).map((item) => item.error);
			};
			expect(errorsOf()).toEqual(errorsOf());
		});
	});

	describe('project-based evaluation', () => {
		it("labels the window's spans under the version's eval column name, with choices and scores; counts match", async () => {
			const { projectId, inside, outside } = projectWithSpans(60);
			const task = projectTask(projectId);
			const run = await finished(task.id, WINDOW);
			expect(run.status).toBe('COMPLETED');
			const written = evaluationsNamed(inside, SEED.evaluationNames.hallucination);
			expect(written.length).toBe(run.num_successes);
			expect(run.num_successes + run.num_errors).toBe(60);
			expect(run.num_skipped).toBe(0);
			expect(evaluationsNamed(inside, 'Hallucination Eval')).toEqual([]);
			expect(outside.every((span) => span.evaluations === undefined)).toBe(true);
			for (const evaluation of written) {
				// The latest hallucination version asks for explanations.
				expect(evaluation).toEqual({ name: 'hallucination', label: expect.any(String), score: expect.any(Number), explanation: expect.any(String) });
				expect(evaluation.score).toBe({ hallucinated: 0, factual: 1 }[evaluation.label!]);
			}
			expect(new Set(written.map((evaluation) => evaluation.label))).toEqual(new Set(['factual', 'hallucinated']));
			// What POST /v2/spans returns for the window and the eval filter is what the run wrote.
			const listed = await ctx.api.post('/v2/spans?limit=500', {
				project_id: projectId,
				start_time: run.data_start_time,
				end_time: run.data_end_time,
				filter: 'eval.hallucination.label IS NOT NULL',
			});
			expect(listed.body.spans).toHaveLength(run.num_successes);
		});

		it('evaluates only the sampled spans (a fixed share of span ids) and those matching the filters', async () => {
			const { projectId, inside } = projectWithSpans(200, (i) => ({ attributes: { 'metadata.environment': i % 4 === 0 ? 'staging' : 'production' } }));
			const task = projectTask(projectId, { sampling_rate: 0.3, query_filter: "metadata.environment = 'production'" });
			const run = await finished(task.id, WINDOW);
			const eligible = inside.filter((span) => span.attributes?.['metadata.environment'] === 'production' && inSample(span.context.span_id, 0.3));
			expect(eligible.length).toBeGreaterThan(20);
			expect(eligible.length).toBeLessThan(80);
			expect(run.num_successes + run.num_errors).toBe(eligible.length);
			const labelled = inside.filter((span) => span.evaluations?.length);
			expect(labelled.length).toBe(run.num_successes);
			for (const span of labelled) expect(eligible).toContain(span);
		});

		it('skips spans already labelled; a run with nothing new is CANCELLED 0/0/0; override_evaluations relabels', async () => {
			const { projectId, inside } = projectWithSpans(30);
			inside[0].evaluations = [{ name: 'hallucination', label: 'factual', score: 1 }];
			const task = projectTask(projectId);
			const first = await finished(task.id, WINDOW);
			expect(first.num_skipped).toBe(1);
			expect(first.num_successes + first.num_errors).toBe(29);
			expect(inside[0].evaluations).toEqual([{ name: 'hallucination', label: 'factual', score: 1 }]);

			// Errored spans are still unlabelled; label them by hand so everything now carries a label.
			for (const span of inside) span.evaluations ??= [{ name: 'hallucination', label: 'factual', score: 1 }];
			const again = await finished(task.id, WINDOW);
			expect(again).toMatchObject({
				status: 'CANCELLED',
				num_successes: 0,
				num_errors: 0,
				num_skipped: 0,
				failure_reason: 'All matching spans already have evaluation labels. Trigger again with override_evaluations: true to re-evaluate them.',
			});

			const override = await finished(task.id, { ...WINDOW, override_evaluations: true });
			expect(override.status).toBe('COMPLETED');
			expect(override.num_skipped).toBe(0);
			expect(override.num_successes + override.num_errors).toBe(30);
			// One entry per evaluation name, replaced rather than appended.
			for (const span of inside) expect(span.evaluations!.filter((evaluation) => evaluation.name === 'hallucination')).toHaveLength(1);
		});

		it('writes under the pinned version’s name, and a CODE evaluator’s pass/fail', async () => {
			const { projectId, inside } = projectWithSpans(20);
			const task = ctx.sandbox.store.addTask({
				type: 'TEMPLATE_EVALUATION',
				name: 'pinned',
				project_id: projectId,
				evaluators: [
					{ evaluator_id: SEED.evaluatorIds.relevance, evaluator_version_id: SEED.evaluatorVersionIds.relevance[0] },
					{ evaluator_id: SEED.evaluatorIds.jsonFormat, query_filter: "name LIKE 'span 1%'" },
				],
			});
			const run = await finished(task.id, WINDOW);
			const relevance = evaluationsNamed(inside, SEED.evaluationNames.relevanceV1);
			const code = evaluationsNamed(inside, SEED.evaluationNames.jsonFormat);
			expect(evaluationsNamed(inside, SEED.evaluationNames.relevance)).toEqual([]);
			// Version 1 does not ask for explanations.
			for (const evaluation of relevance) expect(Object.keys(evaluation)).toEqual(['name', 'label', 'score']);
			for (const evaluation of code) expect([{ name: 'json_format', label: 'pass', score: 1 }, { name: 'json_format', label: 'fail', score: 0 }]).toContainEqual(evaluation);
			// 'span 1', 'span 10' … 'span 19' match the code evaluator's own filter.
			const codeEligible = inside.filter((span) => span.name.startsWith('span 1')).length;
			expect(codeEligible).toBe(11);
			expect(run.num_successes).toBe(relevance.length + code.length);
			expect(run.num_successes + run.num_errors).toBe(20 + codeEligible);
		});

		it('fails the run, naming the filter, when a query_filter cannot be parsed', async () => {
			const { projectId } = projectWithSpans(5);
			const task = projectTask(projectId, { query_filter: "environment = 'production'" });
			const run = await finished(task.id, WINDOW);
			expect(run).toMatchObject({ status: 'FAILED', num_successes: 0, num_errors: 0, num_skipped: 0 });
			expect(run.failure_reason).toMatch(/^The task's query_filter is not a valid filter: unknown column 'environment'/);
		});
	});

	describe('dataset-based evaluation', () => {
		const labelKeys = (run: Record<string, unknown>) => Object.keys(run).filter((key) => key.startsWith('eval.')).sort();

		it("writes flat eval.<name>.* keys onto the runs of the trigger's experiments only; counts match", async () => {
			const x = SEED.experimentIds;
			const task = ctx.sandbox.store.addTask({
				type: 'TEMPLATE_EVALUATION',
				name: 'dataset effects',
				dataset_id: SEED.datasetId,
				experiment_ids: [x.baselineGpt4o, x.answerCorrectnessSonnet],
				evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination }],
			});
			const run = await finished(task.id, { experiment_ids: [x.answerCorrectnessSonnet] });
			expect(run).toMatchObject({ status: 'COMPLETED', data_start_time: null, data_end_time: null });
			const runs = ctx.sandbox.store.experimentRunsOf(x.answerCorrectnessSonnet);
			const labelled = runs.filter((item) => item['eval.hallucination.label'] !== undefined);
			expect(labelled).toHaveLength(run.num_successes);
			expect(run.num_successes + run.num_errors).toBe(runs.length);
			for (const item of labelled) {
				expect(labelKeys(item)).toEqual(['eval.hallucination.explanation', 'eval.hallucination.label', 'eval.hallucination.score']);
				expect(item['eval.hallucination.score']).toBe(item['eval.hallucination.label'] === 'factual' ? 1 : 0);
			}
			expect(ctx.sandbox.store.experimentRunsOf(x.baselineGpt4o).some((item) => 'eval.hallucination.label' in item)).toBe(false);

			// Without experiment_ids the task's experiments are evaluated; the ones already labelled are skipped.
			const all = await finished(task.id);
			const baseline = ctx.sandbox.store.experimentRunsOf(x.baselineGpt4o);
			expect(all.num_skipped).toBe(labelled.length);
			expect(all.num_successes + all.num_errors).toBe(baseline.length + runs.length - labelled.length);
		});

		it("applies the task's query_filter to experiment-run columns (output != '' leaves errored runs out)", async () => {
			const x = SEED.experimentIds;
			const task = ctx.sandbox.store.addTask({
				type: 'CODE_EVALUATION',
				name: 'dataset filter',
				dataset_id: SEED.datasetId,
				experiment_ids: [x.gpt41MiniPromptV3],
				query_filter: "output != ''",
				evaluators: [{ evaluator_id: SEED.evaluatorIds.jsonFormat }],
			});
			const run = await finished(task.id);
			const runs = ctx.sandbox.store.experimentRunsOf(x.gpt41MiniPromptV3);
			const withOutput = runs.filter((item) => item.output !== null);
			expect(withOutput.length).toBe(runs.length - 1);
			expect(run.num_successes + run.num_errors).toBe(withOutput.length);
			expect(runs.find((item) => item.output === null)).not.toHaveProperty(['eval.json_format.label']);
		});
	});
});
