import type { TaskRun } from '../../sandbox/types.ts';
import { ALL_TASKS, stateOf, useTriggerSandbox } from './testbed';

// The trigger's state does not grow with the runs it has seen.

// The transport backs off 0.5 s, 1 s and 2 s between its retries of a failed GET. The retries themselves still happen
// over real HTTP (the tests count them); only the waiting is skipped, so fault-heavy tests stay fast.
jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: async () => {} }));

const { store, ActiveTrigger, clearTasks } = useTriggerSandbox();

describe('Arize Tasks Trigger: bounded state', () => {
	it('stays small after 5,000 runs have finished over 51 polls', async () => {
		clearTasks();
		let clock = Date.now();
		store().now = () => clock;
		const tasks = store().addTasks(10);
		for (const task of tasks) store().addRun(task.id, { status: 'COMPLETED' });
		const trigger = new ActiveTrigger({ ...ALL_TASKS, statuses: ['COMPLETED', 'FAILED', 'CANCELLED'] });
		expect(await trigger.firedIds()).toEqual([]);

		const statuses = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;
		let open: TaskRun[] = [];
		let finished = 0;
		let fired = 0;
		let largest = { bytes: 0, open: 0 };
		const firedIds = new Set<string>();
		for (let round = 0; round < 25; round++) {
			// 200 runs per round: 100 created and finished between two polls, 100 seen open by one poll and finished
			// before the next.
			for (const finishing of open) {
				clock += 1;
				store().finishRun(finishing.id, statuses[finished++ % 3]);
			}
			open = [];
			for (let i = 0; i < 200; i++) {
				clock += 1;
				const task = tasks[i % tasks.length];
				if (i % 2 === 0) {
					store().addRun(task.id, { status: statuses[finished++ % 3] });
				} else {
					open.push(store().addRun(task.id, { status: 'RUNNING' }));
				}
			}
			for (let poll = 0; poll < 2; poll++) {
				const result = await trigger.poll();
				expect(result.error).toBeUndefined();
				for (const run of result.fired) firedIds.add(run.id as string);
				fired += result.fired.length;
				const bytes = JSON.stringify(trigger.memory).length;
				const openNow = Object.values(stateOf(trigger.memory).tasks).reduce(
					(sum, task) => sum + (task.open as string[]).length,
					0,
				);
				if (bytes > largest.bytes) largest = { bytes, open: openNow };
			}
		}
		for (const finishing of open) store().finishRun(finishing.id, statuses[finished++ % 3]);
		const last = await trigger.poll();
		fired += last.fired.length;
		for (const run of last.fired) firedIds.add(run.id as string);

		expect(finished).toBe(5000);
		expect(fired).toBe(5000);
		expect(firedIds.size).toBe(5000);
		expect(store().runs.size).toBe(5010);

		// Per watched task: its id, last_run_at, horizon and the id(s) of the newest run(s); plus ~27 bytes per run
		// still open. Nothing grows with the number of runs seen.
		const bytes = JSON.stringify(trigger.memory).length;
		const overhead = JSON.stringify({ watcher: { version: 1, activatedAt: '', tasks: {} } }).length;
		const perTask = (bytes - overhead) / tasks.length;
		expect(stateOf(trigger.memory).tasks[tasks[0].id]).toEqual({
			lastRunAt: expect.any(String),
			horizon: expect.any(String),
			horizonIds: [expect.any(String)],
			open: [],
		});
		expect(perTask).toBeLessThanOrEqual(160);
		expect(bytes).toBeLessThan(100 + 160 * tasks.length);
		expect(largest.open).toBe(100);
		expect(largest.bytes).toBeLessThan(100 + 160 * tasks.length + 30 * largest.open);
	});
});
