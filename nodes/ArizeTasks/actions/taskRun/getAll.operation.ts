import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { enumName, taskLocator } from '../../../shared/descriptions';
import { arizeApiRequestAllItems, arizePath } from '../../../shared/transport';
import { normaliseTaskRun } from '../../../shared/types';
import { getLimit, getTaskId, returnAllOrLimit } from '../common';
import { simplifyProperties, simplifyTaskRun, wantsSimplified } from '../simplify';

const statusOptions = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'].map((status) => ({ name: enumName(status), value: status }));

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['taskRun'], operation: ['getAll'] } },
	[
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
					options: statusOptions,
					default: 'COMPLETED',
					description: 'Only runs in this status',
				},
			],
		},
		...simplifyProperties,
	],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const taskId = getTaskId(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const runs = await arizeApiRequestAllItems.call(
		this,
		{ path: arizePath`/v2/tasks/${taskId}/runs`, listKey: 'task_runs', qs: { status: filters.status }, itemIndex },
		getLimit(this, itemIndex),
	);
	const normalised = runs.map(normaliseTaskRun);
	return wantsSimplified(this, itemIndex) ? normalised.map(simplifyTaskRun) : normalised;
}
