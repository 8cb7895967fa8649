import type { Task, TaskRun } from '../shared/types';
import { isTerminal } from '../shared/types';

/**
 * The trigger's memory and its one decision: given what it remembered and what Arize lists now, which runs finished
 * since the last poll. Pure functions, so exactly-once can be tested against any order of listings and faults. What a
 * poll reads of each task, page by page, is decided in taskReading.ts; this file folds what was read into the state.
 *
 * Bound: the state holds one small entry per watched task plus the IDs of runs that were still open when last seen.
 * It never grows with the number of finished runs. Per task it keeps a horizon (the newest run `created_at` seen)
 * instead of a set of seen run IDs: a run is new when it was created after the horizon.
 */
export interface WatcherState {
	version: 1;
	/** When the trigger's first poll started (ISO). Tasks created then or later are new: all their runs count. */
	activatedAt: string;
	/** Counts the polls that produced this state: of two states of one activation, the higher one is newer. */
	revision?: number;
	tasks: Record<string, TaskMemory>;
}

export interface TaskMemory {
	/** The task's `last_run_at` when its runs were last read: if it still matches, nothing happened. */
	lastRunAt: string | null;
	/** `created_at` of the newest run seen, or null when the task had no runs. */
	horizon: string | null;
	/** Runs created exactly at the horizon that were already seen (timestamps can tie). */
	horizonIds: string[];
	/** Runs seen PENDING or RUNNING: they fire when they finish, whatever their age. */
	open: string[];
	/**
	 * Set when the task was first seen but its runs could not be read in that poll (the poll ran out of budget): when
	 * they are read, the runs that finished at or after this time (ISO) fire, older ones are history.
	 */
	since?: string;
}

export interface FinishedRun {
	run: TaskRun;
	task: Task;
}

/** What a poll read of one task (see taskReading.ts). */
export interface SeenRuns {
	/** The unfiltered listing from its first page on: all of it, or down to below the horizon. */
	listed: TaskRun[];
	/** Runs seen otherwise: in the PENDING and RUNNING listings, or read by ID. They never move the horizon. */
	others: TaskRun[];
	/** Whether `listed` is the whole listing: a run of the horizon that is not in it was deleted. */
	complete?: boolean;
}

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NEGATIVE_INFINITY);

export function isWatcherState(value: unknown): value is WatcherState {
	return (
		typeof value === 'object' &&
		value !== null &&
		(value as WatcherState).version === 1 &&
		typeof (value as WatcherState).tasks === 'object'
	);
}

/**
 * A task first seen after activation that was created at or after it (`>=`: timestamps are in ms). activatedAt is
 * when the first poll started, before it listed the tasks: a task that appeared while that poll ran is new too.
 */
export function isNewTask(state: WatcherState | undefined, task: Task): boolean {
	return state !== undefined && state.tasks[task.id] === undefined && time(task.created_at as string) >= time(state.activatedAt);
}

/**
 * The tasks whose runs must be read in this poll: on the first poll those that ever ran (to learn what is open);
 * later those whose `last_run_at` moved, that have a run still open, or that are new. Everything else costs nothing.
 */
export function tasksToInspect(state: WatcherState | undefined, tasks: Task[]): Task[] {
	return tasks.filter((task) => {
		const memory = state?.tasks[task.id];
		if (!memory) return task.last_run_at !== null || state !== undefined;
		return memory.open.length > 0 || memory.lastRunAt !== task.last_run_at;
	});
}

/**
 * The same tasks in the order a poll short of time should read them: first the tasks that changed (or were never
 * read), the longest waiting first, so a task left over by one poll is among the first of the next; then the tasks
 * that only have a run still open.
 */
export function inspectionOrder(state: WatcherState | undefined, tasks: Task[]): Task[] {
	const onlyOpen = (task: Task) => {
		const memory = state?.tasks[task.id];
		return memory !== undefined && memory.since === undefined && memory.lastRunAt === task.last_run_at;
	};
	const rank = (task: Task) => [onlyOpen(task) ? 1 : 0, time(task.last_run_at)];
	return tasks
		.map((task) => ({ task, rank: rank(task) }))
		.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1])
		.map(({ task }) => task);
}

/**
 * Folds one poll's readings into the state. `seenByTask` holds what was read of each inspected task (its reading was
 * complete); a task that needed inspecting but is missing from it was left for the next poll and keeps what it had.
 * Returns the new state and the runs to fire, oldest finish first. Without a previous state it records the present
 * and fires nothing. `now` is when the poll started, before it listed anything (it becomes `activatedAt`).
 */
export function settle(
	state: WatcherState | undefined,
	tasks: Task[],
	seenByTask: Map<string, SeenRuns>,
	statuses: string[],
	now: string,
): { state: WatcherState; finished: FinishedRun[] } {
	const next: WatcherState = {
		version: 1,
		activatedAt: state?.activatedAt ?? now,
		revision: (state?.revision ?? 0) + 1,
		tasks: {},
	};
	const finished: FinishedRun[] = [];
	const wanted = new Set(statuses.map((status) => status.toUpperCase()));

	for (const task of tasks) {
		const seen = seenByTask.get(task.id);
		const runs = seen && merged(seen);
		let memory = state?.tasks[task.id];
		if (!memory && !isNewTask(state, task)) {
			// First sight of a task that existed before activation: remember the present, fire nothing. When its runs were
			// not read, "the present" is this instant: runs that finish from now on fire once they are read.
			next.tasks[task.id] = runs || task.last_run_at === null ? remember(task, seen?.listed ?? [], runs ?? []) : notReadSince(now);
			continue;
		}
		memory ??= { lastRunAt: null, horizon: null, horizonIds: [], open: [] };
		if (!seen || !runs) {
			next.tasks[task.id] = memory;
			continue;
		}

		const open: string[] = [];
		for (const run of runs) {
			const isNewRun =
				memory.horizon === null ||
				time(run.created_at) > time(memory.horizon) ||
				(time(run.created_at) === time(memory.horizon) && !memory.horizonIds.includes(run.id));
			if (!isNewRun && !memory.open.includes(run.id)) continue;
			if (!isTerminal(run.status)) open.push(run.id);
			else if (memory.since !== undefined && time(run.run_finished_at ?? run.created_at) < time(memory.since)) continue;
			else if (wanted.has(run.status.toUpperCase())) finished.push({ run, task });
		}
		// A whole listing shows the newest runs that still exist: the horizon is theirs, also when Arize deleted the runs
		// it was (a reading looks for the horizon's runs before it trusts a listing).
		const horizon = advanceHorizon(seen.complete ? NOTHING_SEEN : memory, seen.listed);
		next.tasks[task.id] = { ...horizon, lastRunAt: task.last_run_at, open };
	}

	finished.sort((a, b) => time(a.run.run_finished_at) - time(b.run.run_finished_at));
	// Nothing learnt: the same state (and revision), so n8n has nothing new to store.
	if (state && finished.length === 0 && JSON.stringify(next.tasks) === JSON.stringify(state.tasks)) {
		return { state, finished };
	}
	return { state: next, finished };
}

const NOTHING_SEEN: Pick<TaskMemory, 'horizon' | 'horizonIds'> = { horizon: null, horizonIds: [] };

/** A task whose runs are still to be read: nothing of it is known yet but when it was first seen. */
const notReadSince = (since: string): TaskMemory => ({ lastRunAt: null, horizon: null, horizonIds: [], open: [], since });

/** Each run seen once, in its latest known status. */
function merged(seen: SeenRuns): TaskRun[] {
	const byId = new Map<string, TaskRun>();
	for (const run of [...seen.listed, ...seen.others]) {
		const other = byId.get(run.id);
		byId.set(run.id, other ? laterSighting(other, run) : run);
	}
	return [...byId.values()];
}

/** Of two sightings of one run, the later: a run's status only moves from open to finished. */
function laterSighting(a: TaskRun, b: TaskRun): TaskRun {
	return isTerminal(a.status) || !isTerminal(b.status) ? a : b;
}

/** The present of a task first seen: the newest runs listed are its horizon; every run seen open stays watched. */
function remember(task: Task, listed: TaskRun[], runs: TaskRun[]): TaskMemory {
	const empty: TaskMemory = { lastRunAt: task.last_run_at, horizon: null, horizonIds: [], open: [] };
	return {
		...advanceHorizon(empty, listed),
		lastRunAt: task.last_run_at,
		open: runs.filter((run) => !isTerminal(run.status)).map((run) => run.id),
	};
}

function advanceHorizon(memory: Pick<TaskMemory, 'horizon' | 'horizonIds'>, runs: TaskRun[]): Pick<TaskMemory, 'horizon' | 'horizonIds'> {
	let { horizon, horizonIds } = memory;
	for (const run of runs) {
		if (horizon === null || time(run.created_at) > time(horizon)) {
			horizon = run.created_at;
			horizonIds = [run.id];
		} else if (time(run.created_at) === time(horizon) && !horizonIds.includes(run.id)) {
			horizonIds = [...horizonIds, run.id];
		}
	}
	return { horizon, horizonIds };
}
