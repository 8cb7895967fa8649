import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

// Processes, ports and waiting: what every part of the orchestrator builds on. Long-running programs (n8n, its
// workers, the sandbox, Redis) run in process groups of their own, so that a stop reaches n8n and its task runner
// alike, and a Ctrl-C in the terminal reaches only the orchestrator, which then stops them in order.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settles within `ms` (its timer cleared either way, so it keeps no process alive). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
	try {
		return await Promise.race([promise.then(() => true), timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** Calls `probe` until it returns something other than undefined, or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		await sleep(everyMs);
	}
	throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/** A loopback port that is free now (the kernel's choice); `avoid` lists ports it must not be. */
export async function freePort(avoid: number[] = []): Promise<number> {
	for (;;) {
		const port = await new Promise<number>((resolve, reject) => {
			const server = createServer();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const { port } = server.address() as { port: number };
				server.close(() => resolve(port));
			});
		});
		if (!avoid.includes(port)) return port;
	}
}

/** Whether something listens on `port`, on any address (the way n8n and the sandbox will try to listen). */
export function portInUse(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(true));
		server.listen(port, () => server.close(() => resolve(false)));
	});
}

/** "2 min 05 s" or "42 s". */
export function formatDuration(ms: number): string {
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds} s`;
	return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** `file` relative to `root` when it lies inside it (messages name files of the checkout that way). */
export function relative(root: string, file: string): string {
	return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}

/** The last `lines` lines of a text. */
export function tail(text: string, lines = 25): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function readText(file: string): string {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

/** Environment values: a string sets the variable, undefined removes it from what a child inherits. */
export type EnvChanges = Record<string, string | undefined>;

/** `base` with `changes` applied (undefined removes a variable). */
export function withEnv(base: NodeJS.ProcessEnv, ...changes: EnvChanges[]): NodeJS.ProcessEnv {
	const result: NodeJS.ProcessEnv = { ...base };
	for (const change of changes) {
		for (const [name, value] of Object.entries(change)) {
			if (value === undefined) delete result[name];
			else result[name] = value;
		}
	}
	return result;
}

export interface GroupOptions {
	/** The log file; the output is appended to it. */
	log: string;
	env?: NodeJS.ProcessEnv;
	cwd?: string;
}

/**
 * One program in a process group of its own, its output appended to a log file. `stop()` sends SIGTERM to the whole
 * group and SIGKILL after a grace time; `kill()` sends SIGKILL at once.
 */
export class ProcessGroup {
	readonly name: string;
	readonly log: string;
	/** Where this process's part of the log begins. */
	readonly logStart: number;
	private readonly child: ChildProcess;
	/** Resolves with the exit code (null after a signal) once the program has exited. */
	readonly exited: Promise<number | null>;
	private exitCode: number | null | undefined;

	constructor(name: string, command: string, args: string[], options: GroupOptions) {
		this.name = name;
		this.log = options.log;
		mkdirSync(path.dirname(options.log), { recursive: true });
		const out = openSync(options.log, 'a');
		this.logStart = statSync(options.log).size;
		this.child = spawn(command, args, {
			detached: true,
			stdio: ['ignore', out, out],
			env: options.env ?? process.env,
			cwd: options.cwd,
		});
		closeSync(out);
		this.exited = new Promise((resolve) => {
			this.child.once('error', (error) => {
				this.exitCode = 127;
				resolve(127);
				process.stderr.write(`${name}: ${error.message}\n`);
			});
			this.child.once('exit', (code) => {
				this.exitCode = code;
				resolve(code);
			});
		});
	}

	get pid(): number {
		return this.child.pid ?? -1;
	}

	get running(): boolean {
		return this.exitCode === undefined;
	}

	/** What this process logged so far. */
	output(): string {
		return readText(this.log).slice(this.logStart);
	}

	/** Waits until the log of this process contains `text`; false when the process exits first or time runs out. */
	async waitForOutput(text: string | RegExp, timeoutMs: number): Promise<boolean> {
		const deadline = Date.now() + timeoutMs;
		const found = () => (typeof text === 'string' ? this.output().includes(text) : text.test(this.output()));
		while (Date.now() < deadline) {
			if (found()) return true;
			if (!this.running) return found();
			await sleep(200);
		}
		return false;
	}

	signal(signal: NodeJS.Signals): void {
		if (!this.running) return;
		try {
			process.kill(-this.pid, signal);
		} catch {
			try {
				this.child.kill(signal);
			} catch {
				// Gone already.
			}
		}
	}

	/** SIGTERM to the group (an orderly shutdown), SIGKILL after `graceMs`. */
	async stop(graceMs = 30_000): Promise<void> {
		if (!this.running) return;
		this.signal('SIGTERM');
		if (!(await settlesWithin(this.exited, graceMs))) await this.kill();
	}

	/** SIGKILL to the group: the program and its children die at once. */
	async kill(): Promise<void> {
		if (!this.running) return;
		this.signal('SIGKILL');
		await this.exited;
	}
}

/** Stops process groups by their ids (SIGTERM, then SIGKILL after `graceMs`); for groups another process started. */
export async function stopGroupsByPid(pids: number[], graceMs = 10_000): Promise<void> {
	const alive = (pid: number) => {
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	};
	const send = (pid: number, signal: NodeJS.Signals) => {
		try {
			process.kill(-pid, signal);
		} catch {
			try {
				process.kill(pid, signal);
			} catch {
				// Gone already.
			}
		}
	};
	for (const pid of pids) send(pid, 'SIGTERM');
	const deadline = Date.now() + graceMs;
	while (pids.some(alive) && Date.now() < deadline) await sleep(250);
	for (const pid of pids) send(pid, 'SIGKILL');
}

/** Where progress messages go: stderr unless told otherwise (a background install writes them to a log). */
export type Say = (text: string) => void;
export const sayOnStderr: Say = (text) => void process.stderr.write(text);

export interface RunResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs a command to its end, its output captured. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
	return new Promise((resolve) => {
		const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.once('error', (error) => resolve({ code: 127, stdout, stderr: stderr + error.message }));
		child.once('close', (code) => resolve({ code, stdout, stderr }));
	});
}

/**
 * Runs a long command with its output in `log`, saying every 20 s on stderr "label: <progress()> (<time>)". On
 * failure prints the end of the log (lines that `quiet` matches left out) and returns false.
 */
export async function runWithProgress(
	label: string,
	log: string,
	command: string,
	args: string[],
	options: { progress?: () => string; env?: NodeJS.ProcessEnv; cwd?: string; quiet?: RegExp; root?: string; say?: Say } = {},
): Promise<boolean> {
	const say = options.say ?? sayOnStderr;
	const started = Date.now();
	const group = new ProcessGroup(label, command, args, { log, env: options.env, cwd: options.cwd });
	const timer = setInterval(() => {
		const what = options.progress ? options.progress() : 'still running';
		say(`${label}: ${what} (${formatDuration(Date.now() - started)})\n`);
	}, 20_000);
	// A Ctrl-C meanwhile stops the install too.
	const stop = () => group.signal('SIGTERM');
	process.once('exit', stop);
	const code = await group.exited;
	clearInterval(timer);
	process.removeListener('exit', stop);
	if (code === 0) return true;
	const lines = group.output().split('\n').filter((line) => !options.quiet?.test(line));
	say(`${tail(lines.join('\n'), 20)}\n`);
	say(`${label} failed (exit ${code}; log: ${options.root ? relative(options.root, log) : log})\n`);
	return false;
}

/**
 * Holds an exclusive flock(1) lock on `file` (the same lock a shell script takes with `flock FILE`) until the
 * returned function is called: a second caller waits for the first.
 */
export async function lockFile(file: string): Promise<() => void> {
	mkdirSync(path.dirname(file), { recursive: true });
	const holder = spawn('flock', [file, 'sh', '-c', 'echo locked; read _'], { stdio: ['pipe', 'pipe', 'inherit'] });
	await new Promise<void>((resolve, reject) => {
		holder.once('error', reject);
		holder.once('exit', (code) => reject(new Error(`flock ${file} exited (${code})`)));
		holder.stdout.once('data', () => resolve());
	});
	holder.removeAllListeners('exit');
	return () => holder.stdin.end();
}
