import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { SEED } from '../../sandbox/seed.ts';
import { API_KEY, jsonOf, runTasksNode, summary, useArize } from '../arize';

const arize = useArize();

const T = SEED.taskIds;

const taskRun = (operation: string, parameters: IDataObject, options: Parameters<typeof runTasksNode>[2] = {}) =>
	runTasksNode(arize.credentials, { resource: 'taskRun', operation, ...parameters }, options);

const runPath = (runId: string) => `/v2/task-runs/${encodeURIComponent(runId)}`;

async function apiRun(id: string) {
	const response = await fetch(`${arize.sandbox.url}${runPath(id)}`, { headers: { authorization: `Bearer ${API_KEY}` } });
	arize.sandbox.clearRequests();
	return (await response.json()) as IDataObject;
}

/** A run started the way a trigger starts one: PENDING, RUNNING after a third of the duration, then COMPLETED. */
function startRun(taskId: string, durationMs: number) {
	arize.sandbox.setRunDurationMs(durationMs);
	const task = arize.sandbox.store.tasks.get(taskId)!;
	return arize.sandbox.store.startRun(task, { data_start_time: null, data_end_time: null, total: 20 });
}

describe('Task Run → Get', () => {
	it('gets the run by its ID (URL-encoded) and outputs it as Arize returns it', async () => {
		const run = arize.sandbox.store.runsOf(T.chatbotRelevanceSample).at(-1)!; // the FAILED one
		const expected = await apiRun(run.id);
		const { items, error } = await taskRun('get', { runId: ` ${run.id} ` });

		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map(summary)).toEqual([{ method: 'GET', path: runPath(run.id), query: {} }]);
		expect(jsonOf(items)).toEqual([expected]);
		expect(items[0].json).toMatchObject({ status: 'FAILED', failure_reason: expect.stringContaining('429') });
	});

	it('outputs the status in UPPERCASE when Arize answers in lowercase', async () => {
		arize.sandbox.setLowercaseEnums(true);
		const run = arize.sandbox.store.runsOf(T.productionHallucination)[0];
		const { items } = await taskRun('get', { runId: run.id });
		expect(items[0].json.status).toBe('COMPLETED');
	});

	it("surfaces a run that does not exist (404) with Arize's detail", async () => {
		const { error } = await taskRun('get', { runId: 'VGFza1J1bjo5OTk5' });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe("Task run 'VGFza1J1bjo5OTk5' was not found. [HTTP 404]");
		expect(error?.httpCode).toBe('404');
	});

	it('refuses a Run ID that resolves to nothing, before sending anything', async () => {
		const { error } = await taskRun('get', { runId: '={{ $json.run }}' }, { input: [{ run: ' ' }] });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('Run ID is empty');
		expect(arize.sandbox.requests).toEqual([]);
	});
});

describe('Task Run → Get Many', () => {
	const ofTask = (taskId: string) => ({ taskId: { __rl: true, mode: 'list', value: taskId } });

	it('returns every run with Return All, 100 per request', async () => {
		for (let i = 0; i < 205; i++) arize.sandbox.store.addRun(T.goldenJsonFormat, { status: i % 5 === 0 ? 'FAILED' : 'COMPLETED' });
		const { items, error } = await taskRun('getAll', { ...ofTask(T.goldenJsonFormat), returnAll: true });

		expect(error).toBeUndefined();
		expect(items).toHaveLength(205);
		expect(new Set(items.map((item) => item.json.id)).size).toBe(205);
		const path = `/v2/tasks/${encodeURIComponent(T.goldenJsonFormat)}/runs`;
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{ method: 'GET', path, query: { limit: '100' } },
			{ method: 'GET', path, query: { limit: '100', cursor: expect.any(String) } },
			{ method: 'GET', path, query: { limit: '100', cursor: expect.any(String) } },
		]);
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('sends the Status filter and returns only runs in that status', async () => {
		const [completed, failed] = arize.sandbox.store.runsOf(T.chatbotRelevanceSample);
		const { items, error } = await taskRun('getAll', { ...ofTask(T.chatbotRelevanceSample), returnAll: true, filters: { status: 'FAILED' } });

		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map((request) => request.query)).toEqual([{ status: 'FAILED', limit: '100' }]);
		expect(jsonOf(items)).toEqual([await apiRun(failed.id)]);
		expect(items.map((item) => item.json.id)).not.toContain(completed.id);
	});

	it('stops at the Limit, asking for no more than it', async () => {
		const { items } = await taskRun('getAll', { ...ofTask(T.productionHallucination), returnAll: false, limit: 2 });
		expect(items.map((item) => item.json.id)).toEqual(
			arize.sandbox.store.listedRunsOf(T.productionHallucination).slice(0, 2).map((run) => run.id),
		);
		expect(arize.sandbox.requests.map((request) => request.query)).toEqual([{ limit: '2' }]);
	});

	it('reads a Limit given as text by an expression', async () => {
		const { items, error } = await taskRun(
			'getAll',
			{ ...ofTask(T.productionHallucination), returnAll: false, limit: '={{ $json.limit }}' },
			{ input: [{ limit: '1' }] },
		);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
	});

	it('refuses a Limit below 1 before sending anything', async () => {
		const { error } = await taskRun('getAll', { ...ofTask(T.productionHallucination), returnAll: false, limit: 0 });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('Limit must be a whole number from 1 to 1000, got 0');
		expect(arize.sandbox.requests).toEqual([]);
	});

	it('returns nothing for a task without runs', async () => {
		arize.sandbox.store.runs.clear();
		const { items, error } = await taskRun('getAll', { ...ofTask(T.ragAnswerHallucination), returnAll: true });
		expect(error).toBeUndefined();
		expect(items).toEqual([]);
	});
});

describe('Task Run → Cancel', () => {
	it('cancels a running run and outputs it CANCELLED', async () => {
		const run = arize.sandbox.store.addRun(T.productionHallucination, { status: 'RUNNING' });
		const { items, error } = await taskRun('cancel', { runId: run.id });

		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
			{ method: 'POST', path: `${runPath(run.id)}/cancel`, body: undefined },
		]);
		expect(jsonOf(items)).toEqual([
			{
				...(await apiRun(run.id)),
				status: 'CANCELLED',
				failure_reason: 'Cancelled by user',
				run_finished_at: expect.any(String),
			},
		]);
	});

	it('cancels a pending run', async () => {
		const run = arize.sandbox.store.addRun(T.goldenRelevance, { status: 'PENDING' });
		const { items } = await taskRun('cancel', { runId: run.id });
		expect(items.map((item) => item.json.status)).toEqual(['CANCELLED']);
	});

	it("surfaces Arize's error with its detail when the run has already finished", async () => {
		const run = arize.sandbox.store.runsOf(T.productionHallucination)[0];
		const { error } = await taskRun('cancel', { runId: run.id });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(
			`Task run '${run.id}' is already COMPLETED; only PENDING or RUNNING runs can be cancelled. [HTTP 400]`,
		);
		expect(error?.httpCode).toBe('400');
		expect(arize.sandbox.requests).toHaveLength(1);
	});

	it('retries a cancel answered 503 (cancelling is safe to repeat)', async () => {
		const run = arize.sandbox.store.addRun(T.productionHallucination, { status: 'RUNNING' });
		arize.sandbox.faults.inject({ status: 503 }, { method: 'POST' });
		const { items, error } = await taskRun('cancel', { runId: run.id });
		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map((request) => request.status)).toEqual([503, 200]);
		expect(items[0].json.status).toBe('CANCELLED');
	});
});

describe('Task Run → Wait', () => {
	it('polls until the run finishes and outputs the final run', async () => {
		const run = startRun(T.productionHallucination, 300);
		const { items, error } = await taskRun('wait', { runId: run.id, pollInterval: 1 });

		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{ method: 'GET', path: runPath(run.id), query: {} },
			{ method: 'GET', path: runPath(run.id), query: {} },
		]);
		expect(items[0].json).toMatchObject({ id: run.id, status: 'COMPLETED' });
		expect(items[0].json).toEqual(await apiRun(run.id));
	});

	it('returns a run that has already finished at once, with a single request', async () => {
		const run = arize.sandbox.store.runsOf(T.ragRetrievalRelevance)[0]; // CANCELLED
		const started = Date.now();
		const { items, error } = await taskRun('wait', { runId: run.id, pollInterval: 5 });
		expect(error).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(1000);
		expect(arize.sandbox.requests).toHaveLength(1);
		expect(items[0].json).toMatchObject({ id: run.id, status: 'CANCELLED', failure_reason: expect.stringContaining('override_evaluations') });
	});

	it('on timeout, stops with an error naming the run and its last status', async () => {
		const run = startRun(T.productionHallucination, 60_000);
		const { error } = await taskRun('wait', { runId: run.id, pollInterval: 1, waitTimeout: 1 });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(`Run ${run.id} did not finish within 1 s; its last status was PENDING`);
	});

	it('on timeout with "Return the Run As It Is", outputs the run as last seen', async () => {
		const run = startRun(T.productionHallucination, 60_000);
		const { items, error } = await taskRun('wait', { runId: run.id, pollInterval: 1, waitTimeout: 1, onTimeout: 'returnLast' });
		expect(error).toBeUndefined();
		expect(jsonOf(items)).toEqual([await apiRun(run.id)]);
		expect(items[0].json.status).toBe('PENDING');
	});

	it.each([
		['0', 'Poll Interval must be a number of seconds, at least 1 (got 0)'],
		['soon', 'Poll Interval must be a number of seconds, at least 1 (got soon)'],
	])('refuses a Poll Interval of "%s" from an expression (it would poll without pause), before sending anything', async (interval, message) => {
		const run = startRun(T.productionHallucination, 300);
		const { error } = await taskRun('wait', { runId: run.id, pollInterval: '={{ $json.interval }}' }, { input: [{ interval }] });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(message);
		expect(arize.sandbox.requests).toEqual([]);
	});

	it('reads Poll Interval and Timeout given as text by expressions', async () => {
		const run = startRun(T.productionHallucination, 60_000);
		const { error } = await taskRun(
			'wait',
			{ runId: run.id, pollInterval: '={{ $json.interval }}', waitTimeout: '={{ $json.timeout }}' },
			{ input: [{ interval: '1', timeout: '1' }] },
		);
		expect(error?.message).toBe(`Run ${run.id} did not finish within 1 s; its last status was PENDING`);
		expect(arize.sandbox.requests).toHaveLength(2);
	});
});
