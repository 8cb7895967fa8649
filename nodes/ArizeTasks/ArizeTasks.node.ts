import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptions } from '../shared/descriptions';
import { router } from './actions/router';
import * as task from './actions/task/Task.resource';
import * as taskRun from './actions/taskRun/TaskRun.resource';
import * as listSearch from './methods/listSearch';
import * as loadOptions from './methods/loadOptions';

export class ArizeTasks implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Arize Tasks',
		name: 'arizeTasks',
		icon: { light: 'file:../../icons/arize.svg', dark: 'file:../../icons/arize.dark.svg' },
		group: ['transform'],
		// 1.1: Simplify is on by default in the tool variant (see actions/simplify.ts).
		version: [1, 1.1],
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Create, run and inspect Arize AX evaluation tasks',
		defaults: { name: 'Arize Tasks' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'arizeApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Task', value: 'task' },
					{ name: 'Task Run', value: 'taskRun' },
				],
				default: 'task',
			},
			...task.description,
			...taskRun.description,
			requestOptions,
		],
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
