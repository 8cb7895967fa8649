import { randomUUID } from 'node:crypto';

import { sleep, waitFor } from './lib/env';
import type { Execution } from './lib/n8nCli';
import { describeFailure, outputItems } from './lib/n8nCli';
import type { StoredWorkflow } from './lib/fires';
import {
	activate,
	createTasks,
	createTriggerWorkflow,
	FireLog,
	inFlight,
	notExactlyOnce,
	taskListings,
	triggerRun,
	waitForPolls,
	waitForRunEnd,
} from './lib/fires';
import { N8nRest } from './lib/n8nRest';
import { recordedRequests, runsOf } from './lib/sandbox';
import type { Task, TaskRun } from './lib/sandbox';
import { createSandboxCredential, N8nProcess, setUpOwner } from './lib/stack';

// Phase "queue" of ./scripts/e2e: n8n 2.41.1 in queue mode on one machine: the Redis and PostgreSQL that scripts/e2e
// started, a main (editor, webhooks, the trigger's polls) and two workers (executions) that this suite starts, kills
// and restarts (lib/stack.ts, with the commands ./scripts/start --queue runs). Which worker ran an execution is read from its log
// ("Worker started execution <id>"). Runs take 12 s in the sandbox. The tests run in file order and share the stack.

const main = new N8nProcess('main');
const workers = [new N8nProcess('worker', 1), new N8nProcess('worker', 2)];
let rest: N8nRest;
let credentialId: string;
let tasks: Task[];
let trigger: StoredWorkflow;
let fires: FireLog;
let webhookWorkflow: StoredWorkflow;
const WEBHOOK_PATH = `e2e-trigger-run-${randomUUID().slice(0, 8)}`;
/** Every run triggered in this suite: each must fire exactly once. */
const allRuns: string[] = [];

async function signIn(): Promise<void> {
	await setUpOwner();
	rest = await N8nRest.login();
}

/** The worker whose log says it started the execution, if one does. */
function workerOf(executionId: string): N8nProcess | undefined {
	return workers.find((worker) => worker.text().includes(`Worker started execution ${executionId} `));
}

async function waitForExecutionEnd(id: string, timeoutMs = 60_000): Promise<Execution> {
	return await waitFor(
		`execution ${id} to end`,
		async () => {
			const execution = await rest.execution(id);
			return ['new', 'running', 'waiting', 'unknown'].includes(execution.status) ? undefined : execution;
		},
		timeoutMs,
		1000,
	);
}

/** Webhook → Trigger Run (Wait for Completion, polling the run every second) on the given task. */
async function createWebhookWorkflow(taskId: string): Promise<StoredWorkflow> {
	const { data } = await rest.post<{ data: StoredWorkflow }>('/rest/workflows', {
		name: 'queue: webhook → trigger a run and wait',
		nodes: [
			{
				id: randomUUID(),
				webhookId: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
			},
			{
				id: randomUUID(),
				name: 'Trigger Run',
				type: 'n8n-nodes-arize.arizeTasks',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'task',
					operation: 'trigger',
					taskId: { __rl: true, mode: 'id', value: taskId },
					taskType: 'TEMPLATE_EVALUATION',
					dataStartTime: '={{ $now.minus({ days: 1 }).toISO() }}',
					dataEndTime: '={{ $now.toISO() }}',
					waitForCompletion: true,
					pollInterval: 1,
					waitTimeout: 120,
					onTimeout: 'error',
				},
				credentials: { arizeApi: { id: credentialId, name: 'Arize API (sandbox)' } },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Trigger Run', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
	});
	return data;
}

const webhookUrl = () => `${process.env.E2E_N8N_URL}/webhook/${WEBHOOK_PATH}`;

/** Activation finishes in the background: the webhook answers 404 "not registered" for a while. */
async function waitForWebhook(): Promise<void> {
	await waitFor(
		'the webhook to be registered',
		async () => {
			// A GET on a POST-only webhook says "not registered for GET requests" once the POST one is there.
			const response = await fetch(webhookUrl());
			return /not registered for GET/.test(await response.text()) ? true : undefined;
		},
		60_000,
		500,
	);
}

/** Calls the webhook; the id of the execution it started (the newest of the workflow that was not there before). */
async function callWebhook(): Promise<string> {
	const before = new Set((await rest.executions(webhookWorkflow.id)).map((e) => e.id));
	const response = await fetch(webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	expect(response.status).toBe(200);
	return await waitFor(
		'the webhook execution',
		async () => (await rest.executions(webhookWorkflow.id)).find((e) => !before.has(e.id))?.id,
		30_000,
		500,
	);
}

const triggerPosts = async (taskId: string) =>
	(await recordedRequests()).filter(
		(request) => request.method === 'POST' && decodeURIComponent(request.path) === `/v2/tasks/${taskId}/trigger`,
	).length;

async function expectAllOnce(timeoutMs = 60_000): Promise<Map<string, number>> {
	const counts = await fires.waitForFires(allRuns, timeoutMs);
	expect(notExactlyOnce(counts, allRuns)).toEqual({});
	return counts;
}

beforeAll(async () => {
	await main.start();
	await Promise.all(workers.map((worker) => worker.start()));
	await signIn();
	credentialId = await createSandboxCredential(rest);
	tasks = await createTasks('queue', 4);

	trigger = await createTriggerWorkflow(rest, 'queue: the trigger fires once', credentialId);
	const listings = await taskListings();
	await activate(rest, trigger);
	fires = new FireLog(() => rest, trigger.id);
	// Activation polls once and records the present.
	await waitForPolls(listings, 1, 30_000);
	await waitFor('no poll in flight', async () => ((await inFlight()).now === 0 ? true : undefined), 30_000, 200);

	webhookWorkflow = await createWebhookWorkflow(tasks[0].id);
	await activate(rest, webhookWorkflow);
	await waitForWebhook();
}, 300_000);

afterAll(async () => {
	await Promise.all([main, ...workers].map((process) => process.stop()));
});

describe('the package in n8n 2.41.1 queue mode (a main and two workers)', () => {
	it('the workers have distinct host IDs, and the main runs no execution itself', () => {
		expect(main.text()).not.toMatch(/sharing the same hostId/);
		for (const worker of workers) expect(worker.text()).toContain('n8n worker is now ready');
	});

	it('a webhook-started workflow with Trigger Run + Wait for Completion runs on a worker, and sends the trigger once', async () => {
		const postsBefore = await triggerPosts(tasks[0].id);
		const id = await callWebhook();
		const execution = await waitForExecutionEnd(id);
		if (execution.status !== 'success') throw new Error(`The webhook run did not succeed: ${describeFailure(execution)}`);
		const [run] = outputItems(execution, 'Trigger Run') as unknown as TaskRun[];
		expect(run).toMatchObject({ task_id: tasks[0].id, status: 'COMPLETED' });
		allRuns.push(run.id);

		const worker = workerOf(id);
		expect(worker?.name).toMatch(/^worker-[12]$/);
		expect(main.text()).not.toContain(`Worker started execution ${id} `);
		expect(await triggerPosts(tasks[0].id)).toBe(postsBefore + 1);
		console.log(`webhook execution ${id} ran on ${worker?.name}`);
	}, 120_000);

	it('the trigger fires exactly once per finished run while its executions run on both workers', async () => {
		// Two rounds of runs on three tasks, 5 s apart, so that they finish at different polls (several executions).
		for (let round = 0; round < 2; round++) {
			const runs: TaskRun[] = [];
			for (const task of tasks.slice(1)) {
				runs.push(await triggerRun(task.id));
				allRuns.push(runs.at(-1)!.id);
				await sleep(5000);
			}
			await Promise.all(runs.map((run) => waitForRunEnd(run)));
		}
		const counts = await expectAllOnce(90_000);

		// Every execution ran on a worker (a worker logs the start of an execution a moment after it took it).
		const ranOn = new Map<string, string>();
		for (const id of fires.executionIds()) {
			ranOn.set(id, (await waitFor(`the worker of execution ${id}`, async () => workerOf(id), 10_000, 250)).name);
		}
		console.log(`trigger executions by worker: ${JSON.stringify(Object.fromEntries(ranOn))}; runs fired: ${counts.size}`);
		// Both workers took executions. Which worker takes a job is the queue's choice; when one took them all so far,
		// more webhook executions give the other its turn.
		const used = new Set(ranOn.values());
		for (const execution of await rest.executions(webhookWorkflow.id)) used.add(workerOf(execution.id)?.name ?? 'no worker');
		for (let call = 0; call < 4 && !(used.has('worker-1') && used.has('worker-2')); call++) {
			const id = await callWebhook();
			used.add((await waitFor(`the worker of execution ${id}`, async () => workerOf(id), 30_000, 250)).name);
			const [run] = outputItems(await waitForExecutionEnd(id), 'Trigger Run') as unknown as TaskRun[];
			allRuns.push(run.id);
		}
		expect([...used].filter((name) => name !== 'no worker').sort()).toEqual(['worker-1', 'worker-2']);
	}, 300_000);

	it('SIGKILL of the worker in the middle of a wait: the execution ends in error, the trigger request was sent once, and the trigger fires once for that run', async () => {
		const postsBefore = await triggerPosts(tasks[0].id);
		const id = await callWebhook();
		const worker = await waitFor('the worker running it', async () => workerOf(id), 30_000, 250);
		await waitFor('the trigger request', async () => ((await triggerPosts(tasks[0].id)) > postsBefore ? true : undefined), 30_000, 250);
		await sleep(1500);
		const execution = await rest.execution(id);
		expect(execution.status).toBe('running');
		const killedAt = Date.now();
		await worker.kill();

		const ended = await waitForExecutionEnd(id, 180_000);
		console.log(`execution ${id} on the killed ${worker.name} ended "${ended.status}" ${Math.round((Date.now() - killedAt) / 1000)} s after the SIGKILL`);
		expect(['error', 'crashed']).toContain(ended.status);
		await sleep(3000);
		expect(await triggerPosts(tasks[0].id)).toBe(postsBefore + 1);

		// The run itself goes on in Arize; the trigger (polling on the main) fires it once, on the other worker.
		const run = (await runsOf(tasks[0].id)).at(-1)!;
		allRuns.push(run.id);
		await waitForRunEnd(run);
		await expectAllOnce(60_000);
	}, 300_000);

	it('the main restarted: no run fires twice, and a run that finished while it was down fires once after the restart', async () => {
		await main.stop();
		const whileDown = await triggerRun(tasks[1].id);
		allRuns.push(whileDown.id);
		await waitForRunEnd(whileDown);
		await main.start();
		await signIn();

		await expectAllOnce(60_000);
		await waitForPolls(await taskListings(), 2, 60_000);
		await sleep(2000);
		const counts = await expectAllOnce();
		console.log(`runs fired: ${counts.size}, each once: ${[...counts.values()].every((count) => count === 1)}`);
	}, 300_000);
});
