import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { taskLocator } from '../../../shared/descriptions';
import { arizePath } from '../../../shared/transport';
import type { TaskType } from '../../../shared/types';
import { EVALUATION_TASK_TYPES, isRunExperiment, normaliseTask } from '../../../shared/types';
import { updateTaskProblem } from '../../helpers/rules';
import { assertValid, booleanFromText, getTaskId, numberFromText } from '../common';
import { isContinuousField, queryFilterField, samplingRateField } from './evaluationFields';
import { evaluatorProperties, readEvaluators } from './evaluatorFields';
import { readRunConfiguration, runConfigurationProperties } from './runConfigurationFields';
import { readTaskType, sendForTaskType, taskTypeSelector } from './taskType';

const properties: INodeProperties[] = [
	taskLocator,
	taskTypeSelector(
		'The type of the task being updated; it decides which fields can change. The Task list names each task\'s type.',
	),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { taskType: EVALUATION_TASK_TYPES } },
		options: [
			{
				displayName: 'Clear Query Filter',
				name: 'clearQueryFilter',
				type: 'boolean',
				default: true,
				description: "Whether to remove the task's query filter, so the task evaluates all data",
			},
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{ ...queryFilterField, description: 'The new task-level filter (to remove it, use Clear Query Filter)' },
			isContinuousField,
			samplingRateField,
		],
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { taskType: ['RUN_EXPERIMENT'] } },
		options: [{ displayName: 'Name', name: 'name', type: 'string', default: '' }],
	},
	{
		displayName: 'Replace Evaluators',
		name: 'replaceEvaluators',
		type: 'boolean',
		default: false,
		description: 'Whether to replace the whole evaluator list with the one below (the API has no partial update)',
		displayOptions: { show: { taskType: EVALUATION_TASK_TYPES } },
	},
	...evaluatorProperties({ taskType: EVALUATION_TASK_TYPES, replaceEvaluators: [true] }),
	{
		displayName: 'Replace Run Configuration',
		name: 'replaceRunConfiguration',
		type: 'boolean',
		default: false,
		description: 'Whether to replace the stored run configuration with the one below',
		displayOptions: { show: { taskType: ['RUN_EXPERIMENT'] } },
	},
	...runConfigurationProperties({ taskType: ['RUN_EXPERIMENT'], replaceRunConfiguration: [true] }),
];

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['update'] } },
	properties,
);

/** The PATCH body: only what changes, and only fields the task's type accepts. */
function updateBody(context: IExecuteFunctions, itemIndex: number, taskType: TaskType): IDataObject {
	const fields = context.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (fields.name !== undefined) body.name = String(fields.name).trim();

	if (isRunExperiment(taskType)) {
		if (context.getNodeParameter('replaceRunConfiguration', itemIndex, false)) {
			body.run_configuration = readRunConfiguration(context, itemIndex);
		}
		return body;
	}

	if (fields.samplingRate !== undefined) body.sampling_rate = numberFromText(fields.samplingRate);
	if (fields.isContinuous !== undefined) body.is_continuous = booleanFromText(fields.isContinuous);
	if (fields.queryFilter !== undefined) {
		const queryFilter = String(fields.queryFilter).trim();
		if (!queryFilter || fields.clearQueryFilter === true) {
			throw new NodeOperationError(
				context.getNode(),
				queryFilter ? 'Use either Query Filter or Clear Query Filter, not both' : 'Query Filter is empty',
				{ description: 'To remove the filter, use Clear Query Filter instead', itemIndex },
			);
		}
		body.query_filter = queryFilter;
	}
	// `null` is how the API clears the filter.
	if (fields.clearQueryFilter === true) body.query_filter = null;
	if (context.getNodeParameter('replaceEvaluators', itemIndex, false)) {
		body.evaluators = readEvaluators(context, itemIndex);
	}
	return body;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = getTaskId(this, itemIndex);
	const taskType = readTaskType(this, itemIndex);
	const body = updateBody(this, itemIndex, taskType);
	assertValid(this, updateTaskProblem(body), itemIndex);
	const task = await sendForTaskType(this, taskId, taskType, {
		method: 'PATCH',
		path: arizePath`/v2/tasks/${taskId}`,
		body,
		itemIndex,
	});
	return normaliseTask(task);
}

