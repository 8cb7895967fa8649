import type { Task, TaskRun } from '../shared/types';
import type { SeenRuns, WatcherState } from './runWatcher';
import { isNewTask } from './runWatcher';

/**
 * What a poll reads of one task, decided one answer at a time: which page or run to read next, and when what was read
 * is enough. Pure, like the rest of the watcher: the poll sends the reads `nextReads` names, hands each answer to
 * `consume`, and repeats until there is nothing left to read.
 *
 * Arize documents no order for a task's runs listing; its Go SDK says newest first. A reading relies on that only
 * while each listing shows it: `created_at` never increases down a page or from one page to the next. Then a task's
 * news is on its first page or pages, down to the newest run the trigger already knew (its horizon), and the runs
 * still open further down are read one by one (`GET /v2/task-runs/{id}`). The moment any listing of the task is out
 * of that order, the reading goes on to the last page of the task's runs, which holds whatever the order.
 */

/** The task's runs listing, unfiltered or filtered on one open status. */
export type Listing = 'all' | 'PENDING' | 'RUNNING';

/** One request of a reading: a page of a listing (the first page without a cursor), or one run by its ID. */
export type RunRead = { listing: Listing; cursor?: string } | { runId: string };

/** The answer to a read: a page (`nextCursor` when there is more), or the run (null when Arize no longer has it). */
export type ReadAnswer = { runs: TaskRun[]; nextCursor?: string } | { run: TaskRun | null };

interface ListingProgress {
	runs: TaskRun[];
	/** The cursor of the next page; undefined once the last page was read. */
	next?: string;
	/** Whether every run so far was created no later than the one listed before it. */
	newestFirst: boolean;
}

/**
 * - `changes`: a known task whose `last_run_at` moved, or with more than one run still open: its pages down to the
 *   horizon, then the open runs not on them by ID. Runs are mostly open for a short while, so the open runs of a task
 *   are usually all on its first page: one request for all of them.
 * - `open`: a known task with nothing new but one run still open: that run by ID.
 * - `present`: a task first seen at activation: its newest page (the horizon), then the PENDING and RUNNING listings.
 * - `everything`: every page (a task created after activation, or one whose runs a poll short of time left unread).
 */
type Plan = 'changes' | 'open' | 'present' | 'everything';

export interface TaskReading {
	plan: Plan;
	/** Pages of the unfiltered listing are read down to a run created before this (ms); never when -Infinity. */
	stopBelow: number;
	/**
	 * And down to one of these runs (the newest the trigger saw), when there are any: a listing that starts with old
	 * runs (oldest first, say) shows its order before it is trusted, and one that lost them is read in full.
	 */
	horizonIds: string[];
	/** Runs the state holds open: each is seen in a listing or read by ID, or the whole listing shows it is gone. */
	open: string[];
	listings: Partial<Record<Listing, ListingProgress>>;
	byId: Record<string, TaskRun | null>;
}

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NEGATIVE_INFINITY);

/** How this poll reads a task that tasksToInspect chose. */
export function startReading(state: WatcherState | undefined, task: Task): TaskReading {
	const memory = state?.tasks[task.id];
	const reading = { stopBelow: Number.NEGATIVE_INFINITY, horizonIds: [], open: memory?.open ?? [], listings: {}, byId: {} };
	if (!memory) return { ...reading, plan: isNewTask(state, task) ? 'everything' : 'present' };
	if (memory.since !== undefined) return { ...reading, plan: 'everything' };
	if (memory.lastRunAt === task.last_run_at && memory.open.length < 2) return { ...reading, plan: 'open' };
	return { ...reading, plan: 'changes', stopBelow: time(memory.horizon), horizonIds: memory.horizonIds };
}

/** The reads to send now (side by side); none when the reading is complete. */
export function nextReads(reading: TaskReading): RunRead[] {
	const all = reading.listings.all;
	const outOfOrder = Object.values(reading.listings).some((listing) => !listing.newestFirst);
	if (outOfOrder || reading.plan === 'everything') return all && all.next === undefined ? [] : [pageOf('all', all)];
	if (reading.plan === 'open') return unresolved(reading).map((runId) => ({ runId }));
	if (!all) return [{ listing: 'all' }];
	if (all.next !== undefined && !reachedBelow(all, reading)) return [pageOf('all', all)];
	if (reading.plan === 'changes') return all.next === undefined ? [] : unresolved(reading).map((runId) => ({ runId }));
	// present: a task with more than one page learns its open runs from the two filtered listings, one after the
	// other (PENDING first: a run that starts between the two reads is then in one of them).
	if (all.next === undefined) return [];
	for (const listing of ['PENDING', 'RUNNING'] as const) {
		const progress = reading.listings[listing];
		if (!progress || progress.next !== undefined) return [pageOf(listing, progress)];
	}
	return [];
}

/** The reading after one answer. */
export function consume(reading: TaskReading, read: RunRead, answer: ReadAnswer): TaskReading {
	if ('runId' in read) {
		const run = 'run' in answer ? answer.run : null;
		return { ...reading, byId: { ...reading.byId, [read.runId]: run } };
	}
	const runs = 'runs' in answer ? answer.runs : [];
	const before = reading.listings[read.listing] ?? { runs: [], newestFirst: true };
	const listed = [...before.runs, ...runs];
	const newestFirst = before.newestFirst && isNewestFirst(before.runs.at(-1), runs);
	const progress = { runs: listed, next: 'runs' in answer ? answer.nextCursor : undefined, newestFirst };
	const next = { ...reading, listings: { ...reading.listings, [read.listing]: progress } };
	// At activation the horizon is the newest run: the first page must go below it (a page of runs created in one
	// millisecond could continue on the next).
	if (reading.plan === 'present' && read.listing === 'all' && !read.cursor) next.stopBelow = time(runs[0]?.created_at);
	return next;
}

/** Whether `page` continues a newest-first listing whose last run so far is `previous`. */
export function isNewestFirst(previous: TaskRun | undefined, page: TaskRun[]): boolean {
	let last = previous ? time(previous.created_at) : Number.POSITIVE_INFINITY;
	for (const run of page) {
		const created = time(run.created_at);
		if (!(created <= last)) return false;
		last = created;
	}
	return true;
}

/** What the reading saw, for settle. */
export function seenRuns(reading: TaskReading): SeenRuns {
	const { all, PENDING, RUNNING } = reading.listings;
	const byId = Object.values(reading.byId).filter((run): run is TaskRun => run !== null);
	const others = [...(PENDING?.runs ?? []), ...(RUNNING?.runs ?? []), ...byId];
	return { listed: all?.runs ?? [], others, complete: all !== undefined && all.next === undefined };
}

function pageOf(listing: Listing, progress: ListingProgress | undefined): RunRead {
	return progress?.next === undefined ? { listing } : { listing, cursor: progress.next };
}

/** Whether the listing has gone below the horizon, past the newest run seen before: every run newer was read. */
function reachedBelow(listing: ListingProgress, reading: TaskReading): boolean {
	const last = listing.runs.at(-1);
	if (last === undefined || !(time(last.created_at) < reading.stopBelow)) return false;
	return reading.horizonIds.length === 0 || listing.runs.some((run) => reading.horizonIds.includes(run.id));
}

/** Open runs neither listed nor read by ID yet. */
function unresolved(reading: TaskReading): string[] {
	const listed = new Set(Object.values(reading.listings).flatMap((listing) => listing.runs.map((run) => run.id)));
	return reading.open.filter((id) => !listed.has(id) && !(id in reading.byId));
}
