import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getResults from './getResults.operation';
import * as wait from './wait.operation';

export { cancel, get, getAll, getResults, wait };

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
				name: 'Get Results',
				value: 'getResults',
				description: 'Get what a run produced: experiment runs, or the labels its evaluators wrote',
				action: 'Get the results of a task run',
			},
			{
				name: 'Wait',
				value: 'wait',
				description: 'Wait until a run is completed, failed or cancelled',
				action: 'Wait for a task run',
			},
		],
		default: 'get',
	},
	...cancel.description,
	...get.description,
	...getAll.description,
	...getResults.description,
	...wait.description,
];
