import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { env, ROOT, sleep, waitFor } from './env';
import { N8nRest } from './n8nRest';

// The n8n processes of the phases "durable" and "queue" of ./scripts/e2e, which these suites start, stop and kill
// themselves (a restart, a SIGKILL in the middle of a poll or of an execution). Each one is
// `bash scripts/queue-lib.sh main|worker N`, the same command ./scripts/start --queue runs, in a process group of its
// own: a stop or a kill reaches n8n and its task runner. scripts/e2e exported the stack's environment (ports, queue
// mode, Redis and PostgreSQL, durable scheduler switches) and kills what a pid file in <phase dir>/pids names when the
// run ends, whatever happened to jest.

const PHASE_DIR = () => process.env.E2E_PHASE_DIR ?? env.runDir;

export type Role = 'main' | 'worker';

export class N8nProcess {
	private child?: ChildProcess;
	/** Where this start's part of the log begins. */
	private logStart = 0;
	private exited?: Promise<void>;
	readonly log: string;

	constructor(
		readonly role: Role,
		readonly number?: number,
	) {
		this.log = path.join(PHASE_DIR(), `${this.name}.log`);
	}

	get name(): string {
		return this.role === 'main' ? 'main' : `worker-${this.number}`;
	}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	get running(): boolean {
		return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
	}

	/** Starts the process (its log is appended to) and waits until it serves: the REST API for the main, the health check for a worker. */
	async start(extraEnv: Record<string, string> = {}, timeoutMs = 180_000): Promise<void> {
		if (this.running) throw new Error(`${this.name} is already running`);
		appendFileSync(this.log, `\n==== e2e: ${this.name} starting at ${new Date().toISOString()}\n`);
		this.logStart = statSync(this.log).size;
		const out = openSync(this.log, 'a');
		// Not jest's NODE_ENV=test: with it n8n logs nothing.
		const { NODE_ENV: _jest, JEST_WORKER_ID: _worker, ...inherited } = process.env;
		const args = [path.join(ROOT, 'scripts', 'queue-lib.sh'), this.role, ...(this.number ? [String(this.number)] : [])];
		const child = spawn('bash', args, { detached: true, stdio: ['ignore', out, out], env: { ...inherited, ...extraEnv } });
		this.child = child;
		this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
		const pids = path.join(PHASE_DIR(), 'pids');
		mkdirSync(pids, { recursive: true });
		writeFileSync(path.join(pids, `${this.name}.pid`), String(child.pid));
		await waitFor(
			`${this.name} to serve (log: ${path.relative(ROOT, this.log)})`,
			async () => {
				if (!this.running) throw new Error(`${this.name} exited:\n${this.tail()}`);
				return (await this.serves()) ? true : undefined;
			},
			timeoutMs,
			1000,
		).catch((error: unknown) => {
			throw new Error(`${String(error)}\n${this.tail()}`);
		});
	}

	/** What this start logged so far. */
	sinceStart(): string {
		return this.text().slice(this.logStart);
	}

	private async serves(): Promise<boolean> {
		try {
			if (this.role === 'main') {
				// n8n answers HTTP (200 included) while it still migrates the database; this line comes once it is up.
				if (!this.sinceStart().includes('Editor is now accessible via')) return false;
				const settings = await fetch(`${env.n8nUrl}/rest/settings`);
				return settings.status === 200;
			}
			const port = process.env[`N8N_WORKER${this.number}_HEALTH_PORT`];
			return (await fetch(`http://127.0.0.1:${port}/healthz/readiness`)).status === 200;
		} catch {
			return false;
		}
	}

	/** SIGTERM to the process group (n8n shuts down in an orderly way), SIGKILL after `graceMs`. */
	async stop(graceMs = 30_000): Promise<void> {
		if (!this.running) return;
		this.signal('SIGTERM');
		const stopped = await Promise.race([this.exited!.then(() => true), sleep(graceMs).then(() => false)]);
		if (!stopped) await this.kill();
		this.forget();
	}

	/** SIGKILL to the process group: n8n and its task runner die at once, mid-whatever. */
	async kill(): Promise<void> {
		if (!this.running) return;
		this.signal('SIGKILL');
		await this.exited;
		this.forget();
	}

	private signal(signal: NodeJS.Signals): void {
		try {
			process.kill(-this.child!.pid!, signal);
		} catch {
			this.child!.kill(signal);
		}
	}

	private forget(): void {
		rmSync(path.join(PHASE_DIR(), 'pids', `${this.name}.pid`), { force: true });
	}

	text(): string {
		try {
			return readFileSync(this.log, 'utf8');
		} catch {
			return '';
		}
	}

	tail(lines = 30): string {
		return this.text().trimEnd().split('\n').slice(-lines).join('\n');
	}
}

/** Creates the owner account that the suites sign in with (a second call, on a restarted main, finds it set up). */
export async function setUpOwner(): Promise<void> {
	await waitFor(
		'the owner account',
		async () => {
			const response = await fetch(`${env.n8nUrl}/rest/owner/setup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ email: env.ownerEmail, firstName: 'Demo', lastName: 'User', password: env.ownerPassword }),
			});
			return response.status === 200 || response.status === 400 ? true : undefined;
		},
		30_000,
		1000,
	);
}

/** The "Arize API" credential pointing at this phase's sandbox; its id. */
export async function createSandboxCredential(rest: N8nRest): Promise<string> {
	const { data } = await rest.post<{ data: { id: string } }>('/rest/credentials', {
		name: 'Arize API (sandbox)',
		type: 'arizeApi',
		data: { apiKey: env.sandboxApiKey, region: 'custom', baseUrl: env.sandboxUrl },
	});
	return data.id;
}


