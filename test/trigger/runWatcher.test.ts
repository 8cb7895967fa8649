import type { WatcherState } from '../../nodes/ArizeTasksTrigger/runWatcher';
import { settle, tasksToInspect } from '../../nodes/ArizeTasksTrigger/runWatcher';
import type { ReadAnswer, RunRead } from '../../nodes/ArizeTasksTrigger/taskReading';
import { consume, nextReads, seenRuns, startReading } from '../../nodes/ArizeTasksTrigger/taskReading';
import type { Task, TaskRun } from '../../nodes/shared/types';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 12, minute)).toISOString();

const task = (id: string, lastRunAt: string | null, createdAt = at(0)): Task => ({
	id,
	name: `Task ${id}`,
	type: 'TEMPLATE_EVALUATION',
	last_run_at: lastRunAt,
	created_at: createdAt,
});

const run = (id: string, taskId: string, createdMinute: number, status: TaskRun['status']): TaskRun => ({
	id,
	task_id: taskId,
	status,
	created_at: at(createdMinute),
	run_started_at: status === 'PENDING' ? null : at(createdMinute),
	run_finished_at: ['COMPLETED', 'FAILED', 'CANCELLED'].includes(status) ? at(createdMinute + 1) : null,
});

/**
 * A task's runs as a fake Arize answers the reads of a reading: the listing in the order of `runs`, `pageSize` a
 * page (the cursor is the offset), filtered by status; a run by ID, or null when it is not there.
 */
function answer(runs: TaskRun[], taskId: string, read: RunRead, pageSize: number): ReadAnswer {
	if ('runId' in read) return { run: runs.find((r) => r.id === read.runId && r.task_id === taskId) ?? null };
	const listed = runs.filter((r) => r.task_id === taskId && (read.listing === 'all' || r.status === read.listing));
	const offset = Number(read.cursor ?? 0);
	const end = offset + pageSize;
	return { runs: listed.slice(offset, end), nextCursor: end < listed.length ? String(end) : undefined };
}

/** Reads one task as the trigger node does; `reads` collects every read sent. */
function readAll(state: WatcherState | undefined, t: Task, runs: TaskRun[], pageSize: number, reads: RunRead[] = []) {
	let reading = startReading(state, t);
	for (let next = nextReads(reading); next.length > 0; next = nextReads(reading)) {
		reads.push(...next);
		reading = next.reduce((r, read) => consume(r, read, answer(runs, t.id, read, pageSize)), reading);
	}
	return seenRuns(reading);
}

/** Runs one poll the way the trigger node does: inspect the tasks it asks for, with the listings given (in order). */
function poll(state: WatcherState | undefined, tasks: Task[], runs: TaskRun[], statuses = ['COMPLETED'], pageSize = 2) {
	const inspected = tasksToInspect(state, tasks);
	const seenByTask = new Map(inspected.map((t) => [t.id, readAll(state, t, runs, pageSize)]));
	const result = settle(state, tasks, seenByTask, statuses, at(30));
	return { ...result, inspected: inspected.map((t) => t.id), fired: result.finished.map((f) => f.run.id) };
}

describe('run watcher', () => {
	it('records the present on the first poll and fires nothing, including history', () => {
		const first = poll(undefined, [task('a', at(5)), task('b', null)], [run('r1', 'a', 5, 'COMPLETED')]);
		expect(first.fired).toEqual([]);
		expect(first.inspected).toEqual(['a']);
		expect(first.state.tasks.a).toEqual({ lastRunAt: at(5), horizon: at(5), horizonIds: ['r1'], open: [] });
	});

	it('fires a run that was open at activation once it finishes', () => {
		const { state } = poll(undefined, [task('a', at(5))], [run('r1', 'a', 5, 'RUNNING')]);
		const second = poll(state, [task('a', at(5))], [run('r1', 'a', 5, 'RUNNING')]);
		expect(second.fired).toEqual([]);
		const third = poll(second.state, [task('a', at(5))], [run('r1', 'a', 5, 'COMPLETED')]);
		expect(third.fired).toEqual(['r1']);
		const fourth = poll(third.state, [task('a', at(7))], [run('r1', 'a', 5, 'COMPLETED')]);
		expect(fourth.fired).toEqual([]);
	});

	it('skips tasks whose last_run_at did not move and that have nothing open', () => {
		const tasks = [task('a', at(5)), task('b', at(6)), task('c', null)];
		const { state } = poll(undefined, tasks, [run('r1', 'a', 5, 'COMPLETED'), run('r2', 'b', 6, 'COMPLETED')]);
		expect(tasksToInspect(state, tasks)).toEqual([]);
		expect(tasksToInspect(state, [task('a', at(5)), task('b', at(9)), task('c', null)]).map((t) => t.id)).toEqual(['b']);
	});

	it('fires each finished run once whatever the listing order, and only for the chosen statuses', () => {
		const { state } = poll(undefined, [task('a', null)], []);
		const runs = [run('r3', 'a', 12, 'FAILED'), run('r1', 'a', 10, 'COMPLETED'), run('r2', 'a', 11, 'COMPLETED')];
		const next = poll(state, [task('a', at(12))], runs);
		expect(next.fired).toEqual(['r1', 'r2']);
		expect(poll(next.state, [task('a', at(13))], [...runs].reverse()).fired).toEqual([]);
		const withFailed = poll(state, [task('a', at(12))], runs, ['COMPLETED', 'FAILED']);
		expect(withFailed.fired).toEqual(['r1', 'r2', 'r3']);
	});

	it('fires runs created at the same instant as the horizon that it had not seen', () => {
		const { state } = poll(undefined, [task('a', at(5))], [run('r1', 'a', 5, 'COMPLETED')]);
		const next = poll(state, [task('a', at(6))], [run('r1', 'a', 5, 'COMPLETED'), run('r1b', 'a', 5, 'COMPLETED')]);
		expect(next.fired).toEqual(['r1b']);
	});

	it('treats a task created after activation as new, and a pre-existing task that starts matching as history', () => {
		const { state } = poll(undefined, [], []);
		const runs = [run('n1', 'new', 31, 'COMPLETED'), run('o1', 'old', 2, 'COMPLETED')];
		const next = poll(state, [task('new', at(31), at(31)), task('old', at(2), at(1))], runs);
		expect(next.fired).toEqual(['n1']);
	});

	it('keeps its state bounded by tasks and open runs, not by runs seen', () => {
		let { state } = poll(undefined, [task('a', null)], []);
		const runs: TaskRun[] = [];
		let fired = 0;
		for (let i = 0; i < 5000; i++) {
			runs.push(run(`r${i}`, 'a', 31 + i, 'COMPLETED'));
			const next = poll(state, [task('a', at(31 + i))], runs.slice(-3));
			fired += next.fired.length;
			state = next.state;
		}
		expect(fired).toBe(5000);
		expect(JSON.stringify(state).length).toBeLessThan(400);
	});
});
