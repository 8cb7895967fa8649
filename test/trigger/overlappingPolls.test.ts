import type { IDataObject, INodeParameters, IPollFunctions } from 'n8n-workflow';

import { ArizeTasksTrigger } from '../../nodes/ArizeTasksTrigger/ArizeTasksTrigger.node';
import { forgetPolls } from '../../nodes/ArizeTasksTrigger/overlappingPolls';
import { abandonedAfterMs } from '../../nodes/ArizeTasksTrigger/schedulers';
import type { TaskRun } from '../../sandbox/types.ts';
import { n8nLine, pollTrigger, useArize } from '../arize';

// The trigger under n8n's schedulers: polls of one trigger that overlap, polls handed a state older than the newest
// (the durable scheduler hands each poll the state committed when it started), polls with a budget (getPollBudgetMs)
// that is smaller than their work, and n8n 1.x, which has no budget at all.

// Only the transport's back-off between retries is skipped; requests and the sandbox's latency are real.
jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: async () => {} }));

const arize = useArize({ seed: false });
const store = () => arize.sandbox.store;
beforeEach(forgetPolls);
afterEach(() => arize.sandbox.setLatency(0));

/**
 * Only n8n 2.x hands a poll a budget, and only its durable scheduler hands a poll a state older than the newest (1.x
 * shares one live state between polls): these cases cannot arise on 1.x.
 */
const withBudget = n8nLine >= 2 ? it : it.skip;

const WATCH = { watch: 'allTasks', statuses: ['COMPLETED', 'FAILED'] };
/**
 * The budget tests (and the randomized one's share of polls cut short) count on reading 5 at a time: Auto (the
 * default) would read their tasks well within the budget.
 */
const FIVE_AT_A_TIME = { ...WATCH, requestOptions: { maxConcurrency: 5 } };
const MINUTE = 60_000;

interface Poll {
	fired: string[];
	state: IDataObject;
	error?: Error;
	ms: number;
}

/** The budget n8n 2.41's durable scheduler hands a poll at its default timeout of 45 s. */
const DURABLE_BUDGET = 36_000;

/** One poll from `state`, as n8n's durable scheduler runs it: it hands over a state and a budget. */
async function poll(state: IDataObject, budgetMs: number | null = DURABLE_BUDGET, parameters: INodeParameters = WATCH): Promise<Poll> {
	const started = Date.now();
	const result = await pollTrigger(arize.credentials, parameters, state, 'trigger', budgetMs);
	return {
		fired: (result.items ?? []).map((item) => item.json.id as string),
		state: result.staticDataAfterPoll,
		error: result.error,
		ms: Date.now() - started,
	};
}

/** `count` tasks that ran a minute before activation (one finished run each). */
function tasksWithHistory(count: number) {
	store().now = () => Date.now() - MINUTE;
	try {
		const tasks = store().addTasks(count);
		for (const task of tasks) store().addRun(task.id, { status: 'COMPLETED' });
		return tasks;
	} finally {
		store().now = () => Date.now();
	}
}

describe('Trigger: polls that overlap or repeat', () => {
	it('three polls started together from one state (overdue polls after a restart) fire a run once', async () => {
		const [task] = tasksWithHistory(3);
		const { state } = await poll({});
		const run = store().addRun(task.id, { status: 'COMPLETED' });
		arize.sandbox.setLatency(40);
		arize.sandbox.clearRequests();

		const polls = await Promise.all([poll(state), poll(state), poll(state)]);
		expect(polls.map((p) => p.error)).toEqual([undefined, undefined, undefined]);
		expect(polls.flatMap((p) => p.fired)).toEqual([run.id]);
		// The polls that found another one running sent nothing: one task list, one runs list.
		expect(arize.sandbox.requests).toHaveLength(2);
	});

	withBudget('a poll handed the state from before the last fire (not committed yet) fires nothing again', async () => {
		const [task] = tasksWithHistory(3);
		const { state: beforeFire } = await poll({});
		const run = store().addRun(task.id, { status: 'COMPLETED' });
		const fired = await poll(beforeFire);
		expect(fired.fired).toEqual([run.id]);

		// The durable scheduler started this poll before the first one committed its state.
		const stale = await poll(beforeFire);
		expect(stale.fired).toEqual([]);
		// A run that finished since still fires, once.
		const next = store().addRun(task.id, { status: 'FAILED' });
		expect((await poll(beforeFire)).fired).toEqual([next.id]);
		expect((await poll(fired.state)).fired).toEqual([]);
	});

	it('after a restart, the state n8n committed with the last execution is all it needs', async () => {
		const [task] = tasksWithHistory(2);
		const { state } = await poll({});
		const run = store().addRun(task.id, { status: 'COMPLETED' });
		const fired = await poll(state);
		expect(fired.fired).toEqual([run.id]);
		forgetPolls();
		expect((await poll(fired.state)).fired).toEqual([]);
	});

	it('a state from another activation is never replaced by what this process remembers', async () => {
		const [task] = tasksWithHistory(2);
		const { state } = await poll({});
		store().addRun(task.id, { status: 'COMPLETED' });
		await poll(state);
		// Deactivated and activated again with fresh static data: the new activation records the present.
		store().addRun(task.id, { status: 'COMPLETED' });
		const fresh = await poll({});
		expect(fresh.fired).toEqual([]);
		expect((fresh.state.watcher as IDataObject).revision).toBe(1);
	});

	it('a poll is remembered unless it ran until n8n abandons it (the durable scheduler\'s ceiling, from the budget)', () => {
		// n8n 2.41: ceiling 45 s (default poll timeout) → budget 36 s; 15 s → 10 s; 8 s → 4 s.
		expect(abandonedAfterMs(36_000)).toBe(44_000);
		expect(abandonedAfterMs(10_000)).toBe(14_000);
		expect(abandonedAfterMs(4_000)).toBe(7_000);
		expect(abandonedAfterMs(400)).toBe(700);
	});
});

describe('Trigger: a poll within its budget', () => {
	withBudget('starts no request after 80 % of the budget, fires what it found, and the next polls fire the rest once', async () => {
		const tasks = tasksWithHistory(100);
		const { state } = await poll({});
		const runs = tasks.map((task) => store().addRun(task.id, { status: 'COMPLETED' }).id);
		arize.sandbox.setLatency(50);
		arize.sandbox.clearRequests();

		// The budget runs from the start of the node's poll(), not from the harness's set-up before it (which a busy
		// machine can stretch by more than the 20 ms allowed below for a request on its way).
		let started = Number.NaN;
		const nodePoll = ArizeTasksTrigger.prototype.poll;
		const spy = jest.spyOn(ArizeTasksTrigger.prototype, 'poll').mockImplementation(async function (this: IPollFunctions) {
			started = Date.now();
			return await nodePoll.call(this);
		});
		const first = await poll(state, 1000, FIVE_AT_A_TIME).finally(() => spy.mockRestore());
		expect(first.error).toBeUndefined();
		// 50 ms for the task list, then 5 at a time for 750 ms: about 75 of the 100 tasks.
		expect(first.fired.length).toBeGreaterThan(20);
		expect(first.fired.length).toBeLessThan(100);
		expect(first.ms).toBeLessThan(1000);
		expect(arize.sandbox.requests.every((request) => request.receivedAt <= started + 800 + 20)).toBe(true);

		const fired = [...first.fired];
		let current = first.state;
		for (let i = 0; i < 3 && fired.length < runs.length; i++) {
			const next = await poll(current, 1000, FIVE_AT_A_TIME);
			expect(next.error).toBeUndefined();
			fired.push(...next.fired);
			current = next.state;
		}
		expect([...fired].sort()).toEqual([...runs].sort());
		expect((await poll(current, 1000)).fired).toEqual([]);
	});

	withBudget('a 429 whose Retry-After outlasts the budget ends the poll in time; the first poll after it reads that task', async () => {
		const tasks = tasksWithHistory(6);
		const { state } = await poll({});
		const runs = tasks.map((task) => store().addRun(task.id, { status: 'COMPLETED' }).id);
		arize.sandbox.faults.inject({ status: 429, retryAfter: 3 }, { method: 'GET', path: /\/runs$/, skip: 2, times: 1 });
		const limited = await poll(state, 2000);
		// The hold began when the 429 was read, during that poll: it ends within 3 s from now.
		const heldUntil = Date.now() + 3000;
		expect(limited.error).toBeUndefined();
		expect(limited.ms).toBeLessThan(2000);
		expect(limited.fired.length).toBeLessThan(6);
		// Arize's Retry-After holds the account, not only the poll that read it: a poll within it sends nothing.
		arize.sandbox.clearRequests();
		const held = await poll(limited.state, 2000);
		expect({ error: held.error, fired: held.fired, sent: arize.sandbox.requests.length }).toEqual({ error: undefined, fired: [], sent: 0 });
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, heldUntil - Date.now())));
		const next = await poll(held.state, 2000);
		expect([...limited.fired, ...next.fired].sort()).toEqual([...runs].sort());
	});

	withBudget('an activation poll short of budget: a run open then fires when it finishes, history never does', async () => {
		const tasks = tasksWithHistory(40);
		// The task that ran last is read last: its run is still RUNNING when the trigger is activated.
		const open = store().addRun(tasks[39].id, { status: 'RUNNING' });
		arize.sandbox.setLatency(50);
		const activation = await poll({}, 400, FIVE_AT_A_TIME);
		expect(activation.fired).toEqual([]);
		const memory = (activation.state.watcher as { tasks: Record<string, IDataObject> }).tasks[tasks[39].id];
		expect(memory).toMatchObject({ lastRunAt: null, since: expect.any(String) });

		store().finishRun(open.id, 'COMPLETED');
		arize.sandbox.setLatency(0);
		const next = await poll(activation.state, 5 * MINUTE);
		expect(next.fired).toEqual([open.id]);
		expect((await poll(next.state)).fired).toEqual([]);
	});

	it('on n8n 1.x (no getPollBudgetMs) it polls as before', async () => {
		const [task] = tasksWithHistory(2);
		const { state, error } = await poll({}, null);
		expect(error).toBeUndefined();
		const run = store().addRun(task.id, { status: 'COMPLETED' });
		expect((await poll(state, null)).fired).toEqual([run.id]);
	});

	it('reads the runs of the tasks to inspect side by side, never more than Max Requests in Parallel at once', async () => {
		const tasks = tasksWithHistory(30);
		const { state } = await poll({});
		for (const task of tasks) store().addRun(task.id, { status: 'COMPLETED' });
		arize.sandbox.setLatency(30);
		arize.sandbox.resetMaxInFlight();
		const result = await poll(state, DURABLE_BUDGET, { ...WATCH, requestOptions: { maxConcurrency: 8 } });
		expect(result.fired).toHaveLength(30);
		expect(arize.sandbox.maxInFlight).toBe(8);
	});
});

describe('Trigger: randomized overlapping, stale and budget-limited polls with latency and faults', () => {
	const prng = (seed: number) => {
		let value = seed;
		const next = () => {
			value = (value * 1103515245 + 12345) % 2 ** 31;
			return value / 2 ** 31;
		};
		return {
			next,
			int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
			pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)],
			chance: (p: number) => next() < p,
		};
	};
	const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;
	const WANTED = ['COMPLETED', 'FAILED'];

	afterEach(() => arize.sandbox.setRunOrder('newest'));

	// Newest first, as Arize documents; and listings in another order, which the trigger reads in full.
	(n8nLine >= 2 ? it : it.skip).each([
		[11, 'newest'],
		[12, 'newest'],
		[13, 'oldest'],
		[14, 'shuffled'],
	] as const)('seed %i, run listing order %s: every wanted run that finishes after activation fires exactly once', async (seed, order) => {
		const random = prng(seed);
		arize.sandbox.setRunOrder(order);
		const tasks = tasksWithHistory(150);
		store().addRun(tasks[3].id, { status: 'RUNNING' });
		const BUDGET = 500;

		/** The state n8n would hand the next poll, the ones it might still hand out (not yet superseded), the saved one. */
		let current: IDataObject = {};
		let handedOut: IDataObject[] = [];
		let saved: IDataObject = {};
		let active = false;
		const expected = new Set<string>();
		const fired = new Map<string, number>();
		const stats = { polls: 0, overlapping: 0, stale: 0, restarts: 0, partial: 0, failed: 0, abandoned: 0 };

		const finished = (run: TaskRun) => {
			if (active && WANTED.includes(run.status)) expected.add(run.id);
		};
		const openRuns = () => [...store().runs.values()].filter((run) => run.status === 'PENDING' || run.status === 'RUNNING');
		const record = (result: Poll, from: IDataObject) => {
			stats.polls++;
			arize.sandbox.faults.clear();
			if (result.error) {
				stats.failed++;
				return;
			}
			if (result.ms > abandonedAfterMs(BUDGET)) {
				// n8n abandons a poll that outlasts its time and drops what it returns (the durable scheduler at its
				// timeout, which this budget stands for here): its fires never happen, its state is never committed.
				stats.abandoned++;
				return;
			}
			if (Object.keys(from).length === 0 && Object.keys(current).length === 0) active = true;
			for (const id of result.fired) {
				fired.set(id, (fired.get(id) ?? 0) + 1);
				expect(fired.get(id)).toBe(1);
				expect(expected.has(id)).toBe(true);
			}
			if (result.fired.length) saved = result.state;
			if (result.ms > BUDGET * 0.8) stats.partial++;
			// A poll that found another one running left the state as it was: n8n keeps the other one's.
			if (JSON.stringify(result.state) === JSON.stringify(from)) return;
			handedOut.push(result.state);
			current = result.state;
		};

		for (let step = 0; step < 40; step++) {
			for (let change = random.int(0, 6); change > 0; change--) {
				const task = random.pick(tasks);
				const dice = random.next();
				if (dice < 0.3) store().addRun(task.id, { status: random.pick(['PENDING', 'RUNNING'] as const) });
				else if (dice < 0.6) finished(store().addRun(task.id, { status: random.pick(TERMINAL) }));
				else {
					const open = openRuns();
					if (open.length) finished(store().finishRun(random.pick(open).id, random.pick(TERMINAL)));
				}
			}
			if (random.chance(0.12)) {
				// A burst: more tasks changed than one poll's budget can read.
				for (const task of tasks.slice(0, 80)) finished(store().addRun(task.id, { status: 'COMPLETED' }));
			}
			arize.sandbox.setLatency(random.pick([0, 5, 20]), random.pick([0, 10, 30]));
			if (step % 10 === 5) {
				// Every request fails 4 times in a row: the poll fails, and must leave everything to the next one.
				arize.sandbox.faults.inject({ status: 503 }, { method: 'GET', times: 4 });
			} else if (random.chance(0.15)) {
				const times = random.chance(0.5) ? 8 : random.int(1, 3);
				arize.sandbox.faults.inject({ status: 503 }, { method: 'GET', skip: random.int(0, 20), times });
			}
			if (random.chance(0.07) && active) {
				// n8n restarts: it hands out the state saved with the last execution, and remembers nothing.
				forgetPolls();
				stats.restarts++;
				current = saved;
				handedOut = [saved];
				if (Object.keys(saved).length === 0) {
					// Nothing saved yet: the next poll records the present again; nothing wanted has fired so far.
					for (const id of expected) expect(fired.has(id)).toBe(false);
					expected.clear();
					active = false;
				}
			}

			// Runs are stamped in milliseconds, and the trigger counts a run that finished in the very millisecond its first
			// poll started as after activation (it fires once). Changes are made strictly before the poll, as the model says.
			await new Promise((resolve) => setTimeout(resolve, 2));
			const dice = random.next();
			if (dice < 0.2) {
				stats.overlapping++;
				const from = current;
				const results = await Promise.all([poll(from, BUDGET, FIVE_AT_A_TIME), poll(from, BUDGET, FIVE_AT_A_TIME)]);
				for (const result of results) record(result, from);
			} else if (dice < 0.4 && handedOut.length > 1) {
				stats.stale++;
				const from = random.pick(handedOut.slice(0, -1));
				const latest = current;
				record(await poll(from, BUDGET, FIVE_AT_A_TIME), from);
				// n8n commits whatever that poll left; the newest state stays the one the next poll gets.
				if (Object.keys(latest).length) current = latest;
			} else {
				record(await poll(current, BUDGET, FIVE_AT_A_TIME), current);
			}
			handedOut = handedOut.slice(-4);
		}

		for (const run of openRuns()) finished(store().finishRun(run.id, random.pick(TERMINAL)));
		arize.sandbox.setLatency(0);
		// Catch up: polls go on until everything has fired (a loaded machine may still see some abandoned on the way).
		for (let i = 0; i < 30 && fired.size < expected.size; i++) record(await poll(current, BUDGET, FIVE_AT_A_TIME), current);
		for (let i = 0; i < 2; i++) record(await poll(current, BUDGET, FIVE_AT_A_TIME), current);
		expect([...fired.keys()].sort()).toEqual([...expected].sort());
		expect(expected.size).toBeGreaterThan(20);
		expect(stats.overlapping + stats.stale).toBeGreaterThan(5);
		expect(stats.partial).toBeGreaterThan(1);
		expect(stats.failed).toBeGreaterThan(0);
	});
});
