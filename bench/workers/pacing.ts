/**
 * Request pacing: Max Requests in Parallel at its default (Auto) against 5 at a time and n8n's HTTP Request node, in
 * one run, without a limit; then, at the same latencies, under rate limits the sandbox enforces (a token bucket: 429
 * with Retry-After beyond it): 40 requests/s with bursts of 10, 5 requests/s, and a limit that drops halfway through a
 * batch. The sandbox runs in a process of its own, like an Arize that is somewhere else.
 *
 * Every job checks what a user would: every item right, in input order, paired, and nothing sent twice but what the
 * sandbox refused with 429. It reports the time, the requests, how many were answered 429 and how many reached the
 * sandbox while a Retry-After it had sent was still running.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { RateLimitOptions } from '../../sandbox/index.ts';
import { runNode } from '../../test/harness';
import { watchGates } from '../../test/harness/gateWatch';
import { arizeCredentials, assert, loadBuiltPackage, loadHttpRequestNode, worker } from '../lib/common';
import { HTTP_REQUEST_SKIPPED, httpRequestGets } from '../lib/httpRequestNode';
import type { SandboxProcess, SandboxRequest } from '../lib/processes';
import { startSandboxProcess } from '../lib/processes';
import { CREATE_TASK_PER_ITEM } from '../../test/taskParameters';

export interface PacingSizes {
	/** Task → Get without a limit, at each latency. */
	gets: number[];
	/** Gets under 40 requests/s (burst 10). */
	limitedGets: number;
	/** Gets under 5 requests/s. */
	slowGets: number;
	/** Creates under a limit that drops from 40/s to 10/s halfway through. */
	changingCreates: number;
	/** Rounds of each job without a limit (the median is reported). */
	rounds: number;
}

export interface PacingInput {
	latencies: number[];
	sizes: PacingSizes;
	withHttpRequestNode: boolean;
}

export interface PacingJob {
	job: string;
	latencyMs: number;
	/**
	 * 'Auto' (the default, going on from what the executions before it with the same credential learnt), 'Auto, first
	 * in a while' (nothing learnt yet), a fixed number, or 'HTTP Request node' (all at once).
	 */
	setting: string;
	wallMs: number;
	requests: number;
	/** Requests answered 429. */
	limited: number;
	/** Requests the sandbox received while the node held back for a Retry-After (test/harness/gateWatch.ts). */
	sentWhileHeld: number;
	maxInFlight: number;
	/** The least time the rate limit allows for the job (ms), when there is one. */
	allowedMs?: number;
	allowedWhy?: string;
	/** What was checked of the output and the requests. */
	checked: string;
	/** Wall time of each round, when the job ran more than once (the row holds the median round). */
	roundsMs?: number[];
	skipped?: string;
}

const pkg = loadBuiltPackage();
/** Auto as the first execution in a while with its credential (what earlier ones learnt is forgotten first). */
const FIRST_IN_A_WHILE = 'Auto, first in a while';
/** Auto going on from executions that met no limit, under a limit that has appeared since. */
const AFTER_NO_LIMIT = 'Auto, after executions without a limit';
type AutoSetting = 'Auto' | typeof FIRST_IN_A_WHILE | typeof AFTER_NO_LIMIT;
const getTask = { resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } };

worker(async ({ latencies, sizes, withHttpRequestNode }: PacingInput): Promise<PacingJob[]> => {
	const http = withHttpRequestNode ? loadHttpRequestNode({ oneWorkflowCopy: true }) : undefined;
	const largest = Math.max(...sizes.gets, sizes.limitedGets, sizes.slowGets);
	const sandbox = await startSandboxProcess(largest, largest, { seed: true });
	const jobs: PacingJob[] = [];
	try {
		const credentials = arizeCredentials(sandbox.url);
		const input = sandbox.taskIds.map((id) => ({ id, url: `${sandbox.url}/v2/tasks/${encodeURIComponent(id)}` }));
		const tasksNode = (parameters: INodeParameters, items: IDataObject[], continueOnFail = false) =>
			runNode({ nodeType: pkg.tasks(), credentialTypes: pkg.credentialTypes, credentials, parameters, input: items, continueOnFail });
		// Warm-up: modules loaded and hot paths compiled for every client before anything is timed.
		for (let i = 0; i < 3; i++) {
			await tasksNode(getTask, input.slice(0, 100));
			await tasksNode({ ...getTask, requestOptions: { maxConcurrency: 5 } }, input.slice(0, 100));
			if (http) await httpRequestGets(http, input.slice(0, 100));
		}

		const gets = async (job: string, latencyMs: number, setting: number | AutoSetting, items: IDataObject[], extra: Partial<PacingJob> = {}) => {
			const parameters = typeof setting === 'number' ? { ...getTask, requestOptions: { maxConcurrency: setting } } : getTask;
			if (setting === FIRST_IN_A_WHILE) pkg.forgetLearnedPaces();
			return await measure(sandbox, { job, latencyMs, setting: String(setting), ...extra }, async () => {
				const { items: out, error } = await tasksNode(parameters, items);
				assert(!error, `${job}: ${error?.message}`);
				checkOutput(job, out, items, 'id');
				return (requests) => onceEach(job, requests, items.map((item) => new URL(item.url as string).pathname), (request) => request.path);
			});
		};
		const httpGets = async (job: string, latencyMs: number, items: IDataObject[]) =>
			await measure(sandbox, { job, latencyMs, setting: 'HTTP Request node' }, async () => {
				const { items: out, error } = await httpRequestGets(http!, items);
				assert(!error, `HTTP Request: ${error?.message}`);
				checkOutput(job, out, items, 'id');
				return (requests) => onceEach(job, requests, items.map((item) => new URL(item.url as string).pathname), (request) => request.path);
			});

		// ---- no limit: Auto against 5 at a time and the HTTP Request node, alternating, median of the rounds ----------
		for (const latencyMs of latencies) {
			await sandbox.setLatency(latencyMs);
			for (const n of sizes.gets) {
				const items = input.slice(0, n);
				const job = `Task → Get over ${n.toLocaleString('en-US')} items, no rate limit`;
				const clients: Array<[string, () => Promise<PacingJob>]> = [
					[FIRST_IN_A_WHILE, () => gets(job, latencyMs, FIRST_IN_A_WHILE, items)],
					['Auto', () => gets(job, latencyMs, 'Auto', items)],
					['5', () => gets(job, latencyMs, 5, items)],
				];
				if (http) clients.push(['HTTP Request node', () => httpGets(job, latencyMs, items)]);
				const runs = new Map<string, PacingJob[]>(clients.map(([name]) => [name, []]));
				for (let round = 0; round < sizes.rounds; round++) {
					for (let i = 0; i < clients.length; i++) {
						const [name, run] = clients[(i + round) % clients.length];
						runs.get(name)!.push(await run());
					}
				}
				for (const [, measured] of runs) jobs.push(medianRun(measured));
				if (!http) {
					jobs.push({ job, latencyMs, setting: 'HTTP Request node', wallMs: 0, requests: 0, limited: 0, sentWhileHeld: 0, maxInFlight: 0, checked: '', skipped: HTTP_REQUEST_SKIPPED });
				}
			}
		}

		// ---- under rate limits, at each latency --------------------------------------------------------------------------
		for (const latencyMs of latencies) {
			await sandbox.setLatency(latencyMs);
			const limited = async (limit: RateLimitOptions, run: () => Promise<unknown>) => {
				// A new limit starts with a full bucket: what the gate meets is the limit, not the previous job's debt.
				await sandbox.setRateLimit(undefined);
				await sandbox.setRateLimit(limit);
				try {
					await run();
				} finally {
					await sandbox.setRateLimit(undefined);
				}
			};
			const allowed = (requests: number, { perSecond, burst = perSecond }: RateLimitOptions) => ({
				allowedMs: (Math.max(0, requests - burst) / perSecond) * 1000 + latencyMs,
				allowedWhy: `(${requests} − a burst of ${burst}) ÷ ${perSecond}/s + 1 round trip`,
			});

			const fast = { perSecond: 40, burst: 10 };
			const n = sizes.limitedGets;
			const fastJob = `Task → Get over ${n} items under 40 requests/s (burst 10)`;
			// First in a while, then again (going on from what the first learnt of the limit), then 5 at a time.
			for (const setting of [FIRST_IN_A_WHILE, 'Auto', 5] as const) {
				await limited(fast, async () => {
					jobs.push(await gets(fastJob, latencyMs, setting, input.slice(0, n), allowed(n, fast)));
				});
			}
			// The worst case for what Auto carries over: a limit that appears after executions that met none.
			pkg.forgetLearnedPaces();
			await gets('warm-up without a limit', latencyMs, 'Auto', input.slice(0, n));
			await limited(fast, async () => {
				jobs.push(await gets(fastJob, latencyMs, AFTER_NO_LIMIT, input.slice(0, n), allowed(n, fast)));
			});
			const slow = { perSecond: 5, burst: 5 };
			await limited(slow, async () => {
				const items = input.slice(0, sizes.slowGets);
				jobs.push(await gets(`Task → Get over ${sizes.slowGets} items under 5 requests/s`, latencyMs, FIRST_IN_A_WHILE, items, allowed(sizes.slowGets, slow)));
			});

			// A limit that drops from 40/s to 10/s once half the batch has reached the sandbox, on Creates (POSTs): each item
			// creates one task, whatever the 429s.
			const c = sizes.changingCreates;
			const names = Array.from({ length: c }, (_, i) => ({ name: `Paced ${Date.now()} ${i}` }));
			const job = `Task → Create over ${c} items, the limit drops from 40/s to 10/s halfway`;
			await limited(fast, async () => {
				await sandbox.setRateLimit({ perSecond: 10, burst: 5 }, c / 2);
				pkg.forgetLearnedPaces();
				jobs.push(await measure(sandbox, { job, latencyMs, setting: FIRST_IN_A_WHILE }, async () => {
					const { items: out, error } = await tasksNode(
						CREATE_TASK_PER_ITEM,
						names,
					);
					assert(!error, `${job}: ${error?.message}`);
					checkOutput(job, out, names, 'name');
					return (requests) => onceEach(job, requests, names.map((item) => item.name), (request) => request.name ?? '');
				}));
			});
		}
	} finally {
		await sandbox.close();
	}
	return jobs;
});

/** The run with the median wall time, with the wall times of all runs. */
function medianRun(runs: PacingJob[]): PacingJob {
	const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
	return { ...sorted[Math.floor((sorted.length - 1) / 2)], roundsMs: runs.map((run) => run.wallMs) };
}

/** Runs `body` against a clean request log; `body` returns the check of the requests, run once they are read. */
async function measure(
	sandbox: SandboxProcess,
	job: Pick<PacingJob, 'job' | 'latencyMs' | 'setting'> & Partial<PacingJob>,
	body: () => Promise<(requests: SandboxRequest[]) => string>,
): Promise<PacingJob> {
	await sandbox.clear();
	await sandbox.resetMaxInFlight();
	const gates = watchGates(...pkg.gateClasses);
	const start = performance.now();
	let check: Awaited<ReturnType<typeof body>>;
	try {
		check = await body();
	} finally {
		gates.stop();
	}
	const wallMs = performance.now() - start;
	const requests = await sandbox.requests();
	const checked = check(requests);
	const held = gates.sentWhileHeld(requests);
	assert(held.started.length === 0, `${job.job}: the gate started ${held.started.length} requests while a Retry-After held`);
	const result: PacingJob = {
		...job,
		wallMs,
		requests: requests.length,
		limited: requests.filter((request) => request.status === 429).length,
		sentWhileHeld: held.received.length,
		maxInFlight: await sandbox.maxInFlight(),
		checked,
	};
	process.stderr.write(
		`bench:   ${job.latencyMs} ms, ${job.job}, ${job.setting}: ${Math.round(wallMs)} ms, ${result.requests} requests, ${result.limited} × 429\n`,
	);
	return result;
}

/** The output holds one item per input item, in input order, each the right one and paired with its input. */
function checkOutput(job: string, out: Array<{ json: IDataObject; pairedItem?: unknown }>, input: IDataObject[], field: 'id' | 'name') {
	assert(out.length === input.length, `${job}: ${out.length} items for ${input.length}`);
	out.forEach((item, index) => {
		const [got, expected] = [item.json[field], input[index][field]];
		assert(got === expected, `${job}: item ${index} is ${String(got)}, expected ${String(expected)}`);
		const paired = item.pairedItem as { item: number } | undefined;
		assert(paired === undefined || paired.item === index, `${job}: item ${index} is paired with ${paired?.item}`);
	});
}

/** Every key was answered 2xx exactly once, and every other request for it was answered 429. */
function onceEach(job: string, requests: SandboxRequest[], keys: string[], keyOf: (request: SandboxRequest) => string): string {
	const byKey = new Map<string, SandboxRequest[]>();
	for (const request of requests) byKey.set(keyOf(request), [...(byKey.get(keyOf(request)) ?? []), request]);
	for (const key of keys) {
		const sent = byKey.get(key) ?? [];
		const fine = sent.filter((request) => request.status >= 200 && request.status < 300).length;
		assert(fine === 1, `${job}: ${key} answered fine ${fine} times`);
		assert(sent.every((request) => request.status < 300 || request.status === 429), `${job}: ${key} got a ${sent.map((r) => r.status).join(', ')}`);
	}
	assert(requests.length === keys.length + requests.filter((request) => request.status === 429).length, `${job}: requests beyond one per item and the 429s`);
	return `all ${keys.length} right, in input order, paired; each sent once, again only after a 429`;
}
