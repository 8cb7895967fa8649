import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { taskFilterOptions } from '../../../shared/descriptions';
import { taskFilterQuery } from '../../../shared/parameters';
import { arizeApiRequestAllItems } from '../../../shared/transport';
import { normaliseTask } from '../../../shared/types';
import { getLimit, returnAllOrLimit } from '../common';
import { simplifyProperties, simplifyTask, wantsSimplified } from '../simplify';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: taskFilterOptions,
	},
];

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['getAll'] } },
	[...properties, ...simplifyProperties],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const tasks = await arizeApiRequestAllItems.call(
		this,
		{ path: '/v2/tasks', listKey: 'tasks', qs: taskFilterQuery(filters), itemIndex },
		getLimit(this, itemIndex),
	);
	const normalised = tasks.map(normaliseTask);
	return wantsSimplified(this, itemIndex) ? normalised.map(simplifyTask) : normalised;
}
