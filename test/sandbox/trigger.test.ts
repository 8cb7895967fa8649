import { SEED } from '../../sandbox/index.ts';
import type { Task } from '../../sandbox/index.ts';
import { enc, expectProblem, useSandbox } from './helpers.ts';

// POST /v2/tasks/{id}/trigger → 201 TaskRun, PENDING.

const DAY = 24 * 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('POST /v2/tasks/{id}/trigger', () => {
	const ctx = useSandbox({ runDurationMs: 60_000 });
	const trigger = (taskId: string, body?: unknown) => ctx.api.post(`/v2/tasks/${enc(taskId)}/trigger`, body);

	/** A project task that last ran `daysAgo` days ago (never, when undefined), with no run in progress. */
	const projectTask = (daysAgo?: number): Task => {
		const task = ctx.sandbox.store.addTask({
			type: 'TEMPLATE_EVALUATION',
			name: 'trigger test (project)',
			project_id: SEED.projectIds.supportChatbot,
			evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination }],
		});
		if (daysAgo !== undefined) ctx.sandbox.store.addRun(task.id, { created_at: iso(Date.now() - daysAgo * DAY) });
		return task;
	};
	const datasetTask = (): Task =>
		ctx.sandbox.store.addTask({
			type: 'CODE_EVALUATION',
			name: 'trigger test (dataset)',
			dataset_id: SEED.datasetId,
			experiment_ids: [SEED.experimentIds.baselineGpt4o],
			evaluators: [{ evaluator_id: SEED.evaluatorIds.jsonFormat }],
		});
	const experimentTask = (): Task => {
		const seeded = ctx.sandbox.store.tasks.get(SEED.taskIds.promptGeneration)!;
		return ctx.sandbox.store.addTask({ type: 'RUN_EXPERIMENT', name: 'trigger test (experiment)', dataset_id: SEED.datasetId, run_configuration: seeded.run_configuration });
	};

	describe('evaluation tasks', () => {
		it('starts a PENDING run from an empty body, defaulting the window to last run → now', async () => {
			const task = projectTask(2);
			const lastRunAt = task.last_run_at;
			const before = Date.now();
			const response = await trigger(task.id, {});
			expect(response.status).toBe(201);
			expect(response.body).toEqual({
				id: expect.any(String),
				task_id: task.id,
				status: 'PENDING',
				experiment_id: null,
				run_started_at: null,
				run_finished_at: null,
				data_start_time: lastRunAt,
				data_end_time: expect.any(String),
				num_successes: 0,
				num_errors: 0,
				num_skipped: 0,
				created_at: expect.any(String),
				created_by_user_id: SEED.userId,
				failure_reason: null,
			});
			expect(Date.parse(response.body.data_end_time)).toBeGreaterThanOrEqual(before - 5);
			// The trigger moves last_run_at (pollers watch it).
			expect((await ctx.api.get(`/v2/tasks/${enc(task.id)}`)).body.last_run_at).toBe(response.body.created_at);
		});

		it('accepts no body at all', async () => {
			expect((await trigger(projectTask(1).id)).status).toBe(201);
		});

		it('uses an explicit window, max_spans and override_evaluations', async () => {
			const response = await trigger(projectTask().id, {
				data_start_time: '2026-03-01T00:00:00Z',
				data_end_time: '2026-03-07T00:00:00+00:00',
				max_spans: 5000,
				override_evaluations: true,
			});
			expect(response.status).toBe(201);
			expect(response.body).toMatchObject({ data_start_time: '2026-03-01T00:00:00.000Z', data_end_time: '2026-03-07T00:00:00.000Z' });
		});

		it('accepts a window of exactly 30 days', async () => {
			const response = await trigger(projectTask().id, { data_start_time: '2026-03-01T00:00:00Z', data_end_time: '2026-03-31T00:00:00Z' });
			expect(response.status).toBe(201);
		});

		it('clamps a defaulted start to 30 days before the end', async () => {
			const task = projectTask();
			ctx.sandbox.store.addRun(task.id, { created_at: '2026-06-01T00:00:00.000Z' });
			const response = await trigger(task.id, { data_end_time: '2026-11-01T00:00:00Z' });
			expect(response.status).toBe(201);
			expect(response.body.data_start_time).toBe('2026-10-02T00:00:00.000Z');
		});

		it('answers 400 when a project task that never ran gets no data_start_time', async () => {
			expectProblem(await trigger(SEED.taskIds.ragAnswerHallucination, {}), 400, /data_start_time.*never run/);
			expectProblem(await trigger(projectTask().id, { data_end_time: '2026-11-01T00:00:00Z' }), 400, /data_start_time/);
		});

		it('runs a dataset task on its experiments (no data window) and accepts experiment_ids of the dataset', async () => {
			const response = await trigger(datasetTask().id, { experiment_ids: [SEED.experimentIds.gpt41MiniPromptV3], max_spans: 10 });
			expect(response.status).toBe(201);
			expect(response.body).toMatchObject({ data_start_time: null, data_end_time: null, experiment_id: null });
		});

		it.each<[string, Record<string, unknown>, RegExp]>([
			['an unparsable data_start_time', { data_start_time: 'yesterday', data_end_time: '2026-03-02T00:00:00Z' }, /data_start_time.*date-time/],
			['a date without time', { data_start_time: '2026-03-01', data_end_time: '2026-03-02T00:00:00Z' }, /date-time/],
			['a fractional max_spans', { data_start_time: '2026-03-01T00:00:00Z', max_spans: 1.5 }, /max_spans.*integer/],
			['a string max_spans', { data_start_time: '2026-03-01T00:00:00Z', max_spans: '10' }, /max_spans/],
			['a string override_evaluations', { data_start_time: '2026-03-01T00:00:00Z', override_evaluations: 'yes' }, /override_evaluations/],
			['experiment_ids on a project task', { data_start_time: '2026-03-01T00:00:00Z', experiment_ids: [SEED.experimentIds.baselineGpt4o] }, /experiment_ids.*dataset-based/],
			['experiment_name (RUN_EXPERIMENT only)', { experiment_name: 'x' }, /experiment_name.*RUN_EXPERIMENT/],
			['example_ids (RUN_EXPERIMENT only)', { example_ids: [] }, /example_ids.*RUN_EXPERIMENT/],
			['max_examples (RUN_EXPERIMENT only)', { max_examples: 3 }, /max_examples.*RUN_EXPERIMENT/],
			['dataset_version_id (RUN_EXPERIMENT only)', { dataset_version_id: 'x' }, /dataset_version_id.*RUN_EXPERIMENT/],
			['tracing_metadata (RUN_EXPERIMENT only)', { tracing_metadata: {} }, /tracing_metadata.*RUN_EXPERIMENT/],
			['evaluation_task_ids (RUN_EXPERIMENT only)', { evaluation_task_ids: [] }, /evaluation_task_ids.*RUN_EXPERIMENT/],
			['an unknown field', { window: '7d' }, /Unknown field/],
		])('answers 400 on a project task for %s', async (_label, body, detail) => {
			expectProblem(await trigger(projectTask(1).id, body), 400, detail);
		});

		it.each(['data_start_time', 'data_end_time'])('answers 400 for %s on a dataset task', async (field) => {
			expectProblem(await trigger(datasetTask().id, { [field]: '2026-03-01T00:00:00Z' }), 400, new RegExp(`${field}.*dataset-based`));
		});

		it.each<[string, Record<string, unknown>, RegExp]>([
			['a window longer than 30 days', { data_start_time: '2026-03-01T00:00:00Z', data_end_time: '2026-03-31T00:00:01Z' }, /30 days/],
			['a start after the end', { data_start_time: '2026-03-02T00:00:00Z', data_end_time: '2026-03-01T00:00:00Z' }, /before data_end_time/],
			['a start equal to the end', { data_start_time: '2026-03-01T00:00:00Z', data_end_time: '2026-03-01T00:00:00Z' }, /before/],
			['max_spans 0', { data_start_time: '2026-03-01T00:00:00Z', data_end_time: '2026-03-02T00:00:00Z', max_spans: 0 }, /max_spans/],
		])('answers 422 for %s', async (_label, body, detail) => {
			expectProblem(await trigger(projectTask().id, body), 422, detail);
		});

		it('answers 422 for experiment_ids that do not exist or belong to another dataset', async () => {
			expectProblem(await trigger(datasetTask().id, { experiment_ids: ['RXhwZXJpbWVudDo5OTk='] }), 422, /experiment_ids\[0\]/);
			const store = ctx.sandbox.store;
			const foreignExperiment = 'RXhwZXJpbWVudDo4ODg6Zm9yZWlnbg==';
			store.experiments.set(foreignExperiment, {
				id: foreignExperiment,
				name: 'elsewhere',
				dataset_id: 'RGF0YXNldDo4ODg6b3RoZXI=',
				dataset_version_id: null,
				space_id: SEED.spaceId,
				created_at: '2026-05-01T00:00:00.000Z',
			});
			expectProblem(await trigger(datasetTask().id, { experiment_ids: [foreignExperiment] }), 422, /another dataset/);
			store.experiments.delete(foreignExperiment);
		});

		it('answers 409 while the task has a run in progress, then allows it again after a cancel', async () => {
			const task = projectTask(1);
			const first = await trigger(task.id, {});
			expect(first.status).toBe(201);
			const detail = expectProblem(await trigger(task.id, {}), 409, /already has a run in progress/);
			expect(detail).toContain(first.body.id);
			expect((await ctx.api.post(`/v2/task-runs/${enc(first.body.id)}/cancel`)).status).toBe(200);
			expect((await trigger(task.id, {})).status).toBe(201);
		});

		it('answers 404 for an unknown task and 400 for a body that is not an object', async () => {
			expectProblem(await trigger('VGFzazo5OTk5OTo=', {}), 404);
			expectProblem(await trigger(projectTask(1).id, [1]), 400, /JSON object/);
		});
	});

	describe('RUN_EXPERIMENT tasks', () => {
		it('starts a PENDING run without experiment_id or data window', async () => {
			const response = await trigger(experimentTask().id, {
				experiment_name: 'prompt-v4-smoke',
				dataset_version_id: SEED.datasetVersionIds.v2,
				max_examples: 5,
				tracing_metadata: { source: 'n8n' },
				evaluation_task_ids: [SEED.taskIds.goldenRelevance],
			});
			expect(response.status).toBe(201);
			expect(response.body).toMatchObject({ status: 'PENDING', experiment_id: null, data_start_time: null, data_end_time: null });
		});

		it('accepts example_ids of the dataset', async () => {
			const exampleId = ctx.sandbox.store.datasets.get(SEED.datasetId)!.examples[3].id;
			expect((await trigger(experimentTask().id, { experiment_name: 'two-examples', example_ids: [exampleId] })).status).toBe(201);
		});

		it.each<[string, unknown, RegExp]>([
			['no body', undefined, /experiment_name/],
			['a missing experiment_name', {}, /experiment_name/],
			['an empty experiment_name', { experiment_name: '' }, /experiment_name/],
			['example_ids with max_examples', { experiment_name: 'x', example_ids: [], max_examples: 2 }, /cannot be combined/],
			['non-string tracing_metadata values', { experiment_name: 'x', tracing_metadata: { n: 1 } }, /tracing_metadata/],
			['data_start_time (eval only)', { experiment_name: 'x', data_start_time: '2026-03-01T00:00:00Z' }, /data_start_time.*evaluation tasks/],
			['data_end_time (eval only)', { experiment_name: 'x', data_end_time: '2026-03-01T00:00:00Z' }, /data_end_time/],
			['max_spans (eval only)', { experiment_name: 'x', max_spans: 5 }, /max_spans/],
			['override_evaluations (eval only)', { experiment_name: 'x', override_evaluations: true }, /override_evaluations/],
			['experiment_ids (eval only)', { experiment_name: 'x', experiment_ids: [] }, /experiment_ids/],
		])('answers 400 for %s', async (_label, body, detail) => {
			expectProblem(await trigger(experimentTask().id, body), 400, detail);
		});

		it.each<[string, Record<string, unknown>, RegExp]>([
			['max_examples 0', { max_examples: 0 }, /max_examples/],
			['an unknown dataset_version_id', { dataset_version_id: 'RGF0YXNldFZlcnNpb246OTk=' }, /dataset_version_id/],
			['an unknown example id', { example_ids: ['nope'] }, /example_ids\[0\]/],
			['an unknown evaluation task', { evaluation_task_ids: ['VGFzazo5OTk5OTo='] }, /evaluation_task_ids\[0\]/],
			['a RUN_EXPERIMENT evaluation task', { evaluation_task_ids: [SEED.taskIds.supportAgentRegression] }, /not an evaluation task/],
		])('answers 422 for %s', async (_label, body, detail) => {
			expectProblem(await trigger(experimentTask().id, { experiment_name: 'unique-422', ...body }), 422, detail);
		});

		it('answers 409 when the experiment name is already used in the dataset', async () => {
			expectProblem(await trigger(experimentTask().id, { experiment_name: SEED.experimentNames[0] }), 409, /already exists/);
		});

		it('answers 409 when a run not yet started has reserved the name', async () => {
			expect((await trigger(experimentTask().id, { experiment_name: 'reserved-name' })).status).toBe(201);
			expectProblem(await trigger(experimentTask().id, { experiment_name: 'reserved-name' }), 409, /reserved-name/);
		});
	});
});
