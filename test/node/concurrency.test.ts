import { NodeApiError } from 'n8n-workflow';

import { AutoPacing, FixedPacing } from '../../nodes/shared/transport/pacing';
import { RequestGate } from '../../nodes/shared/transport/requestGate';
import { cancelWhileWaiting, jsonOf, runTasksNode, useArize } from '../arize';
import { watchGates } from '../harness/gateWatch';
import { CREATE_TASK_PER_ITEM } from '../taskParameters';

// Items side by side through one request gate per execution: the bound holds, order and pairing hold, failures
// stop what comes after them, a 429 holds everyone back. The sandbox counts what it has in flight at once.

const arize = useArize();
const store = () => arize.sandbox.store;

const getTask = (options: Record<string, unknown> = {}) => ({
	resource: 'task',
	operation: 'get',
	taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
	...options,
});
const inParallel = (maxConcurrency: number) => ({ requestOptions: { maxConcurrency } });

const UNKNOWN_TASK = 'VGFzazo5OTk5OTk6bm9uZQ==';
const taskPath = (id: string) => `/v2/tasks/${encodeURIComponent(id)}`;
const idOfPath = (path: string) => decodeURIComponent(path.split('/')[3] ?? '');

beforeEach(() => arize.sandbox.resetMaxInFlight());
afterEach(() => arize.sandbox.setLatency(0));

describe('Items in parallel: the bound', () => {
	it.each([
		[5, 5],
		[12, 12],
		[1, 1],
	])('Max Requests in Parallel %s: never more than %i requests in flight, and that many when there is work', async (bound, expected) => {
		const tasks = store().addTasks(30);
		arize.sandbox.setLatency(25);
		arize.sandbox.resetMaxInFlight();
		const { items, error } = await runTasksNode(arize.credentials, getTask(inParallel(bound)), {
			input: tasks.map(({ id }) => ({ id })),
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(30);
		expect(arize.sandbox.maxInFlight).toBe(expected);
		expect(arize.sandbox.requests).toHaveLength(30);
	});

	it.each([
		['not set (a new node)', {}],
		['0', inParallel(0)],
		['"auto" from an expression', { requestOptions: { maxConcurrency: '={{ "auto" }}' } }],
	])('Max Requests in Parallel %s is Auto: a probe of 24 first, more while answers come fine, never over 250', async (_, options) => {
		const tasks = store().addTasks(150);
		arize.sandbox.setLatency(25);
		arize.sandbox.resetMaxInFlight();
		const { items, error } = await runTasksNode(arize.credentials, getTask(options), { input: tasks.map(({ id }) => ({ id })) });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(tasks.map((task) => task.id));
		const requests = arize.sandbox.requests;
		expect(requests).toHaveLength(150);
		// Nothing beyond the probe (24) starts before all of it is back.
		const received = [...requests].sort((a, b) => a.receivedAt - b.receivedAt);
		const probeBack = Math.max(...received.slice(0, 24).map((request) => request.answeredAt!));
		expect(received[24].receivedAt).toBeGreaterThanOrEqual(probeBack);
		expect(arize.sandbox.maxInFlight).toBeGreaterThan(24);
		expect(arize.sandbox.maxInFlight).toBeLessThanOrEqual(250);
	});

	it('keeps input order and pairing when answers come back in random order', async () => {
		const tasks = store().addTasks(40);
		arize.sandbox.setLatency(0, 40);
		const { items, error } = await runTasksNode(arize.credentials, getTask(inParallel(10)), {
			input: tasks.map(({ id }) => ({ id })),
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(tasks.map((task) => task.id));
		expect(items.map((item) => item.pairedItem)).toEqual(tasks.map((_, item) => ({ item })));
		// The answers really did come back out of order.
		const answered = [...arize.sandbox.requests].sort((a, b) => a.answeredAt! - b.answeredAt!);
		expect(answered.map((request) => idOfPath(request.path))).not.toEqual(tasks.map((task) => task.id));
	});

	it.each([500, -1, 2.5])('refuses a Max Requests in Parallel of %s before any request', async (bound) => {
		const { error } = await runTasksNode(arize.credentials, getTask(inParallel(bound)), { input: [{ id: UNKNOWN_TASK }] });
		expect(error?.message).toBe(`Max Requests in Parallel must be 0 (Auto) or a whole number from 1 to 100, got ${bound}`);
		expect(arize.sandbox.requests).toEqual([]);
	});
});

describe('Items in parallel: failures', () => {
	it('Continue On Fail: errors scattered among 50 concurrent items land on their own items, in order', async () => {
		const tasks = store().addTasks(50);
		const failing = new Set([3, 17, 18, 31, 49]);
		const input = tasks.map((task, index) => ({ id: failing.has(index) ? UNKNOWN_TASK : task.id }));
		arize.sandbox.setLatency(0, 20);
		const { items, error } = await runTasksNode(arize.credentials, getTask(inParallel(10)), {
			input,
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual(input.map((_, item) => ({ item })));
		expect(jsonOf(items).map((json, index) => (failing.has(index) ? json : json.id))).toEqual(
			input.map(({ id }, index) =>
				failing.has(index)
					? {
							error: `Task '${UNKNOWN_TASK}' was not found. [HTTP 404]`,
							description: 'Resource not found',
							httpCode: '404',
						}
					: id,
			),
		);
		expect(arize.sandbox.requests).toHaveLength(50);
	});

	it('without Continue On Fail, the failing item with the lowest index fails the node and nothing is sent after', async () => {
		const tasks = store().addTasks(30);
		const input = tasks.map((task, index) => ({ id: index === 7 || index === 9 ? UNKNOWN_TASK : task.id }));
		arize.sandbox.setLatency(30);
		const { error } = await runTasksNode(arize.credentials, getTask(inParallel(5)), { input });

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(`Task '${UNKNOWN_TASK}' was not found. [HTTP 404]`);
		expect((error as NodeApiError).context.itemIndex).toBe(7);
		// Items are served in input order, so every item up to the failing one was sent. Once the 404 reached the node no
		// request started: only those whose slot came free just before (answers that arrived with the 404) reach the
		// sandbox after it answered, a moment later. Without the stop, waves of 5 would go on for 4 more round trips.
		const requests = arize.sandbox.requests;
		const firstFailure = requests.find((request) => request.status === 404)!;
		expect(requests.filter((request) => request.receivedAt > firstFailure.answeredAt! + 100)).toEqual([]);
		expect(requests.slice(0, 8).map((request) => request.path)).toEqual(input.slice(0, 8).map(({ id }) => taskPath(id)));
		expect(requests.length).toBeLessThanOrEqual(8 + 2 * 5);
	});

	it('without Continue On Fail, a later item failing first still lets the earlier items finish: their error wins', async () => {
		const tasks = store().addTasks(6);
		// Item 5 fails at once (no task, before any request); item 1 fails at Arize a round trip later.
		const input = tasks.map((task, index) => ({ id: index === 1 ? UNKNOWN_TASK : index === 5 ? ' ' : task.id }));
		arize.sandbox.setLatency(30);
		const { error } = await runTasksNode(arize.credentials, getTask(inParallel(2)), { input });
		expect(error?.message).toBe(`Task '${UNKNOWN_TASK}' was not found. [HTTP 404]`);
		const sent = arize.sandbox.requests.map((request) => idOfPath(request.path));
		expect(sent.slice(0, 2)).toEqual([input[0].id, UNKNOWN_TASK]);
		expect(input.slice(0, 5).map(({ id }) => id)).toEqual(expect.arrayContaining(sent));
	});
});

describe('Items in parallel: one rate-limit gate', () => {
	it('a 429 storm: no request starts inside a Retry-After window, then all items succeed', async () => {
		const tasks = store().addTasks(20);
		arize.sandbox.setLatency(10);
		arize.sandbox.faults.inject({ status: 429, retryAfter: 1 }, { method: 'GET', skip: 3, times: 3 });
		// The holds as the node set them, from when it read each 429 (test/harness/gateWatch.ts).
		const gates = watchGates(RequestGate, [AutoPacing, FixedPacing]);
		let run: Awaited<ReturnType<typeof runTasksNode>>;
		try {
			run = await runTasksNode(arize.credentials, getTask(inParallel(5)), { input: tasks.map(({ id }) => ({ id })) });
		} finally {
			gates.stop();
		}
		const { items, error } = run;
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(tasks.map((task) => task.id));

		const requests = arize.sandbox.requests;
		expect(requests.filter((request) => request.status === 429)).toHaveLength(3);
		expect(gates.holds).toHaveLength(3);
		expect(gates.sentWhileHeld(requests)).toEqual({ started: [], received: [] });
		expect(arize.sandbox.maxInFlight).toBeLessThanOrEqual(5);
	});

	it('Create under a 429 storm and a 503: every task is created once, no POST is repeated but the 429s', async () => {
		arize.sandbox.setLatency(10);
		arize.sandbox.faults.inject({ status: 429, retryAfter: 1 }, { method: 'POST', skip: 2, times: 2 });
		arize.sandbox.faults.inject({ status: 503 }, { method: 'POST', skip: 8, times: 1 });
		const { items, error } = await runTasksNode(
			arize.credentials,
			{
				...CREATE_TASK_PER_ITEM,
				...inParallel(5),
			},
			{ input: Array.from({ length: 12 }, (_, i) => ({ name: `Parallel ${i}` })), continueOnFail: true },
		);
		expect(error).toBeUndefined();
		const posts = arize.sandbox.requests.filter((request) => request.method === 'POST');
		const failed = jsonOf(items).filter((json) => json.error);
		expect(failed).toEqual([
			{
				error: 'The service failed to handle the request (injected fault). [HTTP 503]',
				description: 'Service unavailable',
				httpCode: '503',
			},
		]);
		// 12 items: 2 answered 429 and sent again, 1 answered 503 and not sent again.
		expect(posts).toHaveLength(14);
		const names = [...store().tasks.values()].map((task) => task.name).filter((name) => name.startsWith('Parallel'));
		expect(new Set(names).size).toBe(names.length);
		expect(names).toHaveLength(11);
	});
});

describe('Items in parallel: Trigger Run with Wait for Completion', () => {
	const triggerAndWait = {
		resource: 'task',
		operation: 'trigger',
		taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		taskType: 'TEMPLATE_EVALUATION',
		dataStartTime: '2026-11-01T00:00:00Z',
		dataEndTime: '2026-11-08T00:00:00Z',
		waitForCompletion: true,
		pollInterval: 1,
		waitTimeout: 30,
	};

	it('waits for every run at once, asks each run at most once per Poll Interval, and outputs them in input order', async () => {
		const tasks = store().addTasks(4);
		arize.sandbox.setRunDurationMs(1500);
		arize.sandbox.setLatency(20);
		const { items, error } = await runTasksNode(arize.credentials, triggerAndWait, {
			input: tasks.map(({ id }) => ({ id })),
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.task_id, item.json.status])).toEqual(tasks.map((task) => [task.id, 'COMPLETED']));

		const requests = arize.sandbox.requests;
		const triggers = requests.filter((request) => request.method === 'POST');
		const polls = requests.filter((request) => request.method === 'GET');
		expect(triggers.map((request) => request.path)).toEqual(tasks.map((task) => `${taskPath(task.id)}/trigger`));
		// Every run was started before any was asked for: the waits overlap rather than follow each other.
		expect(Math.max(...triggers.map((request) => request.receivedAt))).toBeLessThan(
			Math.min(...polls.map((request) => request.receivedAt)),
		);
		for (const item of items) {
			const asked = polls.filter((request) => request.path === `/v2/task-runs/${encodeURIComponent(item.json.id as string)}`);
			expect(asked.length).toBeGreaterThan(0);
			for (let i = 1; i < asked.length; i++) {
				expect(asked[i].receivedAt - asked[i - 1].receivedAt).toBeGreaterThanOrEqual(990);
			}
		}
	});

	it('cancelling the execution stops every wait', async () => {
		const tasks = store().addTasks(4);
		arize.sandbox.setRunDurationMs(60_000);
		const cancel = cancelWhileWaiting(arize.sandbox, 4);
		const { items, error } = await runTasksNode(arize.credentials, triggerAndWait, {
			input: tasks.map(({ id }) => ({ id })),
			abortSignal: cancel.signal,
		});
		cancel.stop();
		expect(items).toEqual([]);
		expect(error?.message).toMatch(/^Stopped waiting for run .+: the execution was cancelled$/);
		const sent = arize.sandbox.requests.length;
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, cancel.triggersAnsweredAt() + 1300 - Date.now())));
		expect(arize.sandbox.requests).toHaveLength(sent);
		expect(arize.sandbox.requests.map((request) => request.method)).toEqual(['POST', 'POST', 'POST', 'POST']);
	});
});
