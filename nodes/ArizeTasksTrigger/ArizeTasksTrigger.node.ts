import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { taskFilterOptions, taskFilterQuery, taskLocator } from '../shared/descriptions';
import { arizeApiRequest, arizeApiRequestAllItems, arizePath } from '../shared/transport';
import type { Task, TaskRun } from '../shared/types';
import { isTerminal, normaliseTask, normaliseTaskRun } from '../shared/types';
import { searchTasks } from '../ArizeTasks/methods/listSearch';
import type { FinishedRun } from './runWatcher';
import { isWatcherState, settle, tasksToInspect } from './runWatcher';

/** How many of the most recently run tasks "Fetch Test Event" looks into for a sample (more when none matches). */
const SAMPLE_TASKS = 5;

export class ArizeTasksTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Arize Tasks Trigger',
		name: 'arizeTasksTrigger',
		icon: { light: 'file:../../icons/arize.svg', dark: 'file:../../icons/arize.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Run finished: " + $parameter["statuses"].join(", ") }}',
		description: 'Starts the workflow when an Arize AX task run finishes',
		defaults: { name: 'Arize Tasks Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'arizeApi', required: true }],
		properties: [
			{
				displayName: 'Watch',
				name: 'watch',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'All Tasks', value: 'allTasks', description: 'Runs of every task that matches the filters' },
					{ name: 'One Task', value: 'oneTask', description: 'Runs of a single task' },
				],
				default: 'allTasks',
			},
			{ ...taskLocator, displayOptions: { show: { watch: ['oneTask'] } } },
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				displayOptions: { show: { watch: ['allTasks'] } },
				options: taskFilterOptions,
			},
			{
				displayName: 'Run Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Completed', value: 'COMPLETED' },
					{ name: 'Failed', value: 'FAILED' },
					{ name: 'Cancelled', value: 'CANCELLED' },
				],
				default: ['COMPLETED'],
				required: true,
				description: 'Fire when a run finishes with one of these statuses',
			},
		],
	};

	methods = { listSearch: { searchTasks } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const statuses = this.getNodeParameter('statuses', []) as string[];
		if (statuses.length === 0) {
			throw new NodeOperationError(this.getNode(), 'Choose at least one Run Status to watch for');
		}
		// Taken before anything is listed: a task created while this poll runs is not in its listing, so the next poll
		// must count it as created after activation (see settle).
		const pollStartedAt = new Date().toISOString();
		const tasks = await watchedTasks(this);

		if (this.getMode() === 'manual') {
			const sample = await newestFinishedRun(this, tasks, statuses);
			if (!sample) {
				throw new NodeOperationError(this.getNode(), 'No finished run matches yet', {
					description: `None of the watched tasks has a ${statuses.join(' or ')} run. Trigger a run in Arize and try again.`,
				});
			}
			return [[toItem(sample)]];
		}

		// Everything is read before anything is saved: a failed request throws here, nothing fires and the saved
		// state stays as it was, so the next successful poll catches up.
		const staticData = this.getWorkflowStaticData('node');
		const previous = isWatcherState(staticData.watcher) ? staticData.watcher : undefined;
		const runsByTask = new Map<string, TaskRun[]>();
		for (const task of tasksToInspect(previous, tasks)) {
			runsByTask.set(task.id, await listRuns(this, task.id));
		}
		const { state, finished } = settle(previous, tasks, runsByTask, statuses, pollStartedAt);
		staticData.watcher = state as unknown as IDataObject;
		return finished.length ? [finished.map(toItem)] : null;
	}
}

async function watchedTasks(context: IPollFunctions): Promise<Task[]> {
	if (context.getNodeParameter('watch') === 'oneTask') {
		const taskId = String(context.getNodeParameter('taskId', '', { extractValue: true })).trim();
		if (!taskId) throw new NodeOperationError(context.getNode(), 'No task chosen to watch');
		return [normaliseTask(await arizeApiRequest.call(context, { method: 'GET', path: arizePath`/v2/tasks/${taskId}` }))];
	}
	const filters = context.getNodeParameter('filters', {}) as IDataObject;
	const tasks = await arizeApiRequestAllItems.call(context, {
		path: '/v2/tasks',
		listKey: 'tasks',
		qs: taskFilterQuery(filters),
	});
	return tasks.map(normaliseTask);
}

async function listRuns(context: IPollFunctions, taskId: string): Promise<TaskRun[]> {
	const runs = await arizeApiRequestAllItems.call(context, {
		path: arizePath`/v2/tasks/${taskId}/runs`,
		listKey: 'task_runs',
	});
	return runs.map(normaliseTaskRun);
}

/**
 * The newest finished run among the most recently run tasks, for the editor's sample. When none of those has a match
 * it looks further back, task by task, so "no run matches" is only said when no watched task has one.
 */
async function newestFinishedRun(
	context: IPollFunctions,
	tasks: Task[],
	statuses: string[],
): Promise<FinishedRun | undefined> {
	const recent = tasks
		.filter((task) => task.last_run_at)
		.sort((a, b) => Date.parse(b.last_run_at as string) - Date.parse(a.last_run_at as string));
	let newest: FinishedRun | undefined;
	for (const [index, task] of recent.entries()) {
		if (newest && index >= SAMPLE_TASKS) break;
		for (const run of await listRuns(context, task.id)) {
			if (!isTerminal(run.status) || !statuses.includes(run.status)) continue;
			if (!newest || Date.parse(run.run_finished_at ?? '') > Date.parse(newest.run.run_finished_at ?? '')) {
				newest = { run, task };
			}
		}
	}
	return newest;
}

function toItem({ run, task }: FinishedRun): INodeExecutionData {
	const started = Date.parse(run.run_started_at ?? '');
	const ended = Date.parse(run.run_finished_at ?? '');
	return {
		json: {
			...run,
			task_name: task.name,
			task_type: task.type,
			duration_seconds: Number.isFinite(started) && Number.isFinite(ended) ? (ended - started) / 1000 : null,
		},
	};
}
