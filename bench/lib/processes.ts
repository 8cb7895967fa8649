/**
 * Child processes for the orchestrator: one fresh `node` per measurement (so modules, JIT state and heap of one
 * cannot colour another), and the sandbox in a process of its own when the measured process must not pay for it
 * (timing, memory).
 */
import { fork } from 'node:child_process';
import path from 'node:path';

import type { RateLimitOptions } from '../../sandbox/index.ts';

const WORKERS = path.join(__dirname, '..', 'workers');

/** Runs bench/workers/<name>.ts (compiled) in a new node process, hands it `input` and returns the result it sends. */
export function runWorker<T>(
	name: string,
	input: unknown = {},
	options: { execArgv?: string[]; env?: Record<string, string> } = {},
): Promise<T> {
	return new Promise((resolve, reject) => {
		const child = fork(path.join(WORKERS, `${name}.js`), [], {
			execArgv: options.execArgv ?? [],
			env: { ...process.env, ...options.env },
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		let result: { value: T } | undefined;
		child.on('message', (message: { type: string; result: T }) => {
			if (message.type === 'result') result = { value: message.result };
		});
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			if (result) resolve(result.value);
			else reject(new Error(`The ${name} benchmark exited with ${signal ?? code} and no result`));
		});
		child.send({ type: 'input', input });
	});
}

export interface SandboxRequest {
	method: string;
	path: string;
	status: number;
	connection?: string;
	/** When the request arrived and when its answer was written (undefined: not answered), in ms since the epoch. */
	receivedAt: number;
	answeredAt?: number;
	/** The Retry-After of a 429, in seconds. */
	retryAfter?: number;
	/** The `name` of a request body that has one (a Create). */
	name?: string;
}

export interface SandboxProcess {
	url: string;
	/** The ids of the first tasks in list order (as many as asked for). */
	taskIds: string[];
	/** The requests the sandbox has received since the last clear. */
	requests(): Promise<SandboxRequest[]>;
	clear(): Promise<void>;
	/** Delays every answer from now on by latencyMs + a random 0…jitterMs (a simulated network round trip). */
	setLatency(latencyMs: number, jitterMs?: number): Promise<void>;
	/** A token-bucket rate limit from now on (undefined: none); with `after`, once the sandbox has seen that many requests. */
	setRateLimit(limit: RateLimitOptions | undefined, after?: number): Promise<void>;
	/** The most requests in flight at once (arrived, answer not yet written) since the start or the last reset. */
	maxInFlight(): Promise<number>;
	resetMaxInFlight(): Promise<void>;
	close(): Promise<void>;
}

export interface SandboxProcessOptions {
	/** Every answer's delay from the start (see SandboxProcess.setLatency); default 0 and 0. */
	latencyMs?: number;
	jitterMs?: number;
	/** Load the sandbox's seed data (projects, evaluators, …); default false. */
	seed?: boolean;
}

/** The Arize sandbox (no seed data, `tasks` bulk tasks) in its own node process. */
export function startSandboxProcess(tasks: number, idsWanted = 0, options: SandboxProcessOptions = {}): Promise<SandboxProcess> {
	return new Promise((resolve, reject) => {
		const args = [tasks, idsWanted, options.latencyMs ?? 0, options.jitterMs ?? 0, options.seed ? 1 : 0].map(String);
		const child = fork(path.join(WORKERS, 'sandboxServer.js'), args, {
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		// Questions are answered in order; a sandbox that dies fails the ones still waiting instead of leaving them hanging.
		const waiting: Array<{ answer: (value: unknown) => void; fail: (error: Error) => void }> = [];
		let exited: Error | undefined;
		const ask = <T>(type: string, fields: Record<string, unknown> = {}) =>
			new Promise<T>((answer, fail) => {
				if (exited) {
					fail(exited);
					return;
				}
				waiting.push({ answer: answer as (value: unknown) => void, fail });
				child.send({ type, ...fields });
			});
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			exited = new Error(`The sandbox process exited with ${signal ?? code}`);
			if (code || signal) reject(exited);
			for (const question of waiting.splice(0)) question.fail(exited);
		});
		child.on('message', (message: { type: string; url?: string; taskIds?: string[]; value?: unknown }) => {
			if (message.type === 'ready') {
				resolve({
					url: message.url!,
					taskIds: message.taskIds!,
					requests: () => ask('requests'),
					clear: () => ask('clear'),
					setLatency: async (latencyMs, jitterMs = 0) => {
						const result = await ask<{ error?: string } | null>('latency', { latencyMs, jitterMs });
						if (result?.error) throw new Error(`The sandbox refused the latency: ${result.error}`);
					},
					setRateLimit: (limit, after) => ask('rateLimit', { limit, after }),
					maxInFlight: async () => (await ask<{ max: number }>('inFlight')).max,
					resetMaxInFlight: () => ask('resetInFlight'),
					close: async () => {
						if (exited) return;
						const gone = new Promise((done) => child.once('exit', done));
						child.send({ type: 'close' });
						await gone;
					},
				});
			} else {
				waiting.shift()?.answer(message.value);
			}
		});
	});
}
