import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

export const taskTypeOptions: INodePropertyOptions[] = [
	{
		name: 'Template Evaluation',
		value: 'TEMPLATE_EVALUATION',
		description: 'An LLM judge scores data with an evaluation template',
	},
	{ name: 'Code Evaluation', value: 'CODE_EVALUATION', description: 'A code evaluator scores data' },
	{
		name: 'Run Experiment',
		value: 'RUN_EXPERIMENT',
		description: 'Runs a prompt, a judge or an agent over a dataset as a new experiment',
	},
];

/** The task a single-task operation works on: picked from a searchable list or given by ID. */
export const taskLocator: INodeProperties = {
	displayName: 'Task',
	name: 'taskId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Arize task to work on',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a task...',
			typeOptions: { searchListMethod: 'searchTasks', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. T25saW5lVGFzazo0NTpxUndY',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^[A-Za-z0-9+/_=-]+$', errorMessage: 'Not a valid Arize ID (base64 characters only)' },
				},
			],
		},
	],
};

/** The list filters of GET /v2/tasks (§5.1), shared by Get Many and the trigger node. */
export const taskFilterOptions: INodeProperties[] = [
	{
		displayName: 'Dataset ID',
		name: 'datasetId',
		type: 'string',
		default: '',
		description: 'Only tasks on this dataset',
	},
	{
		displayName: 'Name Contains',
		name: 'name',
		type: 'string',
		default: '',
		description: 'Only tasks whose name contains this text (case-insensitive)',
	},
	{
		displayName: 'Project ID',
		name: 'projectId',
		type: 'string',
		default: '',
		description: 'Only tasks on this project',
	},
	{
		displayName: 'Space ID',
		name: 'spaceId',
		type: 'string',
		default: '',
		description: 'Only tasks in this space',
	},
	{
		displayName: 'Space Name Contains',
		name: 'spaceName',
		type: 'string',
		default: '',
		description: 'Only tasks in spaces whose name contains this text (case-insensitive)',
	},
	{
		displayName: 'Task Type',
		name: 'type',
		type: 'options',
		options: taskTypeOptions,
		default: 'TEMPLATE_EVALUATION',
		description: 'Only tasks of this type',
	},
];

/** Maps the filter parameters above to the query of GET /v2/tasks. */
export function taskFilterQuery(filters: {
	spaceId?: string;
	spaceName?: string;
	name?: string;
	projectId?: string;
	datasetId?: string;
	type?: string;
}) {
	return {
		space_id: filters.spaceId,
		space_name: filters.spaceName,
		name: filters.name,
		project_id: filters.projectId,
		dataset_id: filters.datasetId,
		type: filters.type,
	};
}
