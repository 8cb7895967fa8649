import type { INode, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_MAX_CONCURRENCY, MAX_CONCURRENCY } from './requestGate';

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

/** The Task Type selector that decides which fields an operation shows; not an expression, so the form can follow it. */
export function taskTypeSelector(description?: string): INodeProperties {
	return {
		displayName: 'Task Type',
		name: 'taskType',
		type: 'options',
		noDataExpression: true,
		options: taskTypeOptions,
		default: 'TEMPLATE_EVALUATION',
		...(description && { description }),
	};
}

/** "Select a task...", "Select an AI integration...": an acronym keeps its case, and a vowel takes "an". */
function listPlaceholder(displayName: string): string {
	const noun = displayName.replace(/\b[A-Z][a-z]+\b/g, (word) => word.toLowerCase());
	return `Select ${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}...`;
}

/** A resource locator for an Arize object: picked from a searchable list, or given by ID. */
export function arizeLocator(
	displayName: string,
	name: string,
	searchListMethod: string,
	example: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: listPlaceholder(displayName),
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: `e.g. ${example}`,
				validation: [
					{
						type: 'regex',
						properties: { regex: '^\\s*[A-Za-z0-9+/_=:-]+\\s*$', errorMessage: 'Not a valid Arize ID (base64 characters only)' },
					},
				],
			},
		],
	};
}

export const taskLocator = arizeLocator('Task', 'taskId', 'searchTasks', 'T25saW5lVGFzazo0NTpxUndY');
export const projectLocator = arizeLocator('Project', 'projectId', 'searchProjects', 'TW9kZWw6MTIzOmFCY0Q=');
export const datasetLocator = arizeLocator('Dataset', 'datasetId', 'searchDatasets', 'RGF0YXNldDo0NTY6eFl6');

/**
 * A scoping filter: the same resource locator as the required fields, optional. A workflow saved when these filters
 * were plain ID boxes keeps its string: n8n hands an old string on unchanged where a locator is declared now.
 */
function filterLocator(displayName: string, name: string, searchListMethod: string, example: string, description: string) {
	return { ...arizeLocator(displayName, name, searchListMethod, example), required: false, description };
}

/** The list filters of GET /v2/tasks (§5.1), shared by Get Many and the trigger node. */
export const taskFilterOptions: INodeProperties[] = [
	filterLocator('Dataset', 'datasetId', 'searchDatasets', 'RGF0YXNldDo0NTY6eFl6', 'Only tasks on this dataset'),
	{
		displayName: 'Name Contains',
		name: 'name',
		type: 'string',
		default: '',
		description: 'Only tasks whose name contains this text (case-insensitive)',
	},
	filterLocator('Project', 'projectId', 'searchProjects', 'TW9kZWw6MTIzOmFCY0Q=', 'Only tasks on this project'),
	filterLocator('Space', 'spaceId', 'searchSpaces', 'U3BhY2U6MTpBYkNk', 'Only tasks in this space'),
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

/** The ID a filter holds: a locator's value, or the plain string of a workflow saved before the filters were locators. */
function filterId(filter: unknown): string | undefined {
	const value = filter !== null && typeof filter === 'object' ? (filter as { value?: unknown }).value : filter;
	return value === undefined || value === null ? undefined : String(value).trim();
}

/** Maps the filter parameters above to the query of GET /v2/tasks. */
export function taskFilterQuery(filters: {
	spaceId?: unknown;
	spaceName?: string;
	name?: string;
	projectId?: unknown;
	datasetId?: unknown;
	type?: string;
}) {
	return {
		space_id: filterId(filters.spaceId),
		space_name: filters.spaceName,
		name: filters.name,
		project_id: filterId(filters.projectId),
		dataset_id: filterId(filters.datasetId),
		type: filters.type,
	};
}

/**
 * Request Options → Max Requests in Parallel, for both nodes. The transport's request gate enforces it over every
 * request of one execution (or one trigger poll), whatever the number of items.
 */
export const requestOptions: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Max Requests in Parallel',
			name: 'maxConcurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
			default: DEFAULT_MAX_CONCURRENCY,
			description:
				'How many requests to Arize may be open at once, over all input items. Items are processed side by side; ' +
				'the output keeps the input order. Raise it for many items at cloud latency. If Arize answers 429 Too Many ' +
				'Requests, every request pauses for as long as Arize asks, then resumes.',
		},
	],
};

/** Max Requests in Parallel as set (read once per execution), checked against its range. */
export function readMaxConcurrency(node: INode, value: unknown): number {
	const limit = value === undefined || value === '' ? DEFAULT_MAX_CONCURRENCY : Number(value);
	if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CONCURRENCY) {
		throw new NodeOperationError(
			node,
			`Max Requests in Parallel must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${String(value)}`,
			{ description: 'Change it under Request Options' },
		);
	}
	return limit;
}
