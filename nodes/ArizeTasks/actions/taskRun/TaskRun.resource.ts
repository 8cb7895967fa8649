import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { taskLocator } from '../../../shared/descriptions';
import { arizeApiRequest, arizeApiRequestAllItems, arizePath } from '../../../shared/transport';
import type { TaskRun } from '../../../shared/types';
import { normaliseTaskRun } from '../../../shared/types';
import { getLimit, getTaskId, returnAllOrLimit } from '../common';
import { readWaitSettings, waitForRun, waitProperties } from '../waiting';

const runIdField: INodeProperties = {
	displayName: 'Run ID',
	name: 'runId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. VGFza1J1bjo5OTpxUndY',
	description: 'The ID of the task run, as Trigger Run returns it',
};

const show = (operation: string) => ({ show: { resource: ['taskRun'], operation: [operation] } });

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['taskRun'] } },
		options: [
			{ name: 'Cancel', value: 'cancel', description: 'Cancel a pending or running run', action: 'Cancel a task run' },
			{ name: 'Get', value: 'get', description: 'Get a task run', action: 'Get a task run' },
			{ name: 'Get Many', value: 'getAll', description: 'List the runs of a task', action: 'Get many task runs' },
			{
				name: 'Wait',
				value: 'wait',
				description: 'Wait until a run is completed, failed or cancelled',
				action: 'Wait for a task run',
			},
		],
		default: 'get',
	},
	...updateDisplayOptions(show('get'), [runIdField]),
	...updateDisplayOptions(show('cancel'), [runIdField]),
	...updateDisplayOptions(show('wait'), [runIdField, ...waitProperties({})]),
	...updateDisplayOptions(show('getAll'), [
		{ ...taskLocator, description: 'The task whose runs to list' },
		...returnAllOrLimit,
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{
					displayName: 'Status',
					name: 'status',
					type: 'options',
					options: ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'].map((status) => ({
						name: status.charAt(0) + status.slice(1).toLowerCase(),
						value: status,
					})),
					default: 'COMPLETED',
					description: 'Only runs in this status',
				},
			],
		},
	]),
];

function getRunId(context: IExecuteFunctions, itemIndex: number): string {
	const runId = String(context.getNodeParameter('runId', itemIndex, '')).trim();
	if (!runId) throw new NodeOperationError(context.getNode(), 'Run ID is empty', { itemIndex });
	return runId;
}

async function fetchRun(context: IExecuteFunctions, itemIndex: number): Promise<TaskRun> {
	const path = arizePath`/v2/task-runs/${getRunId(context, itemIndex)}`;
	return normaliseTaskRun(await arizeApiRequest.call(context, { method: 'GET', path, itemIndex }));
}

export async function get(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await fetchRun(this, itemIndex);
}

export async function wait(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const settings = readWaitSettings(this, itemIndex);
	return await waitForRun(this, await fetchRun(this, itemIndex), settings, itemIndex);
}

export async function cancel(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const path = arizePath`/v2/task-runs/${getRunId(this, itemIndex)}/cancel`;
	// Cancelling twice is harmless, so a dropped connection may be retried.
	const run = await arizeApiRequest.call(this, { method: 'POST', path, idempotent: true, itemIndex });
	return normaliseTaskRun(run);
}

export async function getAll(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const taskId = getTaskId(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const runs = await arizeApiRequestAllItems.call(
		this,
		{ path: arizePath`/v2/tasks/${taskId}/runs`, listKey: 'task_runs', qs: { status: filters.status }, itemIndex },
		getLimit(this, itemIndex),
	);
	return runs.map(normaliseTaskRun);
}
