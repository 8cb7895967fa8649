import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { taskLocator } from '../../../shared/descriptions';
import { arizePath } from '../../../shared/transport';
import { EVALUATION_TASK_TYPES, isRunExperiment, normaliseTaskRun } from '../../../shared/types';
import { triggerEvaluationProblem, triggerExperimentProblem } from '../../helpers/rules';
import { toIsoTimestamp } from '../../helpers/time';
import { assertValid, booleanFromText, getTaskId, numberFromText, readIdList } from '../common';
import { readWaitSettings, waitForRun, waitProperties } from '../waiting';
import { readTaskType, sendForTaskType, taskTypeSelector } from './taskType';

const properties: INodeProperties[] = [
	taskLocator,
	taskTypeSelector(
		'The type of the task being run; it decides which settings the run takes. The Task list names each task\'s type.',
	),
	{
		displayName: 'Data Start Time',
		name: 'dataStartTime',
		type: 'dateTime',
		default: '',
		description:
			'Start of the data window to evaluate (project tasks). Required the first time a project task runs; later it defaults to the last run.',
		displayOptions: { show: { taskType: EVALUATION_TASK_TYPES } },
	},
	{
		displayName: 'Data End Time',
		name: 'dataEndTime',
		type: 'dateTime',
		default: '',
		description: 'End of the data window (project tasks); defaults to now. The window may span at most 30 days.',
		displayOptions: { show: { taskType: EVALUATION_TASK_TYPES } },
	},
	{
		displayName: 'Experiment Name',
		name: 'experimentName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. gpt-4o-mini prompt v3',
		description: 'Name of the experiment this run creates; it must be unique within the dataset',
		displayOptions: { show: { taskType: ['RUN_EXPERIMENT'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { taskType: EVALUATION_TASK_TYPES } },
		options: [
			{
				displayName: 'Experiment IDs',
				name: 'experimentIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. RXhwZXJpbWVudDox, RXhwZXJpbWVudDoy',
				description: 'Dataset tasks only: the experiments to evaluate, separated by commas',
			},
			{
				displayName: 'Max Spans',
				name: 'maxSpans',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10000,
				description: 'The most spans to evaluate in this run',
			},
			{
				displayName: 'Override Evaluations',
				name: 'overrideEvaluations',
				type: 'boolean',
				default: false,
				description: 'Whether to evaluate again data that already has labels',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { taskType: ['RUN_EXPERIMENT'] } },
		options: [
			{
				displayName: 'Dataset Version ID',
				name: 'datasetVersionId',
				type: 'string',
				default: '',
				description: 'Run on this version of the dataset; empty uses the latest',
			},
			{
				displayName: 'Evaluation Task IDs',
				name: 'evaluationTaskIds',
				type: 'string',
				default: '',
				description: 'Evaluation tasks to run on the new experiment once it finishes, separated by commas',
			},
			{
				displayName: 'Example IDs',
				name: 'exampleIds',
				type: 'string',
				default: '',
				description: 'Run only these dataset examples, separated by commas (not with Max Examples)',
			},
			{
				displayName: 'Max Examples',
				name: 'maxExamples',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description: 'Run only the first N examples of the dataset (not with Example IDs)',
			},
			{
				displayName: 'Tracing Metadata',
				name: 'tracingMetadata',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Metadata',
				default: {},
				description: 'Key/value pairs attached to the traces of the run; setting any turns tracing on',
				options: [
					{
						displayName: 'Metadata',
						name: 'pair',
						values: [
							{ displayName: 'Key', name: 'key', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
		],
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description: 'Whether to wait until the run is COMPLETED, FAILED or CANCELLED and return the final run',
	},
	...waitProperties({ waitForCompletion: [true] }),
];

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['trigger'] } },
	properties,
);

function evaluationBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const timestamp = (name: string, label: string) => {
		const value = context.getNodeParameter(name, itemIndex, '');
		if (value === '' || value === null || value === undefined) return undefined;
		const iso = toIsoTimestamp(value, context.getTimezone());
		if (!iso) {
			throw new NodeOperationError(context.getNode(), `${label} is not a date: ${String(value)}`, { itemIndex });
		}
		return iso;
	};
	const start = timestamp('dataStartTime', 'Data Start Time');
	const end = timestamp('dataEndTime', 'Data End Time');
	const experimentIds = readIdList(options.experimentIds);
	return {
		...(start && { data_start_time: start }),
		...(end && { data_end_time: end }),
		...(options.maxSpans !== undefined && { max_spans: numberFromText(options.maxSpans) }),
		...(options.overrideEvaluations !== undefined && {
			override_evaluations: booleanFromText(options.overrideEvaluations),
		}),
		...(experimentIds.length && { experiment_ids: experimentIds }),
	};
}

function experimentBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const exampleIds = readIdList(options.exampleIds);
	const evaluationTaskIds = readIdList(options.evaluationTaskIds);
	const metadata = ((options.tracingMetadata as IDataObject)?.pair ?? []) as Array<{ key: string; value: string }>;
	const tracing = metadata.filter(({ key }) => key.trim() !== '');
	return {
		experiment_name: String(context.getNodeParameter('experimentName', itemIndex, '')).trim(),
		...(String(options.datasetVersionId ?? '').trim() && {
			dataset_version_id: String(options.datasetVersionId).trim(),
		}),
		...(exampleIds.length && { example_ids: exampleIds }),
		...(options.maxExamples !== undefined && { max_examples: numberFromText(options.maxExamples) }),
		...(tracing.length && {
			tracing_metadata: Object.fromEntries(tracing.map(({ key, value }) => [key.trim(), value])),
		}),
		...(evaluationTaskIds.length && { evaluation_task_ids: evaluationTaskIds }),
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = getTaskId(this, itemIndex);
	const taskType = readTaskType(this, itemIndex);
	const runsExperiment = isRunExperiment(taskType);
	const body = runsExperiment ? experimentBody(this, itemIndex) : evaluationBody(this, itemIndex);
	assertValid(this, (runsExperiment ? triggerExperimentProblem : triggerEvaluationProblem)(body), itemIndex);
	// Read before the run is started, so bad wait settings cannot leave a run behind with an error.
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, false) ? readWaitSettings(this, itemIndex) : undefined;

	const run = normaliseTaskRun(
		await sendForTaskType(this, taskId, taskType, {
			method: 'POST',
			path: arizePath`/v2/tasks/${taskId}/trigger`,
			body,
			itemIndex,
		}),
	);
	return wait ? await waitForRun(this, run, wait, itemIndex) : run;
}
