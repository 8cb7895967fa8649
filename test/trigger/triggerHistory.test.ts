import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { TaskRun } from '../../sandbox/types.ts';
import { pollTrigger } from '../arize';
import { ALL_TASKS, byPath, oneTask, runsPath, stateOf, taskPath, useTriggerSandbox } from './testbed';

// A task with a long history: a poll reads what is new (the runs listing is newest first, checked on every page) and
// the runs still open by ID, never the whole history; a listing out of that order is read in full and loses nothing.

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: async () => {} }));

const { arize, store, ActiveTrigger, clearTasks, requested } = useTriggerSandbox({ seed: false });
afterEach(() => arize.sandbox.setRunOrder('newest'));

const TASK_LIST = { method: 'GET', path: '/v2/tasks', query: { limit: '100' } };
const page1 = (taskId: string) => ({ method: 'GET', path: runsPath(taskId), query: { limit: '100' } });
const nextPage = (taskId: string) => ({
	method: 'GET',
	path: runsPath(taskId),
	query: { limit: '100', cursor: expect.any(String) },
});
const withStatus = (taskId: string, status: 'PENDING' | 'RUNNING') => ({
	method: 'GET',
	path: runsPath(taskId),
	query: { limit: '100', status },
});
const runById = (runId: string) => ({ method: 'GET', path: `/v2/task-runs/${encodeURIComponent(runId)}`, query: {} });
/** The poll's first page of the task and the open-run listings of activation. */
const activation = (taskId: string) => [TASK_LIST, page1(taskId), withStatus(taskId, 'PENDING'), withStatus(taskId, 'RUNNING')];

const START = Date.parse('2030-01-01T00:00:00.000Z');
const second = (n: number) => new Date(START + n * 1000).toISOString();

/** A task with `count` finished runs, one a second (run i created at second i); `open` maps run numbers to a status. */
function taskWithHistory(count: number, open: Record<number, 'PENDING' | 'RUNNING'> = {}) {
	clearTasks();
	// The sandbox's clock after every run: a finish moves the task's last_run_at to it.
	store().now = () => START + 20_000_000;
	const task = store().addTask({ name: 'Busy', type: 'CODE_EVALUATION', created_at: second(-1) });
	const runs: TaskRun[] = [];
	for (let i = 0; i < count; i++) runs.push(store().addRun(task.id, { status: open[i] ?? 'COMPLETED', created_at: second(i) }));
	return { task, runs };
}

/** The next run of the task, created after everything else. */
const newRun = (taskId: string, status: TaskRun['status'] = 'COMPLETED') =>
	store().addRun(taskId, { status, created_at: second(10_000 + store().runs.size) });

async function activated(parameters = ALL_TASKS) {
	const trigger = new ActiveTrigger(parameters);
	expect(await trigger.firedIds()).toEqual([]);
	arize.sandbox.clearRequests();
	return trigger;
}

describe('Arize Tasks Trigger: a task with a long history', () => {
	it('activation reads the first page and the PENDING and RUNNING listings; a new run costs one page', async () => {
		const { task } = taskWithHistory(250);
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual(activation(task.id));
		expect(stateOf(trigger.memory).tasks[task.id]).toEqual({
			lastRunAt: second(249),
			horizon: second(249),
			horizonIds: [store().listedRunsOf(task.id)[0].id],
			open: [],
		});

		arize.sandbox.clearRequests();
		const run = newRun(task.id);
		expect(await trigger.firedIds()).toEqual([run.id]);
		expect(requested()).toEqual([TASK_LIST, page1(task.id)]);
		arize.sandbox.clearRequests();
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST]);
	});

	it('reads on while a page is all new, and stops at the first page that reaches the horizon', async () => {
		const { task } = taskWithHistory(250);
		const trigger = await activated();
		const runs = Array.from({ length: 130 }, () => newRun(task.id));
		expect(await trigger.firedIds()).toEqual(runs.map((run) => run.id));
		expect(requested()).toEqual([TASK_LIST, page1(task.id), nextPage(task.id)]);
	});

	it('fires a run created in the millisecond of the horizon, reading past a page that ends at it', async () => {
		// 101 runs created in one millisecond, the newest of the history: the first page is all of that instant.
		const { task } = taskWithHistory(150);
		const batch = Array.from({ length: 101 }, () => store().addRun(task.id, { created_at: second(500) }));
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST, page1(task.id), nextPage(task.id), ...activation(task.id).slice(2)]);
		expect(stateOf(trigger.memory).tasks[task.id].horizonIds).toHaveLength(batch.length);

		arize.sandbox.clearRequests();
		const twin = store().addRun(task.id, { created_at: second(500) });
		// Only a moved last_run_at makes the trigger look at the task again (here: another event a second later).
		store().tasks.get(task.id)!.last_run_at = second(501);
		expect(await trigger.firedIds()).toEqual([twin.id]);
		expect(requested()).toEqual([TASK_LIST, page1(task.id), nextPage(task.id)]);
	});

	it('reads every page once a listing in order on page 1 is out of order on page 2, and loses nothing', async () => {
		const { task } = taskWithHistory(250);
		const trigger = await activated();
		const runs = Array.from({ length: 150 }, () => newRun(task.id));
		// Arize swaps two runs: a new one goes to page 3, an old one (before the horizon) comes up to page 2.
		const listed = store().listedRunsOf.bind(store());
		store().listedRunsOf = (taskId: string) => {
			const order = listed(taskId);
			[order[140], order[210]] = [order[210], order[140]];
			return order;
		};
		try {
			const fired = await trigger.firedIds();
			expect([...fired].sort()).toEqual(runs.map((run) => run.id).sort());
			expect(requested()).toEqual([TASK_LIST, page1(task.id), nextPage(task.id), nextPage(task.id), nextPage(task.id)]);
		} finally {
			delete (store() as { listedRunsOf?: unknown }).listedRunsOf; // back to the Store method
		}
		arize.sandbox.clearRequests();
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST]);
	});

	it('follows a new run that is open by its ID, and fires it when it finishes', async () => {
		const { task } = taskWithHistory(250);
		const trigger = await activated();
		const run = newRun(task.id, 'RUNNING');
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST, page1(task.id)]);
		expect(stateOf(trigger.memory).tasks[task.id].open).toEqual([run.id]);

		arize.sandbox.clearRequests();
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST, runById(run.id)]);

		arize.sandbox.clearRequests();
		store().finishRun(run.id, 'COMPLETED');
		expect(await trigger.firedIds()).toEqual([run.id]);
		// The finish moved last_run_at: the first page has the run, so it is not read again by ID.
		expect(requested()).toEqual([TASK_LIST, page1(task.id)]);
		arize.sandbox.clearRequests();
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST]);
	});

	it('forgets a run deleted while open (404 by ID) without failing the poll', async () => {
		const { task } = taskWithHistory(250);
		const trigger = await activated();
		const run = newRun(task.id, 'PENDING');
		expect(await trigger.firedIds()).toEqual([]);
		arize.sandbox.clearRequests();

		store().runs.delete(run.id);
		const { error, fired } = await trigger.poll();
		expect(error).toBeUndefined();
		expect(fired).toEqual([]);
		expect(requested()).toEqual([TASK_LIST, runById(run.id)]);
		expect(arize.sandbox.requests.map((request) => request.status)).toEqual([200, 404]);
		expect(stateOf(trigger.memory).tasks[task.id].open).toEqual([]);
		arize.sandbox.clearRequests();
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST]);
	});

	it('forgets a deleted run among several open ones, and fires the others', async () => {
		const { task } = taskWithHistory(250);
		const trigger = await activated();
		const deleted = newRun(task.id, 'PENDING');
		const other = newRun(task.id, 'RUNNING');
		expect(await trigger.firedIds()).toEqual([]);
		arize.sandbox.clearRequests();

		store().runs.delete(deleted.id);
		store().finishRun(other.id, 'COMPLETED');
		expect(await trigger.firedIds()).toEqual([other.id]);
		// The first page has the other run; the deleted one is read by ID.
		expect(requested()).toEqual([TASK_LIST, page1(task.id), runById(deleted.id)]);
		expect(stateOf(trigger.memory).tasks[task.id].open).toEqual([]);
	});

	it('learns the runs stuck open deep in the history at activation and follows only them', async () => {
		const { task, runs } = taskWithHistory(250, { 20: 'RUNNING', 45: 'PENDING', 120: 'RUNNING' });
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual(activation(task.id));
		const stuck = [runs[45].id, runs[20].id, runs[120].id];
		expect([...(stateOf(trigger.memory).tasks[task.id].open as string[])].sort()).toEqual([...stuck].sort());

		// More than one run open: the first page first (recent open runs are on it), then the others by ID.
		arize.sandbox.clearRequests();
		expect(await trigger.firedIds()).toEqual([]);
		const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
		expect(requested().slice(0, 2)).toEqual([TASK_LIST, page1(task.id)]);
		expect(requested().slice(2).sort(byPath)).toEqual(stuck.map(runById).sort(byPath));

		arize.sandbox.clearRequests();
		store().finishRun(runs[20].id, 'FAILED');
		store().finishRun(runs[45].id, 'COMPLETED');
		expect(await trigger.firedIds()).toEqual([runs[45].id]);
		// The finishes moved last_run_at: the first page (nothing new on it), then the open runs by ID.
		expect(requested()[1]).toEqual(page1(task.id));
		expect(requested().slice(2).sort(byPath)).toEqual(stuck.map(runById).sort(byPath));
		expect(stateOf(trigger.memory).tasks[task.id].open).toEqual([runs[120].id]);

		arize.sandbox.clearRequests();
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST, runById(runs[120].id)]);
	});

	it.each(['oldest', 'shuffled'] as const)('reads every page of a listing in %s order, and fires each run once', async (order) => {
		const { task } = taskWithHistory(250, { 7: 'RUNNING' });
		arize.sandbox.setRunOrder(order);
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST, page1(task.id), nextPage(task.id), nextPage(task.id)]);

		arize.sandbox.clearRequests();
		const run = newRun(task.id);
		store().finishRun(store().runsOf(task.id)[7].id, 'COMPLETED');
		expect((await trigger.firedIds()).sort()).toEqual([run.id, store().runsOf(task.id)[7].id].sort());
		expect(requested()).toEqual([TASK_LIST, page1(task.id), nextPage(task.id), nextPage(task.id)]);
	});

	it('One Task: activation and a new run cost what they cost for All Tasks, with the task read alone', async () => {
		const { task } = taskWithHistory(250);
		const taskRead = { method: 'GET', path: `/v2/tasks/${encodeURIComponent(task.id)}`, query: {} };
		const trigger = new ActiveTrigger(oneTask(task.id));
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([taskRead, ...activation(task.id).slice(1)]);
		arize.sandbox.clearRequests();
		const run = newRun(task.id);
		expect(await trigger.firedIds()).toEqual([run.id]);
		expect(requested()).toEqual([taskRead, page1(task.id)]);
	});

	it('Fetch Test Event reads the first page of a long history when it has a match', async () => {
		const { task, runs } = taskWithHistory(250);
		const { items, error } = await pollTrigger(arize.credentials, ALL_TASKS, {}, 'manual');
		expect(error).toBeUndefined();
		expect(items?.map((item) => item.json.id)).toEqual([runs[249].id]);
		expect(requested()).toEqual([TASK_LIST, page1(task.id)]);
	});

	it('Fetch Test Event reads further pages down to a match', async () => {
		const { task, runs } = taskWithHistory(250, Object.fromEntries(Array.from({ length: 120 }, (_, i) => [249 - i, 'RUNNING'])));
		const { items } = await pollTrigger(arize.credentials, ALL_TASKS, {}, 'manual');
		expect(items?.map((item) => item.json.id)).toEqual([runs[129].id]);
		expect(requested()).toEqual([TASK_LIST, page1(task.id), nextPage(task.id)]);
	});
});

describe('Arize Tasks Trigger: a state saved by the previous version', () => {
	// The state as the version that read every page saved it (same fields): it keeps working after an upgrade.
	it('fires what finished since, once, and reads only what is new', async () => {
		const { task, runs } = taskWithHistory(250, { 30: 'RUNNING' });
		const idle = store().addTask({ name: 'Idle', type: 'CODE_EVALUATION', created_at: second(-1) });
		const saved: IDataObject = {
			watcher: {
				version: 1,
				activatedAt: second(-1),
				revision: 7,
				tasks: {
					[task.id]: { lastRunAt: second(249), horizon: second(249), horizonIds: [runs[249].id], open: [runs[30].id] },
					[idle.id]: { lastRunAt: null, horizon: null, horizonIds: [], open: [] },
				},
			},
		};
		const trigger = new ActiveTrigger(ALL_TASKS);
		trigger.memory = JSON.parse(JSON.stringify(saved)) as IDataObject;
		const run = newRun(task.id);
		store().finishRun(runs[30].id, 'COMPLETED');
		expect((await trigger.firedIds()).sort()).toEqual([run.id, runs[30].id].sort());
		expect(requested()).toEqual([TASK_LIST, page1(task.id), runById(runs[30].id)]);
		expect(stateOf(trigger.memory)).toEqual({
			version: 1,
			activatedAt: second(-1),
			revision: 8,
			tasks: {
				[task.id]: { lastRunAt: second(20_000), horizon: run.created_at, horizonIds: [run.id], open: [] },
				[idle.id]: { lastRunAt: null, horizon: null, horizonIds: [], open: [] },
			},
		});
	});

	it('reads every page of a task the previous version left unread (since), as it did', async () => {
		const { task, runs } = taskWithHistory(250, { 30: 'RUNNING' });
		const trigger = new ActiveTrigger(ALL_TASKS);
		trigger.memory = {
			watcher: {
				version: 1,
				activatedAt: second(-1),
				tasks: { [task.id]: { lastRunAt: null, horizon: null, horizonIds: [], open: [], since: second(5_000) } },
			},
		};
		store().now = () => START + 6_000_000;
		store().finishRun(runs[30].id, 'COMPLETED');
		expect(await trigger.firedIds()).toEqual([runs[30].id]);
		expect(requested()).toEqual([TASK_LIST, page1(task.id), nextPage(task.id), nextPage(task.id)]);
	});
});

describe('Arize Tasks Trigger: Fetch Test Event on a runs listing oldest first or shuffled', () => {
	// Fetch Test Event stops at the first page with a match only while the listing shows it is newest first. A listing in
	// any other order can hold the newest match on any page: it must read every page and still hand the editor the run
	// a newest-first listing gives.

	/** One Fetch Test Event: the items and the requests it sent (it must never fail nor touch the state). */
	async function fetchTestEvent(parameters: INodeParameters) {
		arize.sandbox.clearRequests();
		const { items, error, staticDataAfterPoll } = await pollTrigger(arize.credentials, parameters, {}, 'manual');
		expect(error).toBeUndefined();
		expect(staticDataAfterPoll).toEqual({});
		return { items: items?.map((item) => item.json), requests: requested() };
	}

	const taskRead = (taskId: string) => ({ method: 'GET', path: taskPath(taskId), query: {} });
	/** A watch: its parameters, and the request that reads the watched tasks (both for the task of the test). */
	type Watch = [string, (taskId: string) => INodeParameters, (taskId: string) => object];
	const watches: Watch[] = [
		['All Tasks', () => ALL_TASKS, () => TASK_LIST],
		['One Task', (taskId) => oneTask(taskId), taskRead],
	];
	const orders = ['oldest', 'shuffled'] as const;

	it.each(orders.flatMap((order) => watches.map((watch) => [order, ...watch] as const)))(
		'listed %s, %s: the same run as newest first, after reading every page of a long history',
		async (order, _watch, parameters, tasks) => {
			const { task, runs } = taskWithHistory(250);
			const newestFirst = await fetchTestEvent(parameters(task.id));
			expect(newestFirst.items?.map((run) => run.id)).toEqual([runs[249].id]);
			expect(newestFirst.requests).toEqual([tasks(task.id), page1(task.id)]);

			arize.sandbox.setRunOrder(order);
			const outOfOrder = await fetchTestEvent(parameters(task.id));
			expect(outOfOrder.items).toEqual(newestFirst.items);
			expect(outOfOrder.requests).toEqual([tasks(task.id), page1(task.id), nextPage(task.id), nextPage(task.id)]);
		},
	);

	it.each(orders)('listed %s: the same run as newest first when the newest match is on page 2', async (order) => {
		// The 120 newest runs are still RUNNING: newest first, the match is the second page's first run.
		const { task, runs } = taskWithHistory(250, Object.fromEntries(Array.from({ length: 120 }, (_, i) => [249 - i, 'RUNNING'])));
		const newestFirst = await fetchTestEvent(ALL_TASKS);
		expect(newestFirst.items?.map((run) => run.id)).toEqual([runs[129].id]);
		expect(newestFirst.requests).toEqual([TASK_LIST, page1(task.id), nextPage(task.id)]);

		arize.sandbox.setRunOrder(order);
		const outOfOrder = await fetchTestEvent(ALL_TASKS);
		expect(outOfOrder.items).toEqual(newestFirst.items);
		expect(outOfOrder.requests).toEqual([TASK_LIST, page1(task.id), nextPage(task.id), nextPage(task.id)]);
	});

	it.each(orders)('listed %s: the newest match across tasks, found past the 5 most recently run', async (order) => {
		// 7 tasks of 150 runs (two pages each), task k's runs from second k·1000 on: the last run task is task 6. Only
		// tasks 0 and 1 have FAILED runs, so the first look (tasks 6 to 2) finds none and the second (tasks 1 and 0)
		// picks the later of the two.
		clearTasks();
		store().now = () => START + 20_000_000;
		const failedAt: Record<number, number> = { 0: 145, 1: 140 };
		const tasks = Array.from({ length: 7 }, (_, k) => {
			const task = store().addTask({ name: `Task ${k}`, type: 'CODE_EVALUATION', created_at: second(-1) });
			const runs = Array.from({ length: 150 }, (_, i) =>
				store().addRun(task.id, { status: failedAt[k] === i ? 'FAILED' : 'COMPLETED', created_at: second(k * 1000 + i) }),
			);
			return { task, runs };
		});
		const recentFirst = [...tasks].reverse();
		const everyPage = ({ task }: { task: { id: string } }) => [page1(task.id), nextPage(task.id)];
		// Requests of tasks read side by side arrive interleaved; each task's own pages keep their order.
		const byTask = (requests: Array<{ path: string }>) => [...requests].sort(byPath);
		const parameters = { ...ALL_TASKS, statuses: ['FAILED'] };

		const newestFirst = await fetchTestEvent(parameters);
		expect(newestFirst.items?.map((run) => run.id)).toEqual([tasks[1].runs[140].id]);
		expect(newestFirst.requests[0]).toEqual(TASK_LIST);
		expect(byTask(newestFirst.requests.slice(1, 11))).toEqual(byTask(recentFirst.slice(0, 5).flatMap(everyPage)));
		expect(byTask(newestFirst.requests.slice(11))).toEqual(byTask([page1(tasks[1].task.id), page1(tasks[0].task.id)]));

		arize.sandbox.setRunOrder(order);
		const outOfOrder = await fetchTestEvent(parameters);
		expect(outOfOrder.items).toEqual(newestFirst.items);
		expect(outOfOrder.requests[0]).toEqual(TASK_LIST);
		expect(byTask(outOfOrder.requests.slice(1, 11))).toEqual(byTask(recentFirst.slice(0, 5).flatMap(everyPage)));
		expect(byTask(outOfOrder.requests.slice(11))).toEqual(byTask(recentFirst.slice(5).flatMap(everyPage)));
	});
});
