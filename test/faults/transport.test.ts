import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { SEED } from '../../sandbox/seed.ts';
import { API_KEY, runTasksNode, useArize } from '../arize';

const arize = useArize();
const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });
const getTask = () =>
	runTasksNode(arize.credentials, { resource: 'task', operation: 'get', taskId: byId(SEED.taskIds.goldenRelevance) });
const listAll = () => runTasksNode(arize.credentials, { resource: 'task', operation: 'getAll', returnAll: true });
const statuses = () => arize.sandbox.requests.map((request) => request.status);

describe('faults from Arize or the network', () => {
	it('rides out a 429 storm of 5 with Retry-After', async () => {
		arize.sandbox.faults.inject({ status: 429, retryAfter: 0 }, { times: 5 });
		expect((await getTask()).items).toHaveLength(1);
		expect(statuses()).toEqual([429, 429, 429, 429, 429, 200]);
	});

	it('gives up clearly on the 6th 429 in a row', async () => {
		arize.sandbox.faults.inject({ status: 429, retryAfter: 0 }, { times: 6 });
		const { error } = await getTask();
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.httpCode).toBe('429');
		expect(error?.description).toBe(
			'Arize kept answering "too many requests" after 5 retries. Wait a moment and run again.',
		);
		expect(statuses()).toHaveLength(6);
	});

	it('backs off on a 429 without Retry-After (1 s, then 2 s)', async () => {
		arize.sandbox.faults.inject({ status: 429 }, { times: 2 });
		const started = Date.now();
		expect((await getTask()).error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
		expect(statuses()).toEqual([429, 429, 200]);
	}, 10_000);

	it('returns every task exactly once when a 5xx burst hits the middle of a Return All', async () => {
		arize.sandbox.store.tasks.clear();
		arize.sandbox.store.addTasks(250);
		// Page 1 passes; page 2 fails twice, then every page answers.
		arize.sandbox.faults.inject({ status: 503 }, { path: '/v2/tasks', skip: 1, times: 2 });
		const { items, error } = await listAll();
		expect(error).toBeUndefined();
		expect(statuses()).toEqual([200, 503, 503, 200, 200]);
		expect(items).toHaveLength(250);
		expect(new Set(items.map((item) => item.json.id)).size).toBe(250);
	});

	it('retries a reset connection on a read, never on a POST that creates', async () => {
		arize.sandbox.faults.inject({ kind: 'reset' }, { method: 'GET' });
		expect((await getTask()).error).toBeUndefined();
		expect(arize.sandbox.requests).toHaveLength(2);

		arize.sandbox.clearRequests();
		arize.sandbox.faults.inject({ kind: 'reset' }, { method: 'POST' });
		const { error } = await runTasksNode(arize.credentials, {
			resource: 'task',
			operation: 'trigger',
			taskId: byId(SEED.taskIds.goldenRelevance),
			taskType: 'TEMPLATE_EVALUATION',
		});
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(`Arize at ${arize.sandbox.url} closed the connection without answering`);
		expect(error?.description).toMatch(/^Network error ECONNRESET\./);
		expect(arize.sandbox.requests.map((request) => request.method)).toEqual(['POST']);
	});

	it('gives a clear error for malformed JSON', async () => {
		arize.sandbox.faults.inject({ kind: 'malformed-json' });
		const { error } = await getTask();
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe('Arize answered HTTP 200 with a body that is not JSON');
		expect(error?.description).toContain('{"tasks": [');
	});

	it('gives a clear error for an HTML error page from a proxy (after retrying the GET)', async () => {
		arize.sandbox.faults.inject({ kind: 'html', status: 502 }, { times: 4 });
		const { error } = await getTask();
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.httpCode).toBe('502');
		expect(error?.message).toBe('Arize answered HTTP 502 without an explanation [HTTP 502]');
		expect(error?.description).toMatch(/^The response was not JSON \(a proxy or gateway may have answered\): /);
		expect(statuses()).toEqual([502, 502, 502, 502]);
	}, 10_000);
});

/** A server that breaks the pagination contract in the ways real proxies and bugs do. */
function misbehavingArize(pages: (cursor: string | null) => object) {
	const seen: string[] = [];
	const server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		seen.push(url.search);
		response.setHeader('content-type', 'application/json');
		response.end(JSON.stringify(pages(url.searchParams.get('cursor'))));
	});
	return {
		seen,
		async start() {
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			return { arizeApi: { apiKey: API_KEY, region: 'custom', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } };
		},
		stop: async () => await new Promise((resolve) => server.close(resolve)),
	};
}

describe('pagination that breaks the contract', () => {
	const task = (id: string) => ({ id, name: id, type: 'CODE_EVALUATION' });

	it('stops with an error on a cursor loop instead of paging forever', async () => {
		const arizeLike = misbehavingArize(() => ({ tasks: [task('a')], pagination: { has_more: true, next_cursor: 'same' } }));
		const credentials = await arizeLike.start();
		const { error } = await runTasksNode(credentials, { resource: 'task', operation: 'getAll', returnAll: true });
		await arizeLike.stop();
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('Arize returned the same page cursor twice for /v2/tasks');
		expect(arizeLike.seen).toHaveLength(2);
	});

	it('follows a few empty pages that say has_more, but not forever', async () => {
		let page = 0;
		const arizeLike = misbehavingArize(() => ({ tasks: [], pagination: { has_more: true, next_cursor: `c${++page}` } }));
		const credentials = await arizeLike.start();
		const { error } = await runTasksNode(credentials, { resource: 'task', operation: 'getAll', returnAll: true });
		await arizeLike.stop();
		expect(error?.message).toBe('Arize returned 5 empty pages in a row that all said there was more for /v2/tasks');
		expect(arizeLike.seen).toHaveLength(5);
	});

	it('reads on after an empty page when the next one has items', async () => {
		const arizeLike = misbehavingArize((cursor) =>
			cursor === null
				? { tasks: [], pagination: { has_more: true, next_cursor: 'next' } }
				: { tasks: [task('a'), task('b')], pagination: { has_more: false } },
		);
		const credentials = await arizeLike.start();
		const { items, error } = await runTasksNode(credentials, { resource: 'task', operation: 'getAll', returnAll: true });
		await arizeLike.stop();
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(['a', 'b']);
	});

	it('rejects a 200 without a pagination object with a clear error', async () => {
		const arizeLike = misbehavingArize(() => ({ tasks: [task('a')] }));
		const credentials = await arizeLike.start();
		const { error } = await runTasksNode(credentials, { resource: 'task', operation: 'getAll', returnAll: true });
		await arizeLike.stop();
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe('Arize returned a malformed page for /v2/tasks');
		expect(error?.description).toBe('Expected "tasks" (a list) and "pagination.has_more" in the response.');
	});
});
