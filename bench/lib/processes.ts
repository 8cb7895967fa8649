/**
 * Child processes for the orchestrator: one fresh `node` per measurement (so modules, JIT state and heap of one
 * cannot colour another), and the sandbox in a process of its own when the measured process must not pay for it
 * (timing, memory).
 */
import { fork } from 'node:child_process';
import path from 'node:path';

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

export interface SandboxProcess {
	url: string;
	/** The ids of the first tasks in list order (as many as asked for). */
	taskIds: string[];
	/** The requests the sandbox has received since the last clear. */
	requests(): Promise<Array<{ method: string; path: string; status: number; connection?: string }>>;
	clear(): Promise<void>;
	close(): Promise<void>;
}

/** The Arize sandbox (no seed data, `tasks` bulk tasks) in its own node process. */
export function startSandboxProcess(tasks: number, idsWanted = 0): Promise<SandboxProcess> {
	return new Promise((resolve, reject) => {
		const child = fork(path.join(WORKERS, 'sandboxServer.js'), [String(tasks), String(idsWanted)], {
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		const waiting: Array<(value: unknown) => void> = [];
		const ask = <T>(type: string) =>
			new Promise<T>((answer) => {
				waiting.push(answer as (value: unknown) => void);
				child.send({ type });
			});
		child.on('error', reject);
		child.on('exit', (code) => {
			if (code) reject(new Error(`The sandbox process exited with ${code}`));
		});
		child.on('message', (message: { type: string; url?: string; taskIds?: string[]; value?: unknown }) => {
			if (message.type === 'ready') {
				resolve({
					url: message.url!,
					taskIds: message.taskIds!,
					requests: () => ask('requests'),
					clear: () => ask('clear'),
					close: async () => {
						const exited = new Promise((done) => child.once('exit', done));
						child.send({ type: 'close' });
						await exited;
					},
				});
			} else {
				waiting.shift()?.(message.value);
			}
		});
	});
}
