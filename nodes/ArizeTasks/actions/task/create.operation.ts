import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { datasetLocator, projectLocator } from '../../../shared/descriptions';
import { arizeApiRequest } from '../../../shared/transport';
import { EVALUATION_TASK_TYPES, isRunExperiment, normaliseTask } from '../../../shared/types';
import { createTaskProblem } from '../../helpers/rules';
import { assertValid, booleanFromText, numberFromText, readIdList } from '../common';
import { isContinuousField, queryFilterField, samplingRateField } from './evaluationFields';
import { evaluatorProperties, readEvaluators } from './evaluatorFields';
import { readRunConfiguration, runConfigurationProperties } from './runConfigurationFields';
import { readTaskType, taskTypeSelector } from './taskType';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Production hallucination check',
	},
	taskTypeSelector(),
	{
		displayName: 'Data Source',
		name: 'dataSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Project', value: 'project', description: 'Evaluate traces of a project (can run continuously)' },
			{ name: 'Dataset', value: 'dataset', description: 'Evaluate experiments of a dataset' },
		],
		default: 'project',
		displayOptions: { show: { taskType: EVALUATION_TASK_TYPES } },
	},
	{ ...projectLocator, displayOptions: { show: { taskType: EVALUATION_TASK_TYPES, dataSource: ['project'] } } },
	{ ...datasetLocator, displayOptions: { show: { taskType: EVALUATION_TASK_TYPES, dataSource: ['dataset'] } } },
	{ ...datasetLocator, displayOptions: { show: { taskType: ['RUN_EXPERIMENT'] } } },
	{
		displayName: 'Experiment Names or IDs',
		name: 'experimentIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getDatasetExperiments', loadOptionsDependsOn: ['datasetId.value'] },
		default: [],
		required: true,
		description:
			'The experiments of the dataset to evaluate; at least one. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { taskType: EVALUATION_TASK_TYPES, dataSource: ['dataset'] } },
	},
	...evaluatorProperties({ taskType: EVALUATION_TASK_TYPES }),
	...runConfigurationProperties({ taskType: ['RUN_EXPERIMENT'] }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { taskType: EVALUATION_TASK_TYPES } },
		options: [
			queryFilterField,
			{ ...isContinuousField, displayOptions: { show: { '/dataSource': ['project'] } } },
			{ ...samplingRateField, displayOptions: { show: { '/dataSource': ['project'] } } },
		],
	},
];

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['create'] } },
	properties,
);

/** The POST /v2/tasks body for the chosen task type: only the fields that type takes. */
function createBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const param = (name: string, fallback?: unknown) => context.getNodeParameter(name, itemIndex, fallback);
	const locator = (name: string) =>
		String(context.getNodeParameter(name, itemIndex, '', { extractValue: true }) ?? '').trim();
	const type = readTaskType(context, itemIndex);
	const name = String(param('name')).trim();

	if (isRunExperiment(type)) {
		return {
			type,
			name,
			dataset_id: locator('datasetId'),
			run_configuration: readRunConfiguration(context, itemIndex),
		};
	}

	const options = param('options', {}) as IDataObject;
	const onDataset = param('dataSource') === 'dataset';
	return {
		type,
		name,
		...(onDataset
			? { dataset_id: locator('datasetId'), experiment_ids: readIdList(param('experimentIds', [])) }
			: { project_id: locator('projectId') }),
		...(options.samplingRate !== undefined && { sampling_rate: numberFromText(options.samplingRate) }),
		...(options.isContinuous !== undefined && { is_continuous: booleanFromText(options.isContinuous) }),
		...(String(options.queryFilter ?? '').trim() && { query_filter: String(options.queryFilter).trim() }),
		evaluators: readEvaluators(context, itemIndex),
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const body = createBody(this, itemIndex);
	assertValid(this, createTaskProblem(body), itemIndex);
	const task = await arizeApiRequest.call(this, { method: 'POST', path: '/v2/tasks', body, itemIndex });
	return normaliseTask(task);
}
