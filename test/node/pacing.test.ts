import type { RecordedRequest } from '../../sandbox/index.ts';
import { AutoPacing, FixedPacing } from '../../nodes/shared/transport/pacing';
import { RequestGate } from '../../nodes/shared/transport/requestGate';
import { jsonOf, n8nLine, pollTrigger, runTasksNode, useArize } from '../arize';
import { watchGates } from '../harness/gateWatch';
import { CREATE_TASK_PER_ITEM } from '../taskParameters';

// Max Requests in Parallel: Auto (the default) against a sandbox that enforces a rate limit the way an API gateway
// does (a token bucket; beyond it 429 with Retry-After in whole seconds). Whatever the limit does, every item comes
// out right, in input order and paired; nothing is sent while a Retry-After holds; nothing is sent twice but what
// Arize refused with 429; a POST is never repeated after a 5xx.

const arize = useArize();
const store = () => arize.sandbox.store;

let gates: ReturnType<typeof watchGates>;
/** Watches the request gates of the next run from inside the node (test/harness/gateWatch.ts). */
const watch = () => (gates = watchGates(RequestGate, [AutoPacing, FixedPacing]));

afterEach(() => {
	gates?.stop();
	arize.sandbox.setRateLimit(undefined);
	arize.sandbox.setLatency(0);
});

const getTask = { resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } };
const taskPath = (id: string) => `/v2/tasks/${encodeURIComponent(id)}`;

const nothingSent = { started: [], received: [] };

/** Each path answered 200 (or 201) exactly once, and every other request to it was refused with 429. */
function answeredOnceEach(requests: RecordedRequest[], paths: string[]) {
	for (const path of paths) {
		const sent = requests.filter((request) => request.path === path);
		expect(sent.filter((request) => request.status < 300)).toHaveLength(1);
		expect(sent.filter((request) => request.status >= 300).map((request) => request.status)).toEqual(
			Array(sent.length - 1).fill(429),
		);
	}
}

describe('Auto under a rate limit', () => {
	it('60 Gets under 20 requests/s (burst 5) with random latency: all right, in order, paired, none sent while held', async () => {
		const tasks = store().addTasks(60);
		arize.sandbox.setLatency(5, 30);
		arize.sandbox.setRateLimit({ perSecond: 20, burst: 5 });
		watch();
		const { items, error } = await runTasksNode(arize.credentials, getTask, { input: tasks.map(({ id }) => ({ id })) });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(tasks.map((task) => task.id));
		expect(items.map((item) => item.pairedItem)).toEqual(tasks.map((_, item) => ({ item })));

		const requests = arize.sandbox.requests;
		const limited = requests.filter((request) => request.status === 429);
		// The limit was reached (the gate grows until it is), and every refused request was sent again, once.
		expect(limited.length).toBeGreaterThan(0);
		expect(requests).toHaveLength(60 + limited.length);
		expect(gates.holds).toHaveLength(limited.length);
		answeredOnceEach(requests, tasks.map((task) => taskPath(task.id)));
		expect(gates.sentWhileHeld(requests)).toEqual(nothingSent);
	}, 30_000);

	it('20 Gets under 5 requests/s: completes, every item right, in order, paired, none sent while held', async () => {
		const tasks = store().addTasks(20);
		arize.sandbox.setLatency(0, 20);
		arize.sandbox.setRateLimit({ perSecond: 5, burst: 5 });
		watch();
		const { items, error } = await runTasksNode(arize.credentials, getTask, { input: tasks.map(({ id }) => ({ id })) });
		expect(error).toBeUndefined();
		expect(jsonOf(items).map((json) => [json.id, json.name])).toEqual(tasks.map((task) => [task.id, task.name]));
		expect(items.map((item) => item.pairedItem)).toEqual(tasks.map((_, item) => ({ item })));
		const requests = arize.sandbox.requests;
		answeredOnceEach(requests, tasks.map((task) => taskPath(task.id)));
		expect(gates.sentWhileHeld(requests)).toEqual(nothingSent);
	}, 30_000);

	it('Create while the limit drops from 40/s to 4/s mid-batch, and a 503: each task created once, no POST repeated but 429s', async () => {
		arize.sandbox.setLatency(5, 20);
		arize.sandbox.setRateLimit({ perSecond: 40, burst: 10 });
		arize.sandbox.faults.inject({ status: 503 }, { method: 'POST', skip: 14, times: 1 });
		// The limit changes once the sandbox has seen 12 requests, while the batch is under way.
		const watcher = setInterval(() => {
			if (arize.sandbox.requests.length < 12) return;
			arize.sandbox.setRateLimit({ perSecond: 4, burst: 2 });
			clearInterval(watcher);
		}, 2);
		const names = Array.from({ length: 30 }, (_, i) => `Paced ${i}`);
		watch();
		const { items, error } = await runTasksNode(
			arize.credentials,
			CREATE_TASK_PER_ITEM,
			{ input: names.map((name) => ({ name })), continueOnFail: true },
		);
		clearInterval(watcher);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual(names.map((_, item) => ({ item })));

		const posts = arize.sandbox.requests.filter((request) => request.method === 'POST');
		const failedPost = posts.find((request) => request.status === 503)!;
		const failedName = (failedPost.body as { name: string }).name;
		// The 503 lands on its own item; every other item is the task it created, in input order.
		expect(jsonOf(items).map((json) => json.error ?? json.name)).toEqual(
			names.map((name) => (name === failedName ? 'The service failed to handle the request (injected fault). [HTTP 503]' : name)),
		);
		const created = [...store().tasks.values()].map((task) => task.name).filter((name) => name.startsWith('Paced '));
		expect(created.sort()).toEqual(names.filter((name) => name !== failedName).sort());
		// Sent again only after a 429: the failed one never after its 503, every other name until it got its 201.
		const sentFailed = posts.filter((request) => (request.body as { name: string }).name === failedName);
		expect(sentFailed.at(-1)).toBe(failedPost);
		expect(sentFailed.slice(0, -1).map((request) => request.status)).toEqual(Array(sentFailed.length - 1).fill(429));
		expect(posts.filter((request) => request.status === 429).length).toBeGreaterThan(0);
		expect(posts).toHaveLength(30 + posts.filter((request) => request.status === 429).length);
		expect(gates.sentWhileHeld(arize.sandbox.requests)).toEqual(nothingSent);
	}, 40_000);

	it('the trigger paces its poll the same way: more than 5 at once without a limit, none sent while held under one', async () => {
		const tasks = store().addTasks(40);
		for (const task of tasks) store().addRun(task.id, { status: 'COMPLETED' });
		const parameters = { watch: 'allTasks', statuses: ['COMPLETED'] };
		arize.sandbox.setLatency(25);
		arize.sandbox.resetMaxInFlight();
		const first = await pollTrigger(arize.credentials, parameters);
		expect(first.error).toBeUndefined();
		expect(arize.sandbox.maxInFlight).toBeGreaterThan(5);

		for (const task of tasks) store().addRun(task.id, { status: 'COMPLETED' });
		arize.sandbox.clearRequests();
		arize.sandbox.setRateLimit({ perSecond: 10, burst: 3 });
		watch();
		const second = await pollTrigger(arize.credentials, parameters, first.staticDataAfterPoll);
		expect(second.error).toBeUndefined();
		expect(second.items).toHaveLength(40);
		const requests = arize.sandbox.requests;
		expect(requests.filter((request) => request.status === 429).length).toBeGreaterThan(0);
		answeredOnceEach(requests, tasks.map((task) => `${taskPath(task.id)}/runs`));
		expect(gates.sentWhileHeld(requests)).toEqual(nothingSent);
	}, 40_000);
});

describe('Auto under a rate limit, within a poll budget', () => {
	// n8n 2.41's durable scheduler hands each poll a budget; n8n 1.x has none.
	const withBudget = n8nLine >= 2 ? it : it.skip;

	withBudget('the learnt rate ends a poll within its budget; the next polls read the rest, and each run fires once', async () => {
		const tasks = store().addTasks(30);
		for (const task of tasks) store().addRun(task.id, { status: 'COMPLETED' });
		const parameters = { watch: 'allTasks', statuses: ['COMPLETED'] };
		const activation = await pollTrigger(arize.credentials, parameters);
		expect(activation.error).toBeUndefined();
		const runs = tasks.map((task) => store().addRun(task.id, { status: 'COMPLETED' }).id);

		// 31 reads at 5 a second take 5 s; a poll of 3 s starts none after 2.4 s, so one poll cannot read them all.
		arize.sandbox.setRateLimit({ perSecond: 5, burst: 5 });
		arize.sandbox.clearRequests();
		watch();
		const firedByPoll: string[][] = [];
		let state = activation.staticDataAfterPoll;
		for (let poll = 0; poll < 8 && firedByPoll.flat().length < runs.length; poll++) {
			const result = await pollTrigger(arize.credentials, parameters, state, 'trigger', 3000);
			expect(result.error).toBeUndefined();
			firedByPoll.push((result.items ?? []).map((item) => item.json.id as string));
			state = result.staticDataAfterPoll;
		}
		expect(firedByPoll[0].length).toBeLessThan(runs.length);
		expect(firedByPoll.flat().sort()).toEqual([...runs].sort());
		expect(gates.sentWhileHeld(arize.sandbox.requests)).toEqual(nothingSent);
	}, 60_000);
});

describe('Auto from one execution to the next', () => {
	const state = (pacing: AutoPacing) => ({ window: pacing.window, rate: pacing.requestsPerSecond });
	/** Each Auto pacing created from here on, with where it started (its window and its rate). */
	function watchNewPacings() {
		const created: Array<{ pacing: AutoPacing; start: { window: number; rate: number | undefined } }> = [];
		const continuing = AutoPacing.continuing.bind(AutoPacing);
		jest.spyOn(AutoPacing, 'continuing').mockImplementation((previous, now) => {
			const pacing = continuing(previous, now);
			created.push({ pacing, start: state(pacing) });
			return pacing;
		});
		return created;
	}
	afterEach(() => jest.restoreAllMocks());

	it('the next execution with the same credential, of either node, goes on from what the last one learnt', async () => {
		const tasks = store().addTasks(100);
		for (const task of tasks.slice(0, 3)) store().addRun(task.id, { status: 'COMPLETED' });
		const input = tasks.map(({ id }) => ({ id }));
		arize.sandbox.setLatency(5, 15);
		const created = watchNewPacings();
		for (let run = 0; run < 2; run++) {
			const { items, error } = await runTasksNode(arize.credentials, getTask, { input });
			expect(error).toBeUndefined();
			expect(items.map((item) => item.json.id)).toEqual(tasks.map((task) => task.id));
		}
		// Both start with a probe of 24. The first then opened 72 and grew by 2 with each of its other 76 fine answers,
		// to 224; the second, its probe back, opened those 224 at once and grew on to the ceiling.
		expect(created.map(({ start }) => start)).toEqual([
			{ window: 24, rate: undefined },
			{ window: 24, rate: undefined },
		]);
		expect(created.map(({ pacing }) => pacing.window)).toEqual([224, 250]);

		// Under a limit the next execution starts at the learnt rate, not with another burst, and a trigger poll with
		// the same credential goes on from there too.
		arize.sandbox.setRateLimit({ perSecond: 20, burst: 5 });
		const limited = await runTasksNode(arize.credentials, getTask, { input: input.slice(0, 40) });
		expect(limited.error).toBeUndefined();
		expect(arize.sandbox.requests.some((request) => request.status === 429)).toBe(true);
		const learnt = state(created[2].pacing);
		expect(learnt.rate).toBeGreaterThan(0);
		const poll = await pollTrigger(arize.credentials, { watch: 'allTasks', statuses: ['COMPLETED'] });
		expect(poll.error).toBeUndefined();
		expect(created[3].start).toEqual(learnt);
	}, 40_000);

	it('a limit that appears after executions that met none refuses the next execution\'s probe, not the window it learnt', async () => {
		const tasks = store().addTasks(100);
		const input = tasks.map(({ id }) => ({ id }));
		arize.sandbox.setLatency(5, 15);
		const created = watchNewPacings();
		expect((await runTasksNode(arize.credentials, getTask, { input })).error).toBeUndefined();
		expect(created[0].pacing.window).toBe(224);

		arize.sandbox.clearRequests();
		arize.sandbox.setRateLimit({ perSecond: 20, burst: 5 });
		watch();
		const { items, error } = await runTasksNode(arize.credentials, getTask, { input });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(tasks.map((task) => task.id));
		const requests = arize.sandbox.requests;
		// Nothing beyond the probe of 24 reached Arize before all of it was answered, 429s among them.
		const received = [...requests].sort((a, b) => a.receivedAt - b.receivedAt);
		const probe = received.slice(0, 24);
		expect(probe.some((request) => request.status === 429)).toBe(true);
		expect(received[24].receivedAt).toBeGreaterThanOrEqual(Math.max(...probe.map((request) => request.answeredAt!)));
		answeredOnceEach(requests, tasks.map((task) => taskPath(task.id)));
		expect(gates.sentWhileHeld(requests)).toEqual(nothingSent);
	}, 40_000);
});
