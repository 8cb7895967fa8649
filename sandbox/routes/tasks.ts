import { requestEnum } from '../enums.ts';
import { paginate } from '../pagination.ts';
import { presentRun, presentTask } from '../present.ts';
import { badRequest, notFound } from '../problems.ts';
import type { Route, RouteContext } from '../router.ts';
import { applyTaskPatch, taskFromCreateBody } from '../rules/task-body.ts';
import { planTrigger } from '../rules/trigger.ts';
import { TASK_TYPES } from '../types.ts';
import type { Task } from '../types.ts';
import { readQueryText } from '../validate.ts';
import { containsIgnoringCase, inSpace, readSpaceFilters } from './filters.ts';

// Task endpoints.

export function taskOrThrow({ store, params }: RouteContext): Task {
	const task = store.tasks.get(params.task_id);
	if (!task) throw notFound(`Task '${params.task_id}' was not found.`);
	return task;
}

/** The space a task lives in, through its project or dataset. */
function spaceOf(context: RouteContext, task: Task): string | undefined {
	const { store } = context;
	if (task.project_id !== null) return store.projects.get(task.project_id)?.space_id;
	if (task.dataset_id !== null) return store.datasets.get(task.dataset_id)?.space_id;
	return undefined;
}

function listTasks(context: RouteContext) {
	const { store, query, casing } = context;
	const space = readSpaceFilters(store, query);
	const name = readQueryText(query, 'name');
	const projectId = query.get('project_id') ?? undefined;
	const datasetId = query.get('dataset_id') ?? undefined;
	// Scoping filters naming a missing resource are 404.
	if (projectId !== undefined && !store.projects.has(projectId)) throw notFound(`Project '${projectId}' was not found.`);
	if (datasetId !== undefined && !store.datasets.has(datasetId)) throw notFound(`Dataset '${datasetId}' was not found.`);
	const rawType = query.get('type');
	const type = rawType === null ? undefined : requestEnum(rawType, TASK_TYPES);
	if (rawType !== null && !type) {
		throw badRequest(`Query parameter 'type' must be one of ${TASK_TYPES.join(', ')}; got '${rawType}'.`);
	}
	const noFilters =
		space.space_id === undefined &&
		space.space_name === undefined &&
		name === undefined &&
		projectId === undefined &&
		datasetId === undefined &&
		type === undefined;
	const tasks = noFilters
		? store.taskList()
		: store
				.taskList()
				.filter(
					(task) =>
						(type === undefined || task.type === type) &&
						(projectId === undefined || task.project_id === projectId) &&
						(datasetId === undefined || task.dataset_id === datasetId) &&
						containsIgnoringCase(task.name, name) &&
						(space.space_id === undefined && space.space_name === undefined
							? true
							: inSpace(store, spaceOf(context, task), space)),
				);
	store.tick(); // last_run_at may move when a run finishes.
	const { page, pagination } = paginate(tasks, query, 'tasks', {
		...space,
		name,
		project_id: projectId,
		dataset_id: datasetId,
		type,
	});
	return { status: 200, body: { tasks: page.map((task) => presentTask(task, store, casing)), pagination } };
}

function getTask(context: RouteContext) {
	return { status: 200, body: presentTask(taskOrThrow(context), context.store, context.casing) };
}

function createTask({ store, body, casing }: RouteContext) {
	const task = store.insertTask(taskFromCreateBody(body(), store));
	return { status: 201, body: presentTask(task, store, casing) };
}

function updateTask(context: RouteContext) {
	const task = taskOrThrow(context);
	applyTaskPatch(task, context.body(), context.store);
	return { status: 200, body: presentTask(task, context.store, context.casing) };
}

function deleteTask(context: RouteContext) {
	const task = taskOrThrow(context);
	context.store.deleteTask(task.id);
	return { status: 204 };
}

function triggerTask(context: RouteContext) {
	const task = taskOrThrow(context);
	const plan = planTrigger(task, context.body(), context.store);
	const run = context.store.startRun(task, plan);
	return { status: 201, body: presentRun(run, context.casing) };
}

export const taskRoutes: Route[] = [
	{ method: 'GET', pattern: '/v2/tasks', handler: listTasks },
	{ method: 'POST', pattern: '/v2/tasks', handler: createTask },
	{ method: 'GET', pattern: '/v2/tasks/:task_id', handler: getTask },
	{ method: 'PATCH', pattern: '/v2/tasks/:task_id', handler: updateTask },
	{ method: 'DELETE', pattern: '/v2/tasks/:task_id', handler: deleteTask },
	{ method: 'POST', pattern: '/v2/tasks/:task_id/trigger', handler: triggerTask },
];
