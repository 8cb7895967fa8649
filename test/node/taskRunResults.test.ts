import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { SEED } from '../../sandbox/seed.ts';
import { API_KEY, jsonOf, runTasksNode, summary, useArize } from '../arize';

const arize = useArize();
const T = SEED.taskIds;

const getResults = (parameters: IDataObject, options: Parameters<typeof runTasksNode>[2] = {}) =>
	runTasksNode(arize.credentials, { resource: 'taskRun', operation: 'getResults', ...parameters }, options);

const enc = encodeURIComponent;
const runPath = (id: string) => `/v2/task-runs/${enc(id)}`;
const taskPath = (id: string) => `/v2/tasks/${enc(id)}`;
const experimentPath = (id: string) => `/v2/experiments/${enc(id)}`;
const evaluatorPath = (id: string) => `/v2/evaluators/${enc(id)}`;

async function api<T = IDataObject>(method: string, path: string, body?: unknown): Promise<T> {
	const response = await fetch(`${arize.sandbox.url}${path}`, {
		method,
		headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return (await response.json()) as T;
}

/** Everything Arize would return for a list, read page by page outside the node (the sandbox's requests are cleared). */
async function apiAll(method: string, path: string, listKey: string, body?: unknown): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	let cursor: string | undefined;
	do {
		const query = `limit=500${cursor ? `&cursor=${enc(cursor)}` : ''}`;
		const page = await api<IDataObject & { pagination: { has_more: boolean; next_cursor?: string } }>(
			method,
			`${path}?${query}`,
			body,
		);
		items.push(...(page[listKey] as IDataObject[]));
		cursor = page.pagination.has_more ? page.pagination.next_cursor : undefined;
	} while (cursor);
	arize.sandbox.clearRequests();
	return items;
}

/** The evaluation name a task's evaluator writes under, as Arize's evaluator read says. */
async function evaluationName(evaluatorId: string, versionId?: string | null): Promise<string> {
	const evaluator = await api<{ version: { template_config?: { name: string }; code_config?: { name: string } } }>(
		'GET',
		`${evaluatorPath(evaluatorId)}${versionId ? `?version_id=${enc(versionId)}` : ''}`,
	);
	arize.sandbox.clearRequests();
	return (evaluator.version.template_config ?? evaluator.version.code_config)!.name;
}

const task = (id: string) => arize.sandbox.store.tasks.get(id)!;

describe('Task Run → Get Results: a Run Experiment run', () => {
	/** A finished run of the prompt-generation task, with an experiment of `count` runs (every 10th failed). */
	function experimentRun(count: number) {
		const { store } = arize.sandbox;
		const experimentId = SEED.experimentIds.baselineGpt4o;
		store.experimentRuns.clear();
		store.addExperimentRuns(
			experimentId,
			Array.from({ length: count }, (_, i) => ({
				example_id: `example-${i}`,
				output: i % 10 === 0 ? null : `answer ${i}`,
				error: i % 10 === 0 ? 'model timed out' : null,
			})),
		);
		const run = store.addRun(T.promptGeneration, { status: 'COMPLETED', experiment_id: experimentId });
		arize.sandbox.clearRequests();
		return { run, experimentId };
	}

	it('returns every experiment run with Return All: 1,200 runs in 3 pages of 500, tagged with the experiment', async () => {
		const { run, experimentId } = experimentRun(1200);
		const expected = await apiAll('GET', `${experimentPath(experimentId)}/runs`, 'experiment_runs');
		const { items, error } = await getResults({ runId: run.id, returnAll: true });

		expect(error).toBeUndefined();
		const runsPath = `${experimentPath(experimentId)}/runs`;
		// The experiment (for its name) and the first page go side by side.
		const requests = arize.sandbox.requests.map(summary);
		expect(requests).toHaveLength(5);
		expect(requests[0]).toEqual({ method: 'GET', path: runPath(run.id), query: {} });
		expect(requests.slice(1, 3)).toEqual(
			expect.arrayContaining([
				{ method: 'GET', path: experimentPath(experimentId), query: {} },
				{ method: 'GET', path: runsPath, query: { limit: '500' } },
			]),
		);
		expect(requests.slice(3)).toEqual([
			{ method: 'GET', path: runsPath, query: { limit: '500', cursor: expect.any(String) } },
			{ method: 'GET', path: runsPath, query: { limit: '500', cursor: expect.any(String) } },
		]);
		expect(items).toHaveLength(1200);
		expect(jsonOf(items)).toEqual(
			expected.map((experimentRun) => ({
				...experimentRun,
				experiment_id: experimentId,
				experiment_name: 'baseline-gpt-4o',
			})),
		);
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('reads only what Limit asks for: Limit 20 is one page of 20', async () => {
		const { run, experimentId } = experimentRun(1200);
		const { items, error } = await getResults({ runId: run.id, returnAll: false, limit: 20 });

		expect(error).toBeUndefined();
		expect(items).toHaveLength(20);
		expect(arize.sandbox.requests.map(summary)).toEqual(
			expect.arrayContaining([{ method: 'GET', path: `${experimentPath(experimentId)}/runs`, query: { limit: '20' } }]),
		);
		expect(arize.sandbox.requests).toHaveLength(3);
	});

	it('sums the runs up in one item with Output Summary: results, errors, error rate', async () => {
		const { run } = experimentRun(1200);
		const { items, error } = await getResults({ runId: run.id, returnAll: true, output: 'summary' });

		expect(error).toBeUndefined();
		expect(jsonOf(items)).toEqual([
			{
				task_run_id: run.id,
				task_id: T.promptGeneration,
				task_run_status: 'COMPLETED',
				read_from: 'experiment runs',
				experiments: [{ id: SEED.experimentIds.baselineGpt4o, name: 'baseline-gpt-4o' }],
				results: 1200,
				errors: 120,
				error_rate: 0.1,
				evaluations: {},
				annotations: {},
			},
		]);
	});

	it('says clearly when the run has no experiment yet, after reading the run and its task only', async () => {
		const run = arize.sandbox.store.addRun(T.promptGeneration, { status: 'PENDING', experiment_id: null });
		arize.sandbox.clearRequests();
		const { error } = await getResults({ runId: run.id });

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(`Task run '${run.id}' has no experiment yet (it is PENDING)`);
		expect(error?.description).toBe(
			'Arize creates the experiment of a Run Experiment run when the run starts. Wait for the run ' +
				'(Task Run → Wait, or Wait for Completion on Trigger Run) and then get its results.',
		);
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{ method: 'GET', path: runPath(run.id), query: {} },
			{ method: 'GET', path: taskPath(T.promptGeneration), query: {} },
		]);
	});

	it("finds the results of a run whose task was deleted when the run is still there, as Arize's answer allows", async () => {
		const { run, experimentId } = experimentRun(3);
		arize.sandbox.store.tasks.delete(T.promptGeneration);
		const { items, error } = await getResults({ runId: run.id, returnAll: true });
		expect(error).toBeUndefined();
		expect(jsonOf(items).map((item) => item.experiment_id)).toEqual([experimentId, experimentId, experimentId]);
	});
});

describe('Task Run → Get Results: runs that cannot be read', () => {
	it('reports a run of a deleted task (Arize deletes the runs with the task) with the 404', async () => {
		const run = arize.sandbox.store.addRun(T.ragAnswerHallucination, { status: 'COMPLETED' });
		arize.sandbox.store.deleteTask(T.ragAnswerHallucination);
		arize.sandbox.clearRequests();
		const { error } = await getResults({ runId: run.id });

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(`Task run '${run.id}' was not found. [HTTP 404]`);
		expect(arize.sandbox.requests.map(summary)).toEqual([{ method: 'GET', path: runPath(run.id), query: {} }]);
	});

	it('says when the task of an evaluation run is gone while the run is still listed', async () => {
		const run = arize.sandbox.store.addRun(T.productionHallucination, { status: 'COMPLETED' });
		arize.sandbox.store.tasks.delete(T.productionHallucination);
		arize.sandbox.clearRequests();
		const { error } = await getResults({ runId: run.id });

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(`The task of run '${run.id}' no longer exists`);
		expect(error?.description).toMatch(
			new RegExp(`^Arize answered ".*\\[HTTP 404\\]" for task '.+'\\. Without the task it is not known where the run wrote its results\\.$`),
		);
	});

	it('refuses an empty Run ID before sending anything, and Continue On Fail keeps the error on the item', async () => {
		const { items, error } = await getResults({ runId: '={{ $json.run }}' }, { input: [{ run: '' }], continueOnFail: true });
		expect(error).toBeUndefined();
		expect(jsonOf(items)).toEqual([{ error: 'Run ID is empty' }]);
		expect(arize.sandbox.requests).toEqual([]);
	});
});

describe('Task Run → Get Results: an evaluation run on a project', () => {
	const window = { data_start_time: '2026-01-10T00:00:00.000Z', data_end_time: '2026-01-11T00:00:00.000Z' };

	/** Spans of the support-chatbot project around the window, some labelled by the task's evaluator. */
	async function labelledSpans() {
		const hallucinationTask = task(T.productionHallucination);
		const name = await evaluationName(SEED.evaluatorIds.hallucination, hallucinationTask.evaluators[0].evaluator_version_id);
		const at = (hour: number) => new Date(Date.parse(window.data_start_time) + hour * 3_600_000).toISOString();
		const span = (hour: number, label?: string, environment = 'production') => ({
			name: 'chat',
			start_time: at(hour),
			end_time: at(hour),
			status_code: hour === 3 ? 'ERROR' : 'OK',
			attributes: { 'metadata.environment': environment },
			...(label && { evaluations: [{ name, label, score: label === 'factual' ? 1 : 0 }] }),
		});
		arize.sandbox.store.addSpans(SEED.projectIds.supportChatbot, [
			span(-1, 'factual'), // before the window
			span(0, 'factual'), // the window's start is inclusive
			span(3, 'hallucinated'),
			span(5), // not labelled
			span(6, 'factual', 'staging'), // outside the task's query filter
			span(24, 'factual'), // the window's end is exclusive
		]);
		const run = arize.sandbox.store.addRun(T.productionHallucination, { status: 'COMPLETED', ...window });
		arize.sandbox.clearRequests();
		return { run, name };
	}

	it("reads the labelled spans of the run's window: the body carries the project, the window and the filter", async () => {
		const { run, name } = await labelledSpans();
		const { items, error } = await getResults({ runId: run.id, returnAll: true });

		expect(error).toBeUndefined();
		const filter = `(metadata.environment = 'production') AND (eval.${name}.label IS NOT NULL)`;
		const body = {
			project_id: SEED.projectIds.supportChatbot,
			start_time: window.data_start_time,
			end_time: window.data_end_time,
			filter,
		};
		const evaluatorVersion = task(T.productionHallucination).evaluators[0].evaluator_version_id;
		expect(arize.sandbox.requests.map(({ method, path, query, body: sent }) => ({ method, path, query, body: sent }))).toEqual([
			{ method: 'GET', path: runPath(run.id), query: {}, body: undefined },
			{ method: 'GET', path: taskPath(T.productionHallucination), query: {}, body: undefined },
			{
				method: 'GET',
				path: evaluatorPath(SEED.evaluatorIds.hallucination),
				query: evaluatorVersion ? { version_id: evaluatorVersion } : {},
				body: undefined,
			},
			{ method: 'POST', path: '/v2/spans', query: { limit: '500' }, body },
		]);
		const expected = await apiAll('POST', '/v2/spans', 'spans', body);
		expect(jsonOf(items)).toEqual(expected);
		expect(jsonOf(items).map((span) => (span.evaluations as IDataObject[])[0].label)).toEqual(['hallucinated', 'factual']);
	});

	it('sums the labels up with Output Summary', async () => {
		const { run, name } = await labelledSpans();
		const { items, error } = await getResults({ runId: run.id, returnAll: true, output: 'summary' });

		expect(error).toBeUndefined();
		expect(jsonOf(items)).toEqual([
			{
				task_run_id: run.id,
				task_id: T.productionHallucination,
				task_run_status: 'COMPLETED',
				read_from: 'spans',
				project_id: SEED.projectIds.supportChatbot,
				results: 2,
				errors: 1,
				error_rate: 0.5,
				evaluations: {
					[name]: {
						count: 2,
						labels: { hallucinated: 1, factual: 1 },
						label_rates: { hallucinated: 0.5, factual: 0.5 },
						mean_score: 0.5,
					},
				},
				annotations: {},
			},
		]);
	});

	it('refuses a harness evaluator, whose evaluation name Arize does not expose', async () => {
		const harness = [...arize.sandbox.store.evaluators.values()].find((evaluator) => evaluator.type === 'HARNESS');
		expect(harness).toBeDefined();
		task(T.productionHallucination).evaluators = [
			{ evaluator_id: harness!.id, evaluator_name: harness!.name, query_filter: null, column_mappings: null, evaluator_version_id: null },
		];
		const run = arize.sandbox.store.addRun(T.productionHallucination, { status: 'COMPLETED', ...window });
		arize.sandbox.clearRequests();
		const { error } = await getResults({ runId: run.id });

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(`The evaluator "${harness!.name}" does not say its evaluation name`);
		expect(error?.description).toBe(
			'Arize does not expose the configuration of HARNESS evaluators, so the labels it writes cannot be told apart ' +
				'from others. Only template and code evaluators can be read.',
		);
		expect(arize.sandbox.requests.map((request) => request.path)).not.toContain('/v2/spans');
	});
});

describe('Task Run → Get Results: an evaluation run on a dataset', () => {
	it("reads the runs of every experiment of the task, with their evaluation keys, and counts the task's evaluator", async () => {
		const relevanceTask = task(T.goldenRelevance);
		const [first, second] = relevanceTask.experiment_ids;
		const name = await evaluationName(SEED.evaluatorIds.relevance);
		const { store } = arize.sandbox;
		store.experimentRuns.clear();
		store.addExperimentRuns(first, [
			{ example_id: 'a', output: 'x', [`eval.${name}.label`]: 'relevant', [`eval.${name}.score`]: 1 },
			{ example_id: 'b', output: 'y', [`eval.${name}.label`]: 'unrelated', [`eval.${name}.score`]: 0 },
		]);
		store.addExperimentRuns(second, [
			{ example_id: 'a', output: null, error: 'rate limited' },
			{ example_id: 'b', output: 'z', [`eval.${name}.label`]: 'relevant', [`eval.${name}.score`]: 1, 'eval.other.label': 'x' },
		]);
		const run = store.addRun(T.goldenRelevance, { status: 'COMPLETED' });
		arize.sandbox.clearRequests();

		const { items, error } = await getResults({ runId: run.id, returnAll: true });
		expect(error).toBeUndefined();
		expect(jsonOf(items).map(({ example_id, experiment_id }) => [experiment_id, example_id])).toEqual([
			[first, 'a'],
			[first, 'b'],
			[second, 'a'],
			[second, 'b'],
		]);
		expect(items[0].json).toMatchObject({ [`eval.${name}.label`]: 'relevant', experiment_name: expect.any(String) });
		const paths = arize.sandbox.requests.map(({ method, path, query }) => `${method} ${path} ${JSON.stringify(query)}`);
		expect(paths.sort()).toEqual(
			[
				`GET ${runPath(run.id)} {}`,
				`GET ${taskPath(T.goldenRelevance)} {}`,
				// The evaluation name is only needed to count labels (Summary).
				`GET ${experimentPath(first)} {}`,
				`GET ${experimentPath(first)}/runs {"limit":"500"}`,
				`GET ${experimentPath(second)} {}`,
				`GET ${experimentPath(second)}/runs {"limit":"500"}`,
			].sort(),
		);

		arize.sandbox.clearRequests();
		const summarised = await getResults({ runId: run.id, returnAll: true, output: 'summary' });
		expect(arize.sandbox.requests.map(summary)).toContainEqual({
			method: 'GET',
			path: evaluatorPath(SEED.evaluatorIds.relevance),
			query: {},
		});
		expect(arize.sandbox.requests).toHaveLength(7);
		expect(jsonOf(summarised.items)).toEqual([
			expect.objectContaining({
				read_from: 'experiment runs',
				results: 4,
				errors: 1,
				error_rate: 0.25,
				evaluations: {
					[name]: {
						count: 3,
						labels: { relevant: 2, unrelated: 1 },
						label_rates: { relevant: 2 / 3, unrelated: 1 / 3 },
						mean_score: 2 / 3,
					},
				},
			}),
		]);
	});

	it('asks each experiment only for what Limit still needs', async () => {
		const [first, second] = task(T.goldenRelevance).experiment_ids;
		const { store } = arize.sandbox;
		store.experimentRuns.clear();
		store.addExperimentRuns(first, [{ example_id: 'a', output: 'x' }, { example_id: 'b', output: 'y' }]);
		store.addExperimentRuns(second, [{ example_id: 'a', output: 'z' }, { example_id: 'b', output: 'w' }]);
		const run = store.addRun(T.goldenRelevance, { status: 'COMPLETED' });
		arize.sandbox.clearRequests();

		const { items } = await getResults({ runId: run.id, returnAll: false, limit: 3 });
		expect(jsonOf(items).map((item) => item.experiment_id)).toEqual([first, first, second]);
		const runPages = arize.sandbox.requests.filter((request) => request.path.endsWith('/runs')).map(summary);
		expect(runPages).toEqual([
			{ method: 'GET', path: `${experimentPath(first)}/runs`, query: { limit: '3' } },
			{ method: 'GET', path: `${experimentPath(second)}/runs`, query: { limit: '1' } },
		]);
	});
});

describe('Task Run → Get Results after a real run', () => {
	it('finds the labels a code-evaluation run wrote on its project, under the code config name', async () => {
		arize.sandbox.setRunDurationMs(60);
		const trigger = await runTasksNode(arize.credentials, {
			resource: 'task',
			operation: 'trigger',
			taskId: { __rl: true, mode: 'id', value: T.chatbotJsonFormat },
			taskType: 'CODE_EVALUATION',
			dataStartTime: SEED.spanWindow.start,
			dataEndTime: SEED.spanWindow.end,
			options: { overrideEvaluations: true },
			waitForCompletion: true,
			pollInterval: 1,
		});
		expect(trigger.error).toBeUndefined();
		const run = trigger.items[0].json;
		expect(run.status).toBe('COMPLETED');
		const name = await evaluationName(SEED.evaluatorIds.jsonFormat);
		expect(name).toBe(SEED.evaluationNames.jsonFormat);

		// What Arize holds: the project's spans in the window with that label.
		const labelled = await apiAll('POST', '/v2/spans', 'spans', {
			project_id: SEED.projectIds.supportChatbot,
			start_time: SEED.spanWindow.start,
			end_time: SEED.spanWindow.end,
			filter: `eval.${name}.label IS NOT NULL`,
		});
		expect(labelled.length).toBeGreaterThanOrEqual(Number(run.num_successes));
		const labels: Record<string, number> = {};
		for (const span of labelled) {
			const label = String((span.evaluations as IDataObject[]).find((evaluation) => evaluation.name === name)!.label);
			labels[label] = (labels[label] ?? 0) + 1;
		}

		const { items, error } = await getResults({ runId: run.id, returnAll: true, output: 'summary' });
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({
			read_from: 'spans',
			results: labelled.length,
			evaluations: { [name]: { count: labelled.length, labels } },
		});
		const spanRequest = arize.sandbox.requests.find((request) => request.path === '/v2/spans');
		expect(spanRequest?.body).toEqual({
			project_id: SEED.projectIds.supportChatbot,
			start_time: SEED.spanWindow.start,
			end_time: SEED.spanWindow.end,
			filter: `eval.${name}.label IS NOT NULL`,
		});
	});

	it('quotes an evaluation name with spaces in the span filter', async () => {
		const { evaluationColumn } = await import('../../nodes/ArizeTasks/actions/taskRun/results');
		expect(evaluationColumn('hallucination')).toBe('eval.hallucination');
		expect(evaluationColumn('Answer Correctness (v2)')).toBe('eval."Answer Correctness (v2)"');
		// The sandbox reads it the same way.
		const body = { project_id: SEED.projectIds.supportChatbot, filter: `${evaluationColumn('Answer Correctness (v2)')}.label IS NOT NULL` };
		const answer = await api<IDataObject>('POST', '/v2/spans?limit=1', body);
		expect(answer).toMatchObject({ spans: [] });
	});
});
