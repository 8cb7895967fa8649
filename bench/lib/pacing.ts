/**
 * The request-pacing part of the benchmark: runs bench/workers/pacing.ts (Auto against 5 at a time and the HTTP
 * Request node, and under rate limits) and bench/workers/createCpu.ts (CPU per item of Create against the HTTP Request
 * node), and renders the section "Request pacing" of BENCHMARKS.md with the issue's targets.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import type { CreateCpuResult } from '../workers/createCpu';
import type { PacingJob, PacingSizes } from '../workers/pacing';
import { HTTP_REQUEST_SKIPPED } from './httpRequestNode';
import { N8N_MODULES, assert } from './common';
import { runWorker, startSandboxProcess } from './processes';

export const PACING_SIZES: PacingSizes = { gets: [400, 1000], limitedGets: 200, slowGets: 40, changingCreates: 100, rounds: 3 };
export const SHORT_PACING_SIZES: PacingSizes = { gets: [100], limitedGets: 40, slowGets: 10, changingCreates: 20, rounds: 1 };
const CREATE_CPU = { items: 300, rounds: 7 };
const ENGINES = ['vm', 'legacy'] as const;

/** Only a finished install (its marker file): CI may still be installing n8n in the background. */
export const httpRequestNodeInstalled = () => existsSync(path.join(N8N_MODULES, '..', '.installed'));

export interface PacingResults {
	jobs: PacingJob[];
	/** Per expression engine; undefined when the HTTP Request node is not installed. */
	createCpu?: Record<(typeof ENGINES)[number], CreateCpuResult>;
}

export async function measurePacing(sizes: PacingSizes, options: { latencies: number[]; createCpu: boolean }): Promise<PacingResults> {
	const withHttpRequestNode = httpRequestNodeInstalled();
	const jobs = await runWorker<PacingJob[]>('pacing', { latencies: options.latencies, sizes, withHttpRequestNode });
	const held = jobs.filter((job) => job.sentWhileHeld > 0);
	assert(held.length === 0, `requests sent while a Retry-After held: ${held.map((job) => `${job.job} (${job.setting}): ${job.sentWhileHeld}`).join('; ')}`);
	if (!options.createCpu || !withHttpRequestNode) return { jobs };
	const createCpu = {} as Record<(typeof ENGINES)[number], CreateCpuResult>;
	for (const engine of ENGINES) {
		const sandbox = await startSandboxProcess(0, 0, { seed: true });
		try {
			createCpu[engine] = await runWorker<CreateCpuResult>('createCpu', { url: sandbox.url, ...CREATE_CPU }, { env: { N8N_EXPRESSION_ENGINE: engine } });
		} finally {
			await sandbox.close();
		}
	}
	return { jobs, createCpu };
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ratio = (value: number) => `${value.toFixed(2)}×`;
const row = (cells: string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;

/** The verdict on the issue's targets, for a job at 50 ms. */
function target(job: PacingJob, jobs: PacingJob[]): string {
	// Every Auto row is a default setting: the issue's targets hold for each.
	if (job.latencyMs !== 50 || !job.setting.startsWith('Auto')) return '';
	const verdict = (ok: boolean, text: string) => `${ok ? 'met' : 'NOT met'}: ${text}`;
	const same = (setting: string) => jobs.find((other) => other.job === job.job && other.latencyMs === job.latencyMs && other.setting === setting && !other.skipped);
	if (job.job.includes('no rate limit')) {
		const five = same('5');
		const http = same('HTTP Request node');
		if (!five) return '';
		const parts = [`${ratio(job.wallMs / five.wallMs)} of 5 at a time (≤ 0.40×)`];
		let ok = job.wallMs <= 0.4 * five.wallMs;
		if (http) {
			parts.push(`${ratio(job.wallMs / http.wallMs)} of the HTTP Request node (≤ 1.50×)`);
			ok &&= job.wallMs <= 1.5 * http.wallMs;
		}
		return verdict(ok, parts.join(', '));
	}
	if (job.job.includes('40 requests/s') && job.allowedMs !== undefined) {
		const share = job.limited / job.requests;
		return verdict(
			job.wallMs <= 2 * job.allowedMs && share <= 0.1 && job.sentWhileHeld === 0,
			`${ratio(job.wallMs / job.allowedMs)} of what the limit allows (≤ 2×), ${(share * 100).toFixed(1)} % answered 429 (≤ 10 %), none sent while held`,
		);
	}
	return verdict(job.sentWhileHeld === 0, 'completes, every item right, in order, paired, nothing sent twice');
}

/** `withTargets`: judge the issue's targets (they are set for the full sizes, not --short's). */
export function renderPacing({ jobs, createCpu }: PacingResults, withTargets: boolean): string {
	const lines = [
		'| Job | Latency | Max Requests in Parallel | Wall | Least the limit allows | Requests | Answered 429 | Sent while a Retry-After held | Most in flight | Checked | Target at 50 ms |',
		'| --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |',
	];
	for (const job of jobs) {
		if (job.skipped) {
			lines.push(row([job.job, `${job.latencyMs} ms`, job.setting, job.skipped, '', '', '', '', '', '', '']));
			continue;
		}
		lines.push(
			row([
				job.job,
				`${job.latencyMs} ms`,
				job.setting === 'HTTP Request node' ? 'HTTP Request node, all at once' : job.setting,
				job.roundsMs ? `${int(job.wallMs)} ms (median of ${job.roundsMs.map(int).join(', ')})` : `${int(job.wallMs)} ms`,
				job.allowedMs === undefined ? '–' : `${int(job.allowedMs)} ms (${job.allowedWhy}); wall ÷ that: ${ratio(job.wallMs / job.allowedMs)}`,
				int(job.requests),
				job.limited ? `${job.limited} (${((100 * job.limited) / job.requests).toFixed(1)} %)` : '0',
				String(job.sentWhileHeld),
				String(job.maxInFlight),
				job.checked,
				withTargets ? target(job, jobs) : '',
			]),
		);
	}
	if (!withTargets) return lines.join('\n');
	lines.push(
		'',
		'| Create, CPU per item | Arize Tasks (Auto) | Arize Tasks (5 at a time) | HTTP Request node (JSON body) | Ratio Auto ÷ HTTP Request | Target |',
		'| --- | ---: | ---: | ---: | ---: | --- |',
	);
	if (!createCpu) {
		lines.push(row(['both engines', HTTP_REQUEST_SKIPPED, '', '', '', '']));
	} else {
		for (const [engine, result] of Object.entries(createCpu)) {
			const { arizeTasks, arizeTasksFive, httpRequest } = result.perItemMicros;
			const ok = arizeTasks <= 1.3 * httpRequest;
			lines.push(
				row([
					`${engine} expression engine, ${int(result.items)} items, median of ${result.cpuMs.arizeTasks.length} rounds`,
					`${int(arizeTasks)} µs`,
					`${int(arizeTasksFive)} µs`,
					`${int(httpRequest)} µs`,
					ratio(arizeTasks / httpRequest),
					`${ok ? 'met' : 'NOT met'}: within 1.3×`,
				]),
			);
		}
	}
	return lines.join('\n');
}

export const pacingHowToRead = `- **Max Requests in Parallel**: *Auto* is the default (nothing set under Request Options). Auto goes on from what the last execution with the same credential learnt of Arize's room (forgotten after 10 minutes without a request): *Auto, first in a while* is an execution with nothing learnt, *Auto* one that follows others (the rounds before it, or the first-in-a-while run under the same limit), *Auto, after executions without a limit* a limit that appears after Auto learnt there was none (its probe meets the limit, not the window it had learnt). *5* was the default before Auto and is what a workflow that saved 5 keeps. n8n's HTTP Request node sends every item's request at once. They run one after the other, alternating from round to round, against the same sandbox in the same process.
- **Rate limits**: the sandbox enforces a token bucket (sandbox/rateLimit.ts): it holds *burst* requests and refills at the rate; a request without a token is answered 429 with \`Retry-After\` in whole seconds. *Least the limit allows*: (requests − burst) ÷ rate, plus one round trip. The 429s are part of *Requests* (each refused request is sent again after the hold).
- **Sent while a Retry-After held**: requests the sandbox received while the node held back for a 429's Retry-After (from when the node read the 429 until the hold ended), beyond those already on their way when the hold began (started by the request gate, not yet received); the benchmark fails if any is, or if the request gate started any request during a hold. *Checked*: the output is one item per input item, each the right one, in input order and paired; each item's request was answered fine exactly once and sent again only after a 429 (for Create: each task created once).
- **Create, CPU per item**: CPU time of the n8n process over one execution of Task → Create (Auto, and 5 at a time) and of the HTTP Request node POSTing the same JSON body (the name from an expression) to the same endpoint with the same Bearer header, over the same number of items, alternating, median of the rounds; the sandbox runs in another process.`;
