import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as trigger from './trigger.operation';
import * as update from './update.operation';

export { create, del as delete, get, getAll, trigger, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['task'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create a task', action: 'Create a task' },
			{ name: 'Delete', value: 'delete', description: 'Delete a task and its runs', action: 'Delete a task' },
			{ name: 'Get', value: 'get', description: 'Get a task', action: 'Get a task' },
			{ name: 'Get Many', value: 'getAll', description: 'List tasks', action: 'Get many tasks' },
			{ name: 'Trigger Run', value: 'trigger', description: 'Start a run of a task', action: 'Trigger a task run' },
			{ name: 'Update', value: 'update', description: 'Change a task', action: 'Update a task' },
		],
		default: 'getAll',
	},
	...create.description,
	...del.description,
	...get.description,
	...getAll.description,
	...trigger.description,
	...update.description,
];
