import type { TaskRun } from '../../sandbox/types.ts';
import { prng } from './prng';
import { ALL_TASKS, FAILING, oneTask, useTriggerSandbox } from './testbed';

// Exactly once against a random model of an account: runs created and finishing, faults, restarts.

// The transport backs off 0.5 s, 1 s and 2 s between its retries of a failed GET. The retries themselves still happen
// over real HTTP (the tests count them); only the waiting is skipped, so fault-heavy tests stay fast.
jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: async () => {} }));

const { arize, store, ActiveTrigger, clearTasks } = useTriggerSandbox();

describe('Arize Tasks Trigger: randomized polls, faults and restarts', () => {
	const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;
	const WANTED = ['COMPLETED', 'FAILED'];

	afterEach(() => arize.sandbox.setRunOrder('newest'));

	// Arize documents newest first; the trigger checks it on every listing and reads everything when it does not hold.
	it.each([
		[1, 'allTasks', 'newest'],
		[2, 'allTasks', 'newest'],
		[3, 'allTasks', 'newest'],
		[4, 'oneTask', 'newest'],
		[5, 'allTasks', 'oldest'],
		[6, 'allTasks', 'shuffled'],
		[7, 'oneTask', 'shuffled'],
	] as const)('seed %i, watching %s, runs listed %s first: every wanted run finishing after activation fires exactly once', async (seed, watch, order) => {
		const random = prng(seed);
		clearTasks();
		arize.sandbox.setRunOrder(order);
		// A sandbox clock that only moves forward and runs ahead of n8n's (about 0.7 s per poll), with ties between
		// runs created together.
		let clock = Date.now();
		store().now = () => clock;
		const tick = () => (clock += random.pick([0, 0, 1, 7]));

		// Before activation: history on every task, a task with more than a page of runs and a run stuck open deep in
		// it, a run open, and more than a page of idle tasks.
		const tasks = store().addTasks(4);
		for (const [index, task] of tasks.entries()) {
			for (let i = 0; i < (index === 0 ? 130 : random.int(0, 5)); i++) {
				tick();
				const status = random.pick(TERMINAL);
				store().addRun(task.id, { status: index === 0 && i === 5 ? 'RUNNING' : status });
			}
		}
		tick();
		store().addRun(tasks[1].id, { status: 'RUNNING' });
		store().addTasks(110);
		/** The tasks that get runs: the four above and those added after activation. */
		const busy = [...tasks];

		const watched = (taskId: string) => watch === 'allTasks' || taskId === tasks[0].id;
		const trigger = new ActiveTrigger(
			watch === 'allTasks' ? { ...ALL_TASKS, statuses: WANTED } : oneTask(tasks[0].id, WANTED),
		);

		/** Whether the trigger has recorded the present (its state is not empty). */
		let active = false;
		/** Wanted runs that finished while the trigger was active: each must fire once. */
		const expected = new Set<string>();
		const fired = new Map<string, number>();
		const stats = { polls: 0, failed: 0, restarts: 0, rebaselines: 0, faults: 0 };

		const finished = (run: TaskRun) => {
			if (active && watched(run.task_id) && WANTED.includes(run.status)) expected.add(run.id);
		};
		const openRuns = () =>
			[...store().runs.values()].filter((run) => run.status === 'PENDING' || run.status === 'RUNNING');

		const poll = async () => {
			const wasEmpty = Object.keys(trigger.memory).length === 0;
			const result = await trigger.poll();
			stats.polls++;
			arize.sandbox.faults.clear();
			if (result.error) {
				stats.failed++;
				return result;
			}
			if (wasEmpty) active = true;
			for (const run of result.fired) {
				fired.set(run.id as string, (fired.get(run.id as string) ?? 0) + 1);
				expect(fired.get(run.id as string)).toBe(1);
				expect(expected.has(run.id as string)).toBe(true);
				expect(run.task_name).toBe(store().tasks.get(run.task_id as string)?.name);
			}
			return result;
		};

		for (let step = 0; step < 200; step++) {
			// Whatever happens after a poll is at least 1 ms later than what it read (over a real network the reads of a
			// poll take longer than that); sometimes only 1 ms, so new runs come right after the newest run it saw.
			clock += random.chance(0.7) ? 1000 : 1;
			for (let change = random.int(0, 3); change > 0; change--) {
				tick();
				const dice = random.next();
				const taskIds = busy.map((task) => task.id);
				if (watch === 'oneTask') taskIds.push(tasks[0].id, tasks[0].id, tasks[0].id);
				if (dice < 0.3) {
					store().addRun(random.pick(taskIds), { status: random.pick(['PENDING', 'RUNNING'] as const) });
				} else if (dice < 0.5) {
					finished(store().addRun(random.pick(taskIds), { status: random.pick(TERMINAL) }));
				} else if (dice < 0.88) {
					const open = openRuns();
					if (open.length) finished(store().finishRun(random.pick(open).id, random.pick(TERMINAL)));
				} else if (dice < 0.9) {
					// A run deleted while open: it never finishes, and the trigger forgets it.
					const open = openRuns();
					if (open.length) store().runs.delete(random.pick(open).id);
				} else if (dice < 0.95) {
					const pending = openRuns().filter((run) => run.status === 'PENDING');
					const started = { status: 'RUNNING', run_started_at: new Date(clock).toISOString() };
					if (pending.length) Object.assign(random.pick(pending), started);
				} else {
					// A task created after activation: its runs, even those finished before the trigger first sees it, count.
					const task = store().addTask({ name: `Added at step ${step}`, type: 'CODE_EVALUATION' });
					busy.push(task);
					finished(store().addRun(task.id, { status: random.pick(TERMINAL) }));
				}
			}

			if (random.chance(0.2)) {
				// 5xx on any request of the poll (the first `skip` pass): any page of the task list or of a runs list.
				// FAILING in a row fail the poll; fewer are ridden out by the transport's retries. A poll that makes
				// fewer requests is not faulted (faults are cleared after each poll).
				const times = random.chance(0.6) ? FAILING : random.int(1, FAILING - 1);
				const fault = { status: random.pick([500, 502, 503] as const) };
				arize.sandbox.faults.inject(fault, { method: 'GET', skip: random.int(0, 4), times });
				stats.faults++;
			}
			if (random.chance(0.08)) {
				trigger.restart();
				stats.restarts++;
				if (Object.keys(trigger.memory).length === 0 && active) {
					// Nothing saved yet (no poll has fired, and the harness, unlike n8n's activation, does not save the
					// first poll's state): the trigger starts from scratch and its next poll records the present again.
					// Wanted runs that finished since activation are history to it; none of them had fired.
					active = false;
					stats.rebaselines++;
					for (const id of expected) expect(fired.has(id)).toBe(false);
					expected.clear();
				}
			}
			await poll();
		}

		// Let everything finish, then poll without faults until it has caught up.
		for (const run of openRuns()) {
			tick();
			finished(store().finishRun(run.id, random.pick(TERMINAL)));
		}
		clock += 1000;
		await poll();
		await poll();
		expect((await poll()).fired).toEqual([]);

		expect([...fired.keys()].sort()).toEqual([...expected].sort());
		expect([...fired.values()].every((count) => count === 1)).toBe(true);
		expect(expected.size).toBeGreaterThan(watch === 'allTasks' ? 60 : 15);
		expect(stats.failed).toBeGreaterThan(3);
		expect(stats.restarts).toBeGreaterThan(3);
		// Runs followed by ID (some deleted meanwhile: 404) when the listing is newest first; pages past the first
		// (the whole listing) when it is not.
		const requests = arize.sandbox.requests;
		const byId = requests.filter((request) => request.path.startsWith('/v2/task-runs/'));
		const laterPages = requests.filter((request) => request.query.cursor !== undefined && request.path.endsWith('/runs'));
		if (order === 'newest') expect(byId.length).toBeGreaterThan(10);
		else expect(laterPages.length).toBeGreaterThan(5);
	});
});
