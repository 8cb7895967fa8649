import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import path from 'node:path';

import { SEED } from '../../sandbox/index.ts';
import { ROOT, env } from './lib/env';
import { N8nRest } from './lib/n8nRest';

// Phase "start": ./scripts/start itself, as a user runs it, restarted the way a user restarts it (Ctrl-C, then
// ./scripts/start again) in a user folder of its own under the phase's folder. A restart keeps a renamed example
// and a task created in the sandbox; --reset brings back the examples and the seed data. A port that is taken and a
// sandbox that cannot start make it exit 1 with the reason. Started by scripts/e2e (phase start), which has stopped
// every other n8n; its pid file lets scripts/e2e stop a start left behind by a failed test.

const PHASE_DIR = () => {
	const dir = process.env.E2E_PHASE_DIR;
	if (!dir) throw new Error('E2E_PHASE_DIR is not set: run the end-to-end tests with ./scripts/e2e start');
	return dir;
};
const USER_FOLDER = () => path.join(PHASE_DIR(), 'home');
const EXAMPLE_ID = 'arizeExample0001';
const EXAMPLE_FILE = path.join(ROOT, 'examples', '01-list-tasks-into-a-table.json');
const EXAMPLES = readdirSync(path.join(ROOT, 'examples')).filter((file) => file.endsWith('.json')).length;
const RENAMED = 'My tasks table (renamed before the restart)';

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

interface Start {
	child: ChildProcess;
	output: () => string;
	exited: Promise<number | null>;
}

let ports: { n8n: number; sandbox: number };

/** `./scripts/start ARGS` in a process group of its own (Ctrl-C reaches the group), recorded in the phase's pids. */
function runStart(args: string[] = [], extraEnv: Record<string, string> = {}): Start {
	// Not jest's NODE_ENV=test (n8n would log nothing, not even that it is ready); the broker port is start's to pick.
	const { NODE_ENV: _test, JEST_WORKER_ID: _worker, N8N_RUNNERS_BROKER_PORT: _broker, N8N_BIN: _bin, ...inherited } = process.env;
	const child = spawn('bash', ['scripts/start', ...args], {
		cwd: ROOT,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...inherited,
			N8N_USER_FOLDER: USER_FOLDER(),
			N8N_PORT: String(ports.n8n),
			SANDBOX_PORT: String(ports.sandbox),
			SANDBOX_API_KEY: env.sandboxApiKey,
			...extraEnv,
		},
	});
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const pidFile = path.join(PHASE_DIR(), 'pids', 'start.pid');
	mkdirSync(path.dirname(pidFile), { recursive: true });
	writeFileSync(pidFile, String(child.pid));
	const exited = new Promise<number | null>((resolve) =>
		child.on('exit', (code) => {
			rmSync(pidFile, { force: true });
			resolve(code);
		}),
	);
	return { child, output: () => output, exited };
}

async function startUntilReady(args: string[] = []): Promise<Start> {
	const start = runStart(args);
	const ready = await Promise.race([
		new Promise<boolean>((resolve) => {
			const check = () => (start.output().includes('n8n with n8n-nodes-arize is ready') ? resolve(true) : undefined);
			start.child.stdout!.on('data', check);
		}),
		start.exited.then(() => false),
		new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 240_000)),
	]);
	if (!ready) {
		await stop(start);
		throw new Error(`./scripts/start ${args.join(' ')} did not get ready:\n${start.output().slice(-3000)}`);
	}
	return start;
}

/** Ctrl-C: SIGINT to the script's process group (the script and the sandbox; n8n has a group of its own). */
async function stop(start: Start): Promise<number | null> {
	try {
		process.kill(-start.child.pid!, 'SIGINT');
	} catch {
		// Already gone.
	}
	return start.exited;
}

const sandboxUrl = () => `http://127.0.0.1:${ports.sandbox}`;
const n8nUrl = () => `http://localhost:${ports.n8n}`;

async function sandbox(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: any }> {
	const response = await fetch(`${sandboxUrl()}${pathname}`, {
		method,
		headers: { authorization: `Bearer ${env.sandboxApiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function workflowName(id: string): Promise<string> {
	const rest = await N8nRest.login(n8nUrl());
	return (await rest.get<{ data: { name: string } }>(`/rest/workflows/${id}`)).data.name;
}

describe('./scripts/start across restarts', () => {
	let taskId: string;
	const originalName = (JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as { name: string }).name;

	beforeAll(async () => {
		ports = { n8n: await freePort(), sandbox: await freePort() };
		rmSync(USER_FOLDER(), { recursive: true, force: true });
	});

	it('first start: imports the examples and the credential, picks a free task-broker port and says which', async () => {
		const start = await startUntilReady();
		try {
			expect(start.output()).toContain(`Imported: ${EXAMPLES} example workflow(s) and the credential.`);
			const broker = /n8n's task broker: port (\d+)\./.exec(start.output());
			expect(broker).not.toBeNull();
			expect(Number(broker![1])).not.toBe(5679);
			expect(readFileSync(path.join(USER_FOLDER(), 'n8n.log'), 'utf8')).toContain(`task broker on port ${broker![1]}.`);

			const rest = await N8nRest.login(n8nUrl());
			const workflow = (await rest.get<{ data: { name: string; versionId: string } }>(`/rest/workflows/${EXAMPLE_ID}`)).data;
			expect(workflow.name).toBe(originalName);
			await rest.request('PATCH', `/rest/workflows/${EXAMPLE_ID}?forceSave=true`, { name: RENAMED, versionId: workflow.versionId });
			expect(await workflowName(EXAMPLE_ID)).toBe(RENAMED);

			const created = await sandbox('POST', '/v2/tasks', {
				type: 'TEMPLATE_EVALUATION',
				name: 'Created before the restart',
				project_id: SEED.projectIds.supportChatbot,
				evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination }],
			});
			expect(created.status).toBe(201);
			taskId = created.body.id;
		} finally {
			expect(await stop(start)).toBe(130);
		}
	});

	it('a restart keeps the renamed example and the task created in the sandbox', async () => {
		const start = await startUntilReady();
		try {
			expect(start.output()).toContain('The example workflows and the credential are there already: kept as you left them');
			expect(await workflowName(EXAMPLE_ID)).toBe(RENAMED);
			const task = await sandbox('GET', `/v2/tasks/${encodeURIComponent(taskId)}`);
			expect(task).toMatchObject({ status: 200, body: { id: taskId, name: 'Created before the restart' } });
			expect(readFileSync(path.join(USER_FOLDER(), 'sandbox.log'), 'utf8')).toContain(
				`Data: loaded from ${path.join(USER_FOLDER(), 'sandbox-data.json')}`,
			);
		} finally {
			expect(await stop(start)).toBe(130);
		}
	});

	it('exits 1 with the reason when the sandbox port is taken, before starting anything', async () => {
		const blocker: Server = await new Promise((resolve) => {
			const server = createServer().listen(ports.sandbox, '127.0.0.1', () => resolve(server));
		});
		try {
			const start = runStart();
			expect(await start.exited).toBe(1);
			expect(start.output()).toContain(`Port ${ports.sandbox} (SANDBOX_PORT) is already in use by another program`);
			expect(start.output()).not.toContain('Starting n8n');
		} finally {
			await new Promise((resolve) => blocker.close(resolve));
		}
	});

	it('exits 1 with the end of the sandbox log when the sandbox cannot start (its data file is damaged)', async () => {
		const dataFile = path.join(USER_FOLDER(), 'sandbox-data.json');
		writeFileSync(dataFile, readFileSync(dataFile, 'utf8').slice(0, 100));
		const start = runStart();
		expect(await start.exited).toBe(1);
		expect(start.output()).toContain(`---- the end of ${path.relative(ROOT, path.join(USER_FOLDER(), 'sandbox.log'))}:`);
		expect(start.output()).toContain(`${dataFile} is not JSON`);
		expect(start.output()).toContain('The sandbox did not start');
	});

	it('--reset imports the examples again over the edit and starts the sandbox from its seed data', async () => {
		const start = await startUntilReady(['--reset']);
		try {
			expect(start.output()).toContain(`Imported: ${EXAMPLES} example workflow(s) and the credential.`);
			expect(await workflowName(EXAMPLE_ID)).toBe(originalName);
			expect((await sandbox('GET', `/v2/tasks/${encodeURIComponent(taskId)}`)).status).toBe(404);
		} finally {
			expect(await stop(start)).toBe(130);
		}
	});
});
