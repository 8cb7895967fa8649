import { sleep, waitFor } from './lib/env';
import type { FireLog as FireLogType, StoredWorkflow } from './lib/fires';
import {
	activate,
	createTasks,
	createTriggerWorkflow,
	FireLog,
	inFlight,
	notExactlyOnce,
	setLatency,
	taskListings,
	triggerRun,
	waitForPolls,
	waitForRunEnd,
} from './lib/fires';
import { N8nRest } from './lib/n8nRest';
import { recordedRequests } from './lib/sandbox';
import type { Task, TaskRun } from './lib/sandbox';
import { createSandboxCredential, N8nProcess, setUpOwner } from './lib/stack';

// Phase "durable" of ./scripts/e2e: n8n 2.41.1's durable poll scheduler (N8N_SCHEDULER_ENABLED and friends, set by
// scripts/e2e with N8N_SCHEDULER_POLL_TIMEOUT=15, so a poll's budget is 10 s), one main on SQLite that this suite
// stops, kills and restarts. Active Arize Tasks Trigger workflows watch all tasks and poll every 10 s; every check
// counts the run IDs the trigger put out, over all executions of a workflow: each finished run fires exactly once.
// The sandbox runs take 4 s; its latency (POST /latency) makes polls slow. The tests run in file order and share
// the workflows: the earlier ones stay active, so every later restart and slow poll is also checked against them.

const main = new N8nProcess('main');
let rest: N8nRest;
let credentialId: string;
const logs: FireLogType[] = [];

async function signIn(): Promise<void> {
	await setUpOwner();
	rest = await N8nRest.login();
}

async function newTriggerWorkflow(
	name: string,
	parameters: Record<string, unknown> = {},
): Promise<{ workflow: StoredWorkflow; fires: FireLogType }> {
	const workflow = await createTriggerWorkflow(rest, name, credentialId, parameters);
	await activate(rest, workflow);
	const fires = new FireLog(() => rest, workflow.id);
	logs.push(fires);
	return { workflow, fires };
}

/** Every workflow so far: the given runs fired exactly once, and no run at all fired twice. */
async function expectExactlyOnce(runIds: string[], timeoutMs = 60_000): Promise<void> {
	for (const log of logs) {
		const counts = await log.waitForFires(runIds, timeoutMs);
		expect({ workflow: log.workflowId, wrong: notExactlyOnce(counts, runIds) }).toEqual({ workflow: log.workflowId, wrong: {} });
	}
}

/** Waits until each workflow polled at least `polls` more times (every poll of each lists the tasks once). */
async function morePolls(polls: number): Promise<void> {
	await waitForPolls(await taskListings(), polls * logs.length, 40_000 * polls);
}

/** The triggers' state as n8n's durable cursors hold it (table poller_state, SQLite here). */
function pollerStates(): Array<{ workflowId: string; cursor: string }> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
	const db = new DatabaseSync(`${process.env.N8N_USER_FOLDER}/.n8n/database.sqlite`, { readOnly: true });
	try {
		return db.prepare('SELECT * FROM poller_state').all() as Array<{ workflowId: string; cursor: string }>;
	} finally {
		db.close();
	}
}

/** Waits until the trigger of `workflowId` has a committed state (its first poll recorded the present). */
async function firstPollCommitted(workflowId: string): Promise<void> {
	await waitFor(
		`the first poll of ${workflowId} to commit its state`,
		async () => (pollerStates().some((row) => row.workflowId === workflowId && String(row.cursor).includes('activatedAt')) ? true : undefined),
		60_000,
		1000,
	);
}

beforeAll(async () => {
	await main.start();
	await signIn();
	credentialId = await createSandboxCredential(rest);
	expect(main.text()).toContain('Scheduler started');
}, 240_000);

afterAll(async () => {
	await setLatency(0).catch(() => undefined);
	await main.stop();
});

describe('the trigger under n8n 2.41.1\'s durable poll scheduler', () => {
	let tasks: Task[];

	it('n8n stopped for 30 s while runs finish, then restarted: each run fires exactly once, for a workflow that had fired before and for one activated just before the stop', async () => {
		tasks = await createTasks('durable restart', 3);
		const before = await newTriggerWorkflow('durable: fired before the stop');
		await firstPollCommitted(before.workflow.id);

		// The first workflow fires once before the stop.
		const first = await triggerRun(tasks[0].id);
		await expectExactlyOnce([first.id]);

		// The second is activated just before the stop: once its first poll has recorded the present, n8n stops.
		const late = await newTriggerWorkflow('durable: activated just before the stop');
		await firstPollCommitted(late.workflow.id);
		await waitFor('no poll in flight', async () => ((await inFlight()).now === 0 ? true : undefined), 30_000, 200);

		// One run triggered just before the stop, one while n8n is down; both finish while it is down.
		const beforeStop = await triggerRun(tasks[1].id);
		await main.stop();
		const stoppedAt = Date.now();
		const whileDown = await triggerRun(tasks[2].id);
		await Promise.all([waitForRunEnd(beforeStop), waitForRunEnd(whileDown)]);
		await sleep(Math.max(0, 30_000 - (Date.now() - stoppedAt)));

		await main.start();
		await signIn();
		await expectExactlyOnce([beforeStop.id, whileDown.id]);
		// …and the run that fired before the stop did not fire again, in the workflow that had fired it.
		expect((await before.fires.counts()).get(first.id)).toBe(1);
		expect((await late.fires.counts()).has(first.id)).toBe(false);

		// Two more polls of each: still once.
		await morePolls(2);
		await expectExactlyOnce([beforeStop.id, whileDown.id]);
	}, 300_000);

	it('SIGKILL of n8n in the middle of a slow poll (answers take 3 to 6 s), then a restart: no run fires twice and none is lost', async () => {
		await setLatency(3000, 3000);
		const runs = await Promise.all([triggerRun(tasks[0].id), triggerRun(tasks[1].id)]);
		await Promise.all(runs.map((run) => waitForRunEnd(run)));

		// A poll that reads the runs now (they have finished) is under way: kill n8n while a request is in flight. It lists
		// a task's runs, or reads by ID a run it saw open in an earlier poll.
		const requestsBefore = (await recordedRequests()).length;
		const readsRuns = (path: string) => /\/runs$/.test(path) || /^\/v2\/task-runs\/[^/]+$/.test(path);
		await waitFor(
			'a poll reading runs',
			async () => {
				const requests = (await recordedRequests()).slice(requestsBefore);
				const readingRuns = requests.some((request) => request.method === 'GET' && readsRuns(request.path));
				return readingRuns && (await inFlight()).now > 0 ? true : undefined;
			},
			60_000,
			200,
		);
		await main.kill();

		await main.start();
		await signIn();
		await expectExactlyOnce(
			runs.map((run) => run.id),
			90_000,
		);
		await morePolls(1);
		await expectExactlyOnce(runs.map((run) => run.id));
	}, 300_000);

	it('polls slower than the interval between them (each takes more than 10 s): each run fires once, n8n keeps polling', async () => {
		await setLatency(5200, 800);
		const runs: TaskRun[] = [];
		for (const task of tasks) {
			runs.push(await triggerRun(task.id));
			await sleep(3000);
		}
		await expectExactlyOnce(
			runs.map((run) => run.id),
			120_000,
		);
		await morePolls(1);
		await expectExactlyOnce(runs.map((run) => run.id));
		expect(main.running).toBe(true);
		await setLatency(0);
	}, 300_000);

	it('a poll with more work than its budget (40 tasks whose runs finished, answers 2 s, budget 10 s): every run still fires exactly once, over several polls', async () => {
		// 5 requests at a time: 40 reads of 2 s each then need 16 s, twice the poll's budget. (Auto would read them all
		// in one round and fit one poll, which is not what this test is about.)
		const heavy = await newTriggerWorkflow('durable: more work than the budget', { requestOptions: { maxConcurrency: 5 } });
		await firstPollCommitted(heavy.workflow.id);
		const many = await createTasks('durable budget', 40);
		await setLatency(2000, 200);
		const runs = await Promise.all(many.map((task) => triggerRun(task.id)));
		await Promise.all(runs.map((run) => waitForRunEnd(run)));

		await expectExactlyOnce(
			runs.map((run) => run.id),
			180_000,
		);
		await morePolls(1);
		await expectExactlyOnce(runs.map((run) => run.id));

		// The work did not fit one poll: the runs came out in more than one execution.
		const executions = new Set((await heavy.fires.fires()).filter((fire) => runs.some((run) => run.id === fire.runId)).map((fire) => fire.executionId));
		console.log(`40 runs fired in ${executions.size} executions of "${heavy.workflow.name}"; abandoned polls: ${(main.text().match(/Poll exceeded its timeout and was abandoned/g) ?? []).length}`);
		expect(executions.size).toBeGreaterThan(1);
		await setLatency(0);
	}, 300_000);
});
