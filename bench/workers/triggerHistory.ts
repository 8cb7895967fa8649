/**
 * The trigger at account scale: tasks with a long run history, listed newest first as Arize documents. A poll must
 * cost what is new (a page of a task's runs, a read per run still open), never a task's whole history; a listing out
 * of that order is read in full. Each job reports its wall time, the requests it sent against the minimum, and the
 * physical limit of its round trips at the default, Auto, reckoned at Auto's ceiling.
 */
import type { Sandbox } from '../../sandbox/index.ts';
import { startSandbox } from '../../sandbox/index.ts';
import type { Task } from '../../sandbox/types.ts';
import { AUTO_CEILING } from '../../nodes/shared/transport/pacing';
import { BENCH_API_KEY, POLL_BUDGET_MS, arizeCredentials, assert, loadBuiltPackage, triggerPoller, worker } from '../lib/common';
import type { LatencyJob } from './latency';

export interface TriggerHistorySizes {
	tasks: number;
	/** Past runs of every task. */
	runs: number;
	/** Tasks that get a new run between two polls. */
	newRuns: number;
}

export interface TriggerHistoryInput {
	/** Every job at each of these; the first poll also at `firstPollLatencyMs` (n8n's budget is the target there). */
	latencies: number[];
	firstPollLatencyMs: number;
	sizes: TriggerHistorySizes;
}

/** A job with the target for it, when it has one. */
export interface TriggerHistoryJob extends LatencyJob {
	target?: { maxMs: number; text: string };
}

/** Max Requests in Parallel: the default; the physical limits are reckoned at its ceiling. */
const BOUND = 'Auto';
/** One task in this many has a run stuck RUNNING deep in its history. */
const STUCK_EVERY = 10;

const pkg = loadBuiltPackage();

worker(async ({ latencies, firstPollLatencyMs, sizes }: TriggerHistoryInput): Promise<TriggerHistoryJob[]> => {
	const jobs: TriggerHistoryJob[] = [];
	for (const latencyMs of [...latencies, firstPollLatencyMs]) {
		const sandbox = await startSandbox({ apiKeys: [BENCH_API_KEY], seed: false });
		try {
			jobs.push(...(await measureAt(sandbox, latencyMs, sizes, !latencies.includes(latencyMs))));
		} finally {
			await sandbox.close();
		}
	}
	return jobs;
});

async function measureAt(sandbox: Sandbox, latencyMs: number, sizes: TriggerHistorySizes, firstPollOnly: boolean) {
	const { store } = sandbox;
	const credentials = arizeCredentials(sandbox.url);
	const jobs: TriggerHistoryJob[] = [];
	const trips = (requests: number) => Math.ceil(requests / AUTO_CEILING);
	const pages = Math.ceil(sizes.tasks / 100);
	const runPages = Math.ceil(sizes.runs / 100);
	const account = `${sizes.tasks} tasks × ${sizes.runs.toLocaleString('en-US')} past runs`;

	// The account: every task ran once a minute up to an hour ago; one task in STUCK_EVERY has a run still RUNNING
	// from long ago (deep in its history).
	const start = Date.now() - 3_600_000 - sizes.runs * 60_000;
	const tasks: Task[] = store.addTasks(sizes.tasks, { created_at: new Date(start - 1000).toISOString() });
	for (const [index, task] of tasks.entries()) {
		for (let i = 0; i < sizes.runs; i++) {
			const stuck = index % STUCK_EVERY === STUCK_EVERY - 1 && i === 10;
			store.addRun(task.id, { status: stuck ? 'RUNNING' : 'COMPLETED', created_at: new Date(start + i * 60_000).toISOString() });
		}
	}
	const stuck = tasks.filter((_, index) => index % STUCK_EVERY === STUCK_EVERY - 1);
	const newRun = (task: Task, status: 'COMPLETED' | 'RUNNING' = 'COMPLETED') => store.addRun(task.id, { status });
	sandbox.setLatency(latencyMs);

	const poll = triggerPoller(pkg, credentials);
	/**
	 * Times `body`; with `rounds`, that many times (`beforeRound` untimed before each) and the median is the job's time,
	 * the most requests of a round its requests.
	 */
	const measure = async (
		job: string,
		minimum: number,
		roundTrips: number,
		why: string,
		body: () => Promise<void>,
		target?: TriggerHistoryJob['target'],
		{ rounds = 1, beforeRound = () => {} } = {},
	) => {
		const walls: number[] = [];
		let requests = 0;
		let maxInFlight = 0;
		for (let round = 0; round < rounds; round++) {
			beforeRound();
			sandbox.clearRequests();
			sandbox.resetMaxInFlight();
			const started = performance.now();
			await body();
			walls.push(performance.now() - started);
			const failed = sandbox.requests.filter((request) => request.status >= 400 || request.status === 0);
			assert(failed.length === 0, `${job}: ${failed.length} requests failed`);
			requests = Math.max(requests, sandbox.requests.length);
			maxInFlight = Math.max(maxInFlight, sandbox.maxInFlight);
		}
		const wallMs = [...walls].sort((a, b) => a - b)[Math.floor((rounds - 1) / 2)];
		const name = rounds > 1 ? `${job} (median of ${rounds} polls)` : job;
		jobs.push({ job: name, latencyMs, bound: BOUND, wallMs, limitMs: roundTrips * latencyMs, limitWhy: why, requests, minimum, maxInFlight, target });
		process.stderr.write(`bench:   ${latencyMs} ms, ${name}: ${walls.map(Math.round).join(', ')} ms, ${requests} requests\n`);
	};
	const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

	// Activation: the first page of each task (its horizon) and its PENDING and RUNNING listings.
	const firstPollTarget = { maxMs: POLL_BUDGET_MS, text: `inside n8n's ${POLL_BUDGET_MS / 1000} s poll budget at ${latencyMs} ms` };
	await measure(
		`Trigger, first poll over ${account} (1 in ${STUCK_EVERY} with a run stuck RUNNING deep in its history)`,
		pages + 3 * sizes.tasks,
		pages + 3 * trips(sizes.tasks),
		`${plural(pages, 'page')} of tasks, then 3 requests per task, one after the other, every task at once`,
		() => poll(0),
		latencyMs >= 100 ? firstPollTarget : undefined,
	);
	if (firstPollOnly) return jobs;

	const s = stuck.length;
	await measure(
		`Trigger, ${account}: poll with nothing new while ${plural(s, 'run')} stuck deep in a history are open`,
		pages + s,
		pages + trips(s),
		`${plural(pages, 'page')} of tasks, then 1 read per open run`,
		() => poll(0),
	);
	for (const task of stuck) store.finishRun(store.runsOf(task.id)[10].id, 'COMPLETED');
	await measure(
		`Trigger, ${account}: poll after those ${plural(s, 'run')} finished (each task's last_run_at moved)`,
		pages + 2 * s,
		pages + 2 * trips(s),
		`${plural(pages, 'page')} of tasks, then per task its first page and the open run by ID`,
		() => poll(s),
	);
	newRun(tasks[0]);
	await measure(
		`Trigger, a task with ${sizes.runs.toLocaleString('en-US')} past runs (in ${account}): poll after one new run`,
		pages + 1,
		pages + 1,
		`${plural(pages, 'page')} of tasks, then the task's first page of runs`,
		() => poll(1),
	);
	const open = newRun(tasks[1], 'RUNNING');
	await poll(0);
	await measure(
		`Trigger, the same account: poll while a new run is open (seen by the poll before)`,
		pages + 1,
		pages + 1,
		`${plural(pages, 'page')} of tasks, then the open run by ID`,
		() => poll(0),
	);
	store.finishRun(open.id, 'COMPLETED');
	await poll(1);
	const changed = tasks.slice(2, 2 + sizes.newRuns);
	await measure(
		`Trigger, ${account}: poll after ${plural(sizes.newRuns, 'task')} got a new run`,
		pages + sizes.newRuns,
		pages + trips(sizes.newRuns),
		`${plural(pages, 'page')} of tasks, then ${sizes.newRuns} first pages of runs`,
		() => poll(sizes.newRuns),
		latencyMs === 50 ? { maxMs: 1.3 * (pages + trips(sizes.newRuns)) * latencyMs, text: 'within 1.3× of the limit' } : undefined,
		{ rounds: 5, beforeRound: () => changed.forEach((task) => newRun(task)) },
	);
	// A listing that is not newest first is read in full: what every poll of a changed task cost before.
	sandbox.setRunOrder('oldest');
	newRun(tasks[0]);
	await measure(
		`Trigger, the same account listed oldest first: poll after one new run (the fallback)`,
		pages + runPages + 1,
		pages + runPages + 1,
		`${plural(pages, 'page')} of tasks, then every page of the task's runs, one after the other`,
		() => poll(1),
	);
	sandbox.setRunOrder('newest');
	return jobs;
}
