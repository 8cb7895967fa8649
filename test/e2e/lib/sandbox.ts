import { env } from './env';

// The run's Arize sandbox, over HTTP as n8n sees it, and its control port (test/e2e/sandbox-server.ts).

export async function arize<T>(method: string, path: string, body?: unknown): Promise<T> {
	const response = await fetch(`${env.sandboxUrl}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${env.sandboxApiKey}`,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`Sandbox ${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
	return JSON.parse(text) as T;
}

export interface Task {
	id: string;
	name: string;
	type: string;
	last_run_at: string | null;
}

export interface TaskRun {
	id: string;
	task_id: string;
	status: string;
	run_finished_at: string | null;
	num_successes: number;
	num_errors: number;
	num_skipped: number;
}

export async function allTasks(): Promise<Task[]> {
	const page = await arize<{ tasks: Task[]; pagination?: { has_more?: boolean } }>('GET', '/v2/tasks?limit=100');
	return page.tasks;
}

/** The task's runs (first page), oldest first: the sandbox lists them newest first. */
export async function runsOf(taskId: string): Promise<TaskRun[]> {
	const page = await arize<{ task_runs: TaskRun[] }>('GET', `/v2/tasks/${encodeURIComponent(taskId)}/runs?limit=100`);
	return [...page.task_runs].reverse();
}

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	status: number;
}

/** Every request the sandbox has received so far, in arrival order. */
export async function recordedRequests(): Promise<RecordedRequest[]> {
	const response = await fetch(`${env.sandboxControlUrl}/requests`);
	return (await response.json()) as RecordedRequest[];
}

async function control<T>(path: string, body: unknown): Promise<T> {
	const response = await fetch(`${env.sandboxControlUrl}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`Sandbox control ${path}: HTTP ${response.status} ${await response.text()}`);
	return (await response.json()) as T;
}

/** How the sandbox answers POST /v2/webhooks/{id}/test from now on: 404, 503, or (null) it delivers. */
export async function setTestOutage(status: 404 | 503 | null): Promise<void> {
	await control('/webhooks/test-outage', { status });
}

/** A run of the task that has finished: failed with `failureReason`, or completed (null); webhook events follow. */
export async function finishTaskRun(taskId: string, failureReason: string | null): Promise<TaskRun> {
	return await control<TaskRun>('/webhooks/finish-task-run', { taskId, failureReason });
}
