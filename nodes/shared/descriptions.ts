import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { AUTO_CEILING } from './transport/pacing';
import { MAX_CONCURRENCY } from './transport/requestGate';

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

/** An Arize enum value as people read it: COMPLETED → Completed. */
export function enumName(value: string): string {
	return value.charAt(0) + value.slice(1).toLowerCase();
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

/** The list filters of GET /v2/tasks, shared by Get Many and the trigger node. */
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

/**
 * Request Options → Max Requests in Parallel, for both nodes. The transport's request gate enforces it over every
 * request of one execution (or one trigger poll), whatever the number of items. Its default, 0, is Auto; a workflow
 * that saved a number (the default used to be 5) keeps it, since n8n stores every option added to a collection.
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
			typeOptions: { minValue: 0, maxValue: MAX_CONCURRENCY },
			default: 0,
			hint: '0 = Auto',
			description:
				'How many requests to Arize may be open at once, over all input items. 0 (Auto, the default) starts with a ' +
				`few and adds more while Arize answers fine, up to ${AUTO_CEILING}; on 429 Too Many Requests it opens fewer ` +
				'and spaces requests in time, on 503 it opens fewer. A number from 1 keeps exactly that many open at once. Items ' +
				'are processed side by side; the output keeps the input order. If Arize answers 429, every request pauses ' +
				'for as long as Arize asks, then resumes.',
		},
	],
};
