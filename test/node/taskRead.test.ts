import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeParameters, NodeParameterValueType } from 'n8n-workflow';

import { SEED } from '../../sandbox/seed.ts';
import { API_KEY, jsonOf, runTasksNode, searchList, summary, useArize } from '../arize';

const arize = useArize();

const getTask = (taskId: NodeParameterValueType, options: Parameters<typeof runTasksNode>[2] = {}) =>
	runTasksNode(arize.credentials, { resource: 'task', operation: 'get', taskId }, options);

const getMany = (parameters: INodeParameters, input?: IDataObject[]) =>
	runTasksNode(arize.credentials, { resource: 'task', operation: 'getAll', ...parameters }, { input });

/** The sandbox's own answer for a task, to compare node output with. */
async function apiTask(id: string) {
	const response = await fetch(`${arize.sandbox.url}/v2/tasks/${encodeURIComponent(id)}`, {
		headers: { authorization: `Bearer ${API_KEY}` },
	});
	arize.sandbox.clearRequests();
	return await response.json();
}

describe('Task → Get', () => {
	it.each([
		['list mode', { __rl: true, mode: 'list', value: SEED.specialTaskIds.withSlash }],
		['id mode', { __rl: true, mode: 'id', value: SEED.specialTaskIds.withSlash }],
	])('gets a task chosen in %s, with the ID URL-encoded', async (_mode, taskId) => {
		const expected = await apiTask(SEED.specialTaskIds.withSlash);
		const { items, error } = await getTask(taskId);

		expect(error).toBeUndefined();
		expect(jsonOf(items)).toEqual([expected]);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{ method: 'GET', path: `/v2/tasks/${encodeURIComponent(SEED.specialTaskIds.withSlash)}`, query: {} },
		]);
		const headers = arize.sandbox.requests[0].headers;
		expect(headers.authorization).toBeUndefined();
		expect(headers.accept).toContain('application/json');
	});

	it('encodes +, / and = in IDs', async () => {
		for (const id of Object.values(SEED.specialTaskIds)) {
			const { items, error } = await getTask({ __rl: true, mode: 'id', value: id });
			expect(error).toBeUndefined();
			expect(items[0].json.id).toBe(id);
		}
		expect(arize.sandbox.requests.map((request) => request.path)).toEqual(
			Object.values(SEED.specialTaskIds).map((id) => `/v2/tasks/${encodeURIComponent(id)}`),
		);
	});

	it('resolves the task ID per item from an expression', async () => {
		const ids = [SEED.taskIds.productionHallucination, SEED.taskIds.goldenRelevance];
		const { items } = await getTask(
			{ __rl: true, mode: 'id', value: '={{ $json.taskId }}' },
			{ input: ids.map((taskId) => ({ taskId })) },
		);
		expect(items.map((item) => [item.json.id, item.pairedItem])).toEqual([
			[ids[0], { item: 0 }],
			[ids[1], { item: 1 }],
		]);
	});

	it("surfaces a 404 with Arize's detail and the status", async () => {
		const { error } = await getTask({ __rl: true, mode: 'id', value: 'VGFzazo5OTk5OTk=' });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toMatch(/^.*VGFzazo5OTk5OTk=.* \[HTTP 404\]$/);
		expect(error?.httpCode).toBe('404');
	});

	it('rejects a task ID that resolves to nothing, before sending anything', async () => {
		const { error } = await getTask({ __rl: true, mode: 'id', value: '={{ $json.taskId }}' }, { input: [{ taskId: ' ' }] });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('No task chosen');
		expect(arize.sandbox.requests).toEqual([]);
	});

	it('names the credential and hints at the region on a 401, without the key', async () => {
		const { error } = await runTasksNode(
			{ arizeApi: { ...arize.credentials.arizeApi, apiKey: 'wrong-key-from-another-region' } },
			{ resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: SEED.taskIds.goldenRelevance } },
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.httpCode).toBe('401');
		expect(error?.message).toMatch(/\[HTTP 401\]$/);
		expect(error?.description).toContain('Check the API key in the credential');
		expect(error?.description).toContain('another region');
		expect(JSON.stringify(error)).not.toContain('wrong-key-from-another-region');
		expect(JSON.stringify(error)).not.toContain(API_KEY);
	});

	it('retries a 503 on a GET and returns the task', async () => {
		arize.sandbox.faults.inject({ status: 503 });
		const { items, error } = await getTask({ __rl: true, mode: 'id', value: SEED.taskIds.goldenRelevance });
		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe(SEED.taskIds.goldenRelevance);
		expect(arize.sandbox.requests.map((request) => request.status)).toEqual([503, 200]);
	});

	it('waits out two 429s (Retry-After) and then succeeds', async () => {
		arize.sandbox.faults.inject({ status: 429, retryAfter: 0 }, { times: 2 });
		const { items, error } = await getTask({ __rl: true, mode: 'id', value: SEED.taskIds.goldenRelevance });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(arize.sandbox.requests.map((request) => request.status)).toEqual([429, 429, 200]);
	});

	it('retries a reset connection on a GET', async () => {
		arize.sandbox.faults.inject({ kind: 'reset' });
		const { items, error } = await getTask({ __rl: true, mode: 'id', value: SEED.taskIds.goldenRelevance });
		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe(SEED.taskIds.goldenRelevance);
		expect(arize.sandbox.requests).toHaveLength(2);
	});

	it('gives up on an answer that never comes after the credential\'s timeout, without retrying', async () => {
		arize.sandbox.faults.inject({ kind: 'hang' });
		const started = Date.now();
		const { error } = await runTasksNode(
			{ arizeApi: { ...arize.credentials.arizeApi, timeout: 1 } },
			{ resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: SEED.taskIds.goldenRelevance } },
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(`Arize at ${arize.sandbox.url} did not answer within 1 s`);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(arize.sandbox.requests).toHaveLength(1);
	});

	it('with Continue On Fail, outputs the error on the failing item and goes on', async () => {
		const ids = [SEED.taskIds.goldenRelevance, 'VGFzazo5OTk5OTk=', SEED.taskIds.productionHallucination];
		const { items, error } = await getTask(
			{ __rl: true, mode: 'id', value: '={{ $json.taskId }}' },
			{ input: ids.map((taskId) => ({ taskId })), continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.id).toBe(ids[0]);
		expect(items[1].json).toEqual({
			error: expect.stringMatching(/\[HTTP 404\]$/),
			description: expect.any(String),
			httpCode: '404',
		});
		expect(items[2].json.id).toBe(ids[2]);
	});

	it('reads lowercase enums and outputs them in UPPERCASE', async () => {
		arize.sandbox.setLowercaseEnums(true);
		const { items } = await getTask({ __rl: true, mode: 'id', value: SEED.taskIds.goldenRelevance });
		expect(items[0].json.type).toBe('TEMPLATE_EVALUATION');
	});
});

describe('Task → Get Many', () => {
	it('returns all of 250 tasks with exactly 3 list calls of 100', async () => {
		arize.sandbox.store.tasks.clear();
		arize.sandbox.store.addTasks(250);
		const { items, error } = await getMany({ returnAll: true });

		expect(error).toBeUndefined();
		expect(items).toHaveLength(250);
		expect(new Set(items.map((item) => item.json.id)).size).toBe(250);
		expect(arize.sandbox.requests.map((request) => request.query.limit)).toEqual(['100', '100', '100']);
		expect(arize.sandbox.requests[1].query.cursor).toEqual(expect.any(String));
		expect(items.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('stops at exactly Limit: 120 costs 2 calls (100 + 20)', async () => {
		arize.sandbox.store.tasks.clear();
		arize.sandbox.store.addTasks(250);
		const { items } = await getMany({ returnAll: false, limit: 120 });

		expect(items).toHaveLength(120);
		expect(arize.sandbox.requests.map((request) => request.query.limit)).toEqual(['100', '20']);
	});

	it('asks for no more than the limit on a single page', async () => {
		const { items } = await getMany({ returnAll: false, limit: 5 });
		expect(items).toHaveLength(5);
		expect(arize.sandbox.requests.map(summary)).toEqual([{ method: 'GET', path: '/v2/tasks', query: { limit: '5' } }]);
	});

	it('sends every filter as its query parameter (IDs as plain strings: a workflow saved before the filters were lists)', async () => {
		await getMany({
			returnAll: true,
			filters: {
				spaceId: SEED.spaceId,
				spaceName: 'production',
				name: 'relevance',
				datasetId: SEED.datasetId,
				type: 'TEMPLATE_EVALUATION',
			},
		});
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{
				method: 'GET',
				path: '/v2/tasks',
				query: {
					space_id: SEED.spaceId,
					space_name: 'production',
					name: 'relevance',
					dataset_id: SEED.datasetId,
					type: 'TEMPLATE_EVALUATION',
					limit: '100',
				},
			},
		]);
	});

	it('reads the Space, Project and Dataset filters as resource locators, from the list or by ID', async () => {
		const { error } = await getMany({
			returnAll: true,
			filters: {
				spaceId: { __rl: true, mode: 'list', value: SEED.spaceId, cachedResultName: 'production' },
				projectId: { __rl: true, mode: 'id', value: ` ${SEED.projectIds.supportChatbot} ` },
				datasetId: { __rl: true, mode: 'id', value: '={{ $json.dataset }}' },
			},
		}, [{ dataset: SEED.datasetId }]);
		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{
				method: 'GET',
				path: '/v2/tasks',
				query: { space_id: SEED.spaceId, project_id: SEED.projectIds.supportChatbot, dataset_id: SEED.datasetId, limit: '100' },
			},
		]);
	});

	it('returns the tasks the filters select, as Arize returns them', async () => {
		const { items } = await getMany({ returnAll: true, filters: { projectId: SEED.projectIds.supportChatbot } });
		expect(items.length).toBeGreaterThan(0);
		for (const item of items) expect(item.json).toEqual(await apiTask(item.json.id as string));
		expect(items.every((item) => item.json.project_id === SEED.projectIds.supportChatbot)).toBe(true);
	});

	it('keeps every task exactly once when a page fails with 503 mid-way', async () => {
		arize.sandbox.store.tasks.clear();
		arize.sandbox.store.addTasks(250);
		let calls = 0;
		arize.sandbox.faults.inject({ status: 503 }, { path: '/v2/tasks', times: 1 });
		// The first call is faulted here; the retry reads page 1, then pages 2 and 3.
		const { items } = await getMany({ returnAll: true });
		calls = arize.sandbox.requests.length;
		expect(calls).toBe(4);
		expect(new Set(items.map((item) => item.json.id)).size).toBe(250);
		expect(items).toHaveLength(250);
	});
});

describe('Task lookups', () => {
	it('searches tasks by name, one request per page', async () => {
		const result = await searchList(arize.credentials, 'searchTasks', 'relevance');
		expect(result.results.length).toBeGreaterThan(0);
		expect(result.results.every((entry) => String(entry.name).toLowerCase().includes('relevance'))).toBe(true);
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{ method: 'GET', path: '/v2/tasks', query: { name: 'relevance', limit: '100' } },
		]);
	});

	it('pages through the list with the cursor Arize gave', async () => {
		arize.sandbox.store.tasks.clear();
		arize.sandbox.store.addTasks(150);
		const first = await searchList(arize.credentials, 'searchTasks');
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toEqual(expect.any(String));
		const second = await searchList(arize.credentials, 'searchTasks', undefined, first.paginationToken as string);
		expect(second.results).toHaveLength(50);
		expect(second.paginationToken).toBeUndefined();
		expect(arize.sandbox.requests.map((request) => request.query.cursor)).toEqual([undefined, first.paginationToken]);
	});
});
