import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { ProcessGroup, withEnv } from '../../../scripts/orchestrator/processes.ts';
import type { Role } from '../../../scripts/orchestrator/services.ts';
import { n8nProcessCommand } from '../../../scripts/orchestrator/services.ts';
import { env, ROOT, waitFor } from './env';
import { N8nRest } from './n8nRest';

// The n8n processes of the phases "durable" and "queue" of ./scripts/e2e, which these suites start, stop and kill
// themselves (a restart, a SIGKILL in the middle of a poll or of an execution). Each one runs the command that
// ./scripts/start --queue runs (scripts/orchestrator/services.ts, n8nProcessCommand) in a process group of its own: a
// stop or a kill reaches n8n and its task runner. The phase runner (scripts/orchestrator/phases.ts) set the stack's
// environment (ports, queue mode, Redis and PostgreSQL, durable scheduler switches) and kills what a pid file in
// <phase dir>/pids names when the phase ends, whatever happened to jest.

const PHASE_DIR = () => process.env.E2E_PHASE_DIR ?? env.runDir;

export type { Role };

export class N8nProcess {
	private group?: ProcessGroup;
	readonly role: Role;
	readonly number?: number;
	readonly log: string;

	constructor(role: Role, number?: number) {
		this.role = role;
		this.number = number;
		this.log = path.join(PHASE_DIR(), `${this.name}.log`);
	}

	get name(): string {
		return this.role === 'main' ? 'main' : `worker-${this.number}`;
	}

	get pid(): number | undefined {
		return this.group?.pid;
	}

	get running(): boolean {
		return this.group?.running ?? false;
	}

	/** Starts the process (its log is appended to) and waits until it serves: the REST API for the main, the health check for a worker. */
	async start(extraEnv: Record<string, string> = {}, timeoutMs = 180_000): Promise<void> {
		if (this.running) throw new Error(`${this.name} is already running`);
		mkdirSync(path.dirname(this.log), { recursive: true });
		appendFileSync(this.log, `\n==== e2e: ${this.name} starting at ${new Date().toISOString()}\n`);
		// Not jest's NODE_ENV=test: with it n8n logs nothing.
		const inherited = withEnv(process.env, { NODE_ENV: undefined, JEST_WORKER_ID: undefined });
		const { command, args, env: processEnv } = n8nProcessCommand(env.n8nBin, this.role, this.number, inherited);
		const group = new ProcessGroup(this.name, command, args, { log: this.log, env: withEnv(inherited, processEnv, extraEnv) });
		this.group = group;
		const pids = path.join(PHASE_DIR(), 'pids');
		mkdirSync(pids, { recursive: true });
		writeFileSync(path.join(pids, `${this.name}.pid`), String(group.pid));
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
		return this.group?.output() ?? '';
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
		await this.group!.stop(graceMs);
		this.forget();
	}

	/** SIGKILL to the process group: n8n and its task runner die at once, mid-whatever. */
	async kill(): Promise<void> {
		if (!this.running) return;
		await this.group!.kill();
		this.forget();
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


