import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { requestOptions, taskFilterOptions, taskLocator } from '../shared/descriptions';
import { readMaxConcurrency, taskFilterQuery } from '../shared/parameters';
import { arizeApiRequest, arizeApiRequestAllItems, arizePath, RequestsStopped, useRequestGate } from '../shared/transport';
import { searchDatasets, searchProjects, searchSpaces, searchTasks } from '../shared/methods/listSearch';
import type { Task } from '../shared/types';
import { normaliseTask } from '../shared/types';
import type { FinishedRun, SeenRuns } from './runWatcher';
import { newestState, oneAtATime, rememberState } from './overlappingPolls';
import { newestFinishedRun, readTask } from './runReads';
import { inspectionOrder, isWatcherState, settle, tasksToInspect } from './runWatcher';
import { abandonedAfterMs, pollBudget } from './schedulers';
import { seenRuns, startReading } from './taskReading';
/** A poll starts no request after this share of its budget: what is in flight then still ends within the budget. */
const BUDGET_FOR_NEW_REQUESTS = 0.8;

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
			requestOptions,
		],
	};

	methods = { listSearch: { searchTasks, searchSpaces, searchProjects, searchDatasets } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const startedAt = Date.now();
		const statuses = this.getNodeParameter('statuses', []) as string[];
		if (statuses.length === 0) {
			throw new NodeOperationError(this.getNode(), 'Choose at least one Run Status to watch for');
		}
		const settings = this.getNodeParameter('requestOptions', {}) as IDataObject;
		const maxConcurrency = readMaxConcurrency(this.getNode(), settings.maxConcurrency);

		if (this.getMode() === 'manual') {
			// A failed request fails the test event, so none of the others needs to start.
			useRequestGate(this, maxConcurrency, { stopOnFailure: true });
			const sample = await newestFinishedRun(this, await watchedTasks(this), statuses);
			if (!sample) {
				throw new NodeOperationError(this.getNode(), 'No finished run matches yet', {
					description: `None of the watched tasks has a ${statuses.join(' or ')} run. Trigger a run in Arize and try again.`,
				});
			}
			return [[toItem(sample)]];
		}

		const { budgetMs, durable } = pollBudget(this);
		const key = `${this.getWorkflow().id}:${this.getNode().id}`;
		return await oneAtATime(key, async () => {
			// The gate is this poll's own: n8n 1.x and the classic scheduler hand every poll of a trigger the same context.
			// It starts no request once most of the budget is spent; a task whose runs were not (fully) read by then is
			// left for the next poll.
			// A failed request fails the poll too, but the poll stops the gate itself: one failure does not (a run that
			// Arize no longer has, 404 when read by ID, is forgotten).
			const gate = useRequestGate(this, maxConcurrency, { stopOnFailure: false });
			gate.closeAt(startedAt + budgetMs * BUDGET_FOR_NEW_REQUESTS);
			// Taken before anything is listed: a task created while this poll runs is not in its listing, so the next poll
			// must count it as created after activation (see settle).
			const pollStartedAt = new Date().toISOString();
			const staticData = this.getWorkflowStaticData('node');
			const handedOver = isWatcherState(staticData.watcher) ? staticData.watcher : undefined;
			const previous = durable ? newestState(key, handedOver) : handedOver;
			// The task list alone took the budget: nothing fires, nothing changes, the next poll tries again.
			const tasks = await unlessStopped(watchedTasks(this));
			if (!tasks) return null;

			// Any failure but running out of time fails the poll: nothing fires and the saved state stays as it was, so the
			// next successful poll catches up. The gate starts nothing more after a failure; what is in flight ends first.
			// Each task is read as the watcher asks (taskReading.ts); a task whose reading the time cut short keeps what
			// the state knew of it.
			const seenByTask = new Map<string, SeenRuns>();
			const inspections = await Promise.allSettled(
				inspectionOrder(previous, tasksToInspect(previous, tasks)).map(async (task) => {
					const reading = await unlessStopped(
						readTask(this, task.id, startReading(previous, task)).catch(async (error: unknown) => {
							if (!(error instanceof RequestsStopped)) gate.stop();
							return await Promise.reject(error);
						}),
					);
					if (reading) seenByTask.set(task.id, seenRuns(reading));
				}),
			);
			const failed = inspections.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
			if (failed) throw failed.reason;
			const { state, finished } = settle(previous, tasks, seenByTask, statuses, pollStartedAt);
			staticData.watcher = state as unknown as IDataObject;
			// A poll that n8n abandoned never hands its runs on: its state must not stand in for the one n8n keeps.
			if (durable && Date.now() - startedAt < abandonedAfterMs(budgetMs)) rememberState(key, state);
			return finished.length ? [finished.map(toItem)] : null;
		});
	}
}

/** What `work` gives, or undefined when the gate did not send its request (the poll's time is up). */
async function unlessStopped<T>(work: Promise<T>): Promise<T | undefined> {
	return await work.then(
		(value) => value,
		async (error: unknown) => (error instanceof RequestsStopped ? undefined : await Promise.reject(error)),
	);
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
