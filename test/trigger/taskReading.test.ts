import type { WatcherState } from '../../nodes/ArizeTasksTrigger/runWatcher';
import { settle, tasksToInspect } from '../../nodes/ArizeTasksTrigger/runWatcher';
import type { ReadAnswer, RunRead } from '../../nodes/ArizeTasksTrigger/taskReading';
import { consume, nextReads, seenRuns, startReading } from '../../nodes/ArizeTasksTrigger/taskReading';
import type { Task, TaskRun } from '../../nodes/shared/types';
import { prng } from './prng';

// The watcher's reading on its own (pure, no HTTP): what it asks for, page by page, against a fake listing, and a
// randomized model over thousands of polls with every listing order, small pages, ties, open runs and deletions.

type Order = 'newest' | 'oldest' | 'shuffled' | 'nearlyNewest';
const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;
const iso = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms).toISOString();

/** A fake Arize for one account: its runs (in creation order) and how it lists them. */
class FakeArize {
	runs: TaskRun[] = [];
	tasks: Task[] = [];
	/** Pairs of positions swapped in the 'nearlyNewest' order, per task. */
	swaps = new Map<string, number>();
	constructor(
		public order: Order,
		public pageSize: number,
	) {}

	listed(taskId: string): TaskRun[] {
		const runs = this.runs.filter((run) => run.task_id === taskId);
		if (this.order === 'oldest') return runs;
		if (this.order === 'shuffled') return [...runs].sort((a, b) => hash(a.id) - hash(b.id));
		const newest = [...runs].reverse();
		const swap = this.swaps.get(taskId);
		if (this.order === 'nearlyNewest' && swap !== undefined && swap + 7 < newest.length) {
			[newest[swap], newest[swap + 7]] = [newest[swap + 7], newest[swap]];
		}
		return newest;
	}

	answer(taskId: string, read: RunRead): ReadAnswer {
		if ('runId' in read) return { run: this.runs.find((run) => run.id === read.runId) ?? null };
		const listed = this.listed(taskId).filter((run) => read.listing === 'all' || run.status === read.listing);
		const offset = Number(read.cursor ?? 0);
		const end = offset + this.pageSize;
		return { runs: listed.slice(offset, end), nextCursor: end < listed.length ? String(end) : undefined };
	}

	/** One poll as the node runs it; returns the ids fired and every read sent. */
	poll(state: WatcherState | undefined, now: string, statuses: string[]) {
		const reads: RunRead[] = [];
		const tasks = this.tasks.map((task) => ({ ...task }));
		const seen = new Map(
			tasksToInspect(state, tasks).map((task) => {
				let reading = startReading(state, task);
				for (let next = nextReads(reading); next.length > 0; next = nextReads(reading)) {
					reads.push(...next);
					reading = next.reduce((r, read) => consume(r, read, this.answer(task.id, read)), reading);
				}
				return [task.id, seenRuns(reading)] as const;
			}),
		);
		const result = settle(state, tasks, seen, statuses, now);
		return { state: result.state, fired: result.finished.map((f) => f.run.id), reads };
	}
}

function hash(id: string): number {
	let h = 2166136261;
	for (const char of id) h = Math.imul(h ^ char.charCodeAt(0), 16777619);
	return h >>> 0;
}

const finished = (id: string, at: string): TaskRun => ({ id, task_id: 't', status: 'COMPLETED', created_at: at, run_started_at: at, run_finished_at: at });

describe('task reading: the reads it asks for', () => {
	const task = (lastRunAt: string | null): Task => ({ id: 't', name: 'T', type: 'CODE_EVALUATION', last_run_at: lastRunAt, created_at: iso(-1) });
	const history = (arize: FakeArize, count: number) => {
		for (let i = 0; i < count; i++) arize.runs.push(finished(`r${i}`, iso(i * 1000)));
		arize.tasks = [task(iso((count - 1) * 1000))];
	};

	it('stops at the first page that goes below the horizon; the next poll reads one page', () => {
		const arize = new FakeArize('newest', 10);
		history(arize, 95);
		const first = arize.poll(undefined, iso(10_000_000), ['COMPLETED']);
		expect(first.reads).toEqual([{ listing: 'all' }, { listing: 'PENDING' }, { listing: 'RUNNING' }]);
		arize.runs.push(finished('new', iso(200_000)));
		arize.tasks = [task(iso(200_000))];
		const next = arize.poll(first.state, iso(10_000_001), ['COMPLETED']);
		expect(next.fired).toEqual(['new']);
		expect(next.reads).toEqual([{ listing: 'all' }]);
	});

	it('reads every page once a page is out of order', () => {
		const arize = new FakeArize('oldest', 10);
		history(arize, 35);
		const first = arize.poll(undefined, iso(10_000_000), ['COMPLETED']);
		expect(first.reads).toEqual([{ listing: 'all' }, { listing: 'all', cursor: '10' }, { listing: 'all', cursor: '20' }, { listing: 'all', cursor: '30' }]);
	});
});

describe('task reading: the horizon run deleted', () => {
	it('reads the whole listing once, then trusts the first page again', () => {
		const arize = new FakeArize('newest', 10);
		for (let i = 0; i < 35; i++) arize.runs.push(finished(`r${i}`, iso(i * 1000)));
		const task = (lastRunAt: string): Task => ({ id: 't', name: 'T', type: 'CODE_EVALUATION', last_run_at: lastRunAt, created_at: iso(-1) });
		arize.tasks = [task(iso(34_000))];
		const first = arize.poll(undefined, iso(10_000_000), ['COMPLETED']);
		expect(first.state.tasks.t.horizonIds).toEqual(['r34']);
		arize.runs = arize.runs.filter((run) => run.id !== 'r34');
		// Something else moved last_run_at (a run that finished, say): the listing never shows r34 again.
		arize.tasks = [task(iso(40_000))];
		const second = arize.poll(first.state, iso(10_000_001), ['COMPLETED']);
		expect(second.reads).toHaveLength(4);
		expect(second.state.tasks.t).toMatchObject({ horizon: iso(33_000), horizonIds: ['r33'] });
		arize.runs.push(finished('new', iso(50_000)));
		arize.tasks = [task(iso(50_000))];
		const third = arize.poll(second.state, iso(10_000_002), ['COMPLETED']);
		expect(third.fired).toEqual(['new']);
		expect(third.reads).toEqual([{ listing: 'all' }]);
		arize.tasks = [task(iso(60_000))];
		expect(arize.poll(third.state, iso(10_000_003), ['COMPLETED']).reads).toEqual([{ listing: 'all' }]);
	});
});

describe('task reading: randomized model', () => {
	// Pages of 1 to 5 runs: a page in order tells little, so these orders are the ones the reading must see through
	// from what it reads (a shuffled listing shows itself on a page of 100 all but surely: the node-level suites).
	const cases: Array<[number, Order, number, boolean]> = [];
	const orders: Order[] = ['newest', 'oldest', 'nearlyNewest'];
	for (let seed = 1; seed <= 30; seed++) cases.push([seed, orders[seed % 3], 1 + (seed % 5), seed % 4 !== 0]);

	it.each(cases)('seed %i, listed %s, %i runs a page, last_run_at moves on finish: %s — each wanted run fires once', (seed, order, pageSize, finishMoves) => {
		const random = prng(seed);
		const arize = new FakeArize(order, pageSize);
		const wanted = ['COMPLETED', 'FAILED'];
		let clock = 0;
		let ids = 0;
		arize.tasks = Array.from({ length: 4 }, (_, i) => ({ id: `t${i}`, name: `T${i}`, type: 'CODE_EVALUATION', last_run_at: null, created_at: iso(0) }));
		const addRun = (taskId: string, status: TaskRun['status']) => {
			const terminal = TERMINAL.includes(status as (typeof TERMINAL)[number]);
			const run: TaskRun = { id: `r${ids++}`, task_id: taskId, status, created_at: iso(clock), run_started_at: iso(clock), run_finished_at: terminal ? iso(clock) : null };
			arize.runs.push(run);
			arize.tasks.find((task) => task.id === taskId)!.last_run_at = iso(clock);
			return run;
		};
		for (let i = 0; i < 40; i++) {
			clock += random.int(0, 1);
			addRun(random.pick(arize.tasks).id, random.chance(0.1) ? 'RUNNING' : random.pick(TERMINAL));
		}
		const expected = new Set<string>();
		const fired = new Map<string, number>();
		let state: WatcherState | undefined;
		const open = () => arize.runs.filter((run) => run.status === 'PENDING' || run.status === 'RUNNING');

		for (let step = 0; step < 150; step++) {
			clock += 1;
			const active = state !== undefined;
			for (let change = random.int(0, 4); change > 0; change--) {
				clock += random.int(0, 1);
				const dice = random.next();
				const taskId = random.pick(arize.tasks).id;
				if (dice < 0.3) addRun(taskId, random.pick(['PENDING', 'RUNNING'] as const));
				else if (dice < 0.55) {
					const run = addRun(taskId, random.pick(TERMINAL));
					if (active && wanted.includes(run.status)) expected.add(run.id);
				} else if (dice < 0.9) {
					const runs = open();
					if (runs.length === 0) continue;
					const run = random.pick(runs);
					run.status = random.pick(TERMINAL);
					run.run_finished_at = iso(clock);
					if (finishMoves) arize.tasks.find((task) => task.id === run.task_id)!.last_run_at = iso(clock);
					if (active && wanted.includes(run.status)) expected.add(run.id);
				} else if (dice < 0.95) {
					const runs = open();
					if (runs.length) arize.runs = arize.runs.filter((run) => run !== runs[0]);
				} else {
					arize.swaps.set(taskId, random.int(0, 20));
				}
			}
			const poll = arize.poll(state, iso(clock), wanted);
			for (const id of poll.fired) fired.set(id, (fired.get(id) ?? 0) + 1);
			state = poll.state;
		}
		for (const run of open()) {
			run.status = 'COMPLETED';
			run.run_finished_at = iso(++clock);
			arize.tasks.find((task) => task.id === run.task_id)!.last_run_at = iso(clock);
			expected.add(run.id);
		}
		for (let i = 0; i < 2; i++) {
			const poll = arize.poll(state, iso(++clock), wanted);
			for (const id of poll.fired) fired.set(id, (fired.get(id) ?? 0) + 1);
			state = poll.state;
		}
		expect([...fired.keys()].sort()).toEqual([...expected].sort());
		expect([...fired.values()].every((count) => count === 1)).toBe(true);
		expect(expected.size).toBeGreaterThan(30);
	});
});
