import { requestEnum } from '../enums.ts';
import { paginate } from '../pagination.ts';
import { presentRun } from '../present.ts';
import { badRequest, notFound } from '../problems.ts';
import type { Route, RouteContext } from '../router.ts';
import { RUN_STATUSES } from '../types.ts';
import { taskOrThrow } from './tasks.ts';

// Task runs.

function listRuns(context: RouteContext) {
	const task = taskOrThrow(context);
	const rawStatus = context.query.get('status');
	const status = rawStatus === null ? undefined : requestEnum(rawStatus, RUN_STATUSES);
	if (rawStatus !== null && !status) {
		throw badRequest(`Query parameter 'status' must be one of ${RUN_STATUSES.join(', ')}; got '${rawStatus}'.`);
	}
	const runs = context.store.listedRunsOf(task.id).filter((run) => status === undefined || run.status === status);
	const { page, pagination } = paginate(runs, context.query, `task_runs:${task.id}`, { status });
	return { status: 200, body: { task_runs: page.map((run) => presentRun(run, context.casing)), pagination } };
}

function getRun({ store, params, casing }: RouteContext) {
	const run = store.getRun(params.run_id);
	if (!run) throw notFound(`Task run '${params.run_id}' was not found.`);
	return { status: 200, body: presentRun(run, casing) };
}

function cancelRun({ store, params, casing }: RouteContext) {
	const run = store.getRun(params.run_id);
	if (!run) throw notFound(`Task run '${params.run_id}' was not found.`);
	// Cancelling a terminal run is an error; the sandbox answers 400 (no 409 is declared).
	const cancelled = store.cancelRun(run.id);
	if (!cancelled) {
		throw badRequest(`Task run '${run.id}' is already ${run.status}; only PENDING or RUNNING runs can be cancelled.`);
	}
	return { status: 200, body: presentRun(cancelled, casing) };
}

export const runRoutes: Route[] = [
	{ method: 'GET', pattern: '/v2/tasks/:task_id/runs', handler: listRuns },
	{ method: 'GET', pattern: '/v2/task-runs/:run_id', handler: getRun },
	{ method: 'POST', pattern: '/v2/task-runs/:run_id/cancel', handler: cancelRun },
];
