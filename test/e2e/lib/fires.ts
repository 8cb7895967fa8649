import { randomUUID } from 'node:crypto';

import { env, sleep, waitFor } from './env';
import { outputItems } from './n8nCli';
import type { N8nRest } from './n8nRest';
import { arize, recordedRequests } from './sandbox';
import type { Task, TaskRun } from './sandbox';

// What the phases "durable" and "queue" count: which task runs an active Arize Tasks Trigger fired, read from the
// trigger node's output in every execution of its workflow (run IDs, not execution counts: one execution can carry
// several runs, and an execution that fires nothing new does not exist). Plus the sandbox calls they drive.

export const TRIGGER = 'Arize Tasks Trigger';

/** Six poll times, each once a minute at its own second: n8n refuses a poll time under a minute, so this polls every 10 s. */
export const EVERY_10_S = {
	item: [5, 15, 25, 35, 45, 55].map((second) => ({ mode: 'custom', cronExpression: `${second} * * * * *` })),
};

export interface StoredWorkflow {
	id: string;
	name: string;
	versionId: string;
	active: boolean;
}

/**
 * A workflow "Arize Tasks Trigger (all tasks, every finished status) → No Operation", stored but not active;
 * `parameters` adds to the trigger's own.
 */
export async function createTriggerWorkflow(
	rest: N8nRest,
	name: string,
	credentialId: string,
	parameters: Record<string, unknown> = {},
): Promise<StoredWorkflow> {
	const { data } = await rest.post<{ data: StoredWorkflow }>('/rest/workflows', {
		name,
		nodes: [
			{
				// The durable scheduler skips a published workflow whose nodes lack ids.
				id: randomUUID(),
				name: TRIGGER,
				type: 'n8n-nodes-arize.arizeTasksTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					watch: 'allTasks',
					filters: {},
					statuses: ['COMPLETED', 'FAILED', 'CANCELLED'],
					pollTimes: EVERY_10_S,
					...parameters,
				},
				credentials: { arizeApi: { id: credentialId, name: 'Arize API (sandbox)' } },
			},
			{
				id: randomUUID(),
				name: 'Done',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { [TRIGGER]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
	});
	return data;
}

export async function activate(rest: N8nRest, workflow: StoredWorkflow): Promise<void> {
	const { data } = await rest.post<{ data: StoredWorkflow }>(`/rest/workflows/${workflow.id}/activate`, {
		versionId: workflow.versionId,
	});
	if (!data.active) throw new Error(`Workflow ${workflow.name} did not activate`);
}

export interface Fire {
	executionId: string;
	status: string;
	runId: string;
	runStatus: string;
}

/**
 * Every run the trigger of `workflowId` fired so far, one entry per run per execution (a run fired twice appears
 * twice). Finished executions are read once.
 */
export class FireLog {
	private readonly seen = new Map<string, Fire[]>();

	/** `rest`: the signed-in REST client of the moment (a restarted main gets a new sign-in). */
	constructor(
		private readonly rest: () => N8nRest,
		readonly workflowId: string,
	) {}

	async fires(): Promise<Fire[]> {
		for (const summary of await this.rest().executions(this.workflowId, 100)) {
			if (this.seen.has(summary.id) || summary.mode !== 'trigger') continue;
			if (['new', 'running', 'waiting'].includes(summary.status)) continue;
			const execution = await this.rest().execution(summary.id);
			const items = outputItems(execution, TRIGGER) ?? [];
			this.seen.set(
				summary.id,
				items.map((item) => ({
					executionId: summary.id,
					status: summary.status,
					runId: String(item.id),
					runStatus: String(item.status),
				})),
			);
		}
		return [...this.seen.values()].flat();
	}

	/** How often each run fired. */
	async counts(): Promise<Map<string, number>> {
		const counts = new Map<string, number>();
		for (const fire of await this.fires()) counts.set(fire.runId, (counts.get(fire.runId) ?? 0) + 1);
		return counts;
	}

	executionIds(): string[] {
		return [...this.seen.keys()];
	}

	/** Waits until every run of `runIds` fired at least once; returns the counts. */
	async waitForFires(runIds: string[], timeoutMs: number): Promise<Map<string, number>> {
		return await waitFor(
			`runs ${runIds.join(', ')} to fire in workflow ${this.workflowId}`,
			async () => {
				const counts = await this.counts();
				return runIds.every((id) => counts.has(id)) ? counts : undefined;
			},
			timeoutMs,
			2000,
		).catch(async (error: unknown) => {
			const counts = await this.counts();
			throw new Error(`${String(error)}; fired so far: ${JSON.stringify([...counts])}`);
		});
	}
}

/** For assertion messages and the report: the runs of `runIds` that did not fire exactly once, with their count. */
export function notExactlyOnce(counts: Map<string, number>, runIds: string[]): Record<string, number> {
	const wrong: Record<string, number> = {};
	for (const id of runIds) if (counts.get(id) !== 1) wrong[id] = counts.get(id) ?? 0;
	for (const [id, count] of counts) if (count > 1) wrong[id] = count;
	return wrong;
}

// ---- the sandbox ---------------------------------------------------------------------------------------------------

/** Creates `count` template-evaluation tasks on the seed project of the first seed task (through POST /v2/tasks). */
export async function createTasks(prefix: string, count: number): Promise<Task[]> {
	const { tasks } = await arize<{ tasks: Array<Task & { project_id: string; evaluators: Array<Record<string, unknown>> }> }>(
		'GET',
		'/v2/tasks?limit=1',
	);
	const [model] = tasks;
	const created: Task[] = [];
	for (let i = 1; i <= count; i++) {
		created.push(
			await arize<Task>('POST', '/v2/tasks', {
				name: `${prefix} ${i}`,
				type: 'TEMPLATE_EVALUATION',
				project_id: model.project_id,
				evaluators: [{ evaluator_id: model.evaluators[0].evaluator_id, column_mappings: model.evaluators[0].column_mappings }],
			}),
		);
	}
	return created;
}

/** POST /v2/tasks/{id}/trigger with a one-day data window: the new run, PENDING. */
export async function triggerRun(taskId: string): Promise<TaskRun> {
	return await arize<TaskRun>('POST', `/v2/tasks/${encodeURIComponent(taskId)}/trigger`, {
		data_start_time: new Date(Date.now() - 86_400_000).toISOString(),
		data_end_time: new Date().toISOString(),
	});
}

export async function runOf(runId: string): Promise<TaskRun> {
	return await arize<TaskRun>('GET', `/v2/task-runs/${encodeURIComponent(runId)}`);
}

/** Waits until the sandbox reports the run finished. */
export async function waitForRunEnd(run: TaskRun, timeoutMs = 60_000): Promise<TaskRun> {
	return await waitFor(
		`run ${run.id} to finish in the sandbox`,
		async () => {
			const now = await runOf(run.id);
			return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(now.status) ? now : undefined;
		},
		timeoutMs,
		1000,
	);
}

/** The simulated network round trip of every sandbox answer (test/e2e/sandbox-server.ts, POST /latency). */
export async function setLatency(latencyMs: number, jitterMs = 0): Promise<void> {
	const response = await fetch(`${env.sandboxControlUrl}/latency`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ latencyMs, jitterMs }),
	});
	if (!response.ok) throw new Error(`POST /latency: HTTP ${response.status} ${await response.text()}`);
}

/** Requests the sandbox is answering now (and the most at once since the last reset). */
export async function inFlight(): Promise<{ now: number; max: number }> {
	return (await (await fetch(`${env.sandboxControlUrl}/in-flight`)).json()) as { now: number; max: number };
}

/** How many polls the sandbox has seen: each poll of a trigger watching all tasks lists them (GET /v2/tasks) once. */
export async function taskListings(): Promise<number> {
	return (await recordedRequests()).filter((request) => request.method === 'GET' && request.path === '/v2/tasks').length;
}

/** Waits until the sandbox has seen `more` further task listings (polls) than `from`. */
export async function waitForPolls(from: number, more: number, timeoutMs: number): Promise<number> {
	return await waitFor(
		`${more} more polls`,
		async () => {
			const now = await taskListings();
			return now >= from + more ? now : undefined;
		},
		timeoutMs,
		1000,
	);
}

export { sleep };
