import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { arizeLocator } from '../../../shared/descriptions';
import { booleanFromText } from '../common';

/**
 * Structured fields shared by Create and Update: the evaluator list of evaluation tasks and the run configuration of
 * Run Experiment tasks. Each can be filled in field by field or given as JSON (which also takes expressions).
 */

const inputModeOptions = [
	{ name: 'Using Fields Below', value: 'fields' },
	{ name: 'Using JSON', value: 'json' },
];

const withShow = (show: IDisplayOptions['show'], extra: IDisplayOptions['show'] = {}): IDisplayOptions => ({
	show: { ...show, ...extra },
});

/** Name/value pair lists such as column mappings, as a fixedCollection; `key` and `value` add to their two fields. */
function pairs(
	displayName: string,
	name: string,
	keyLabel: string,
	valueLabel: string,
	placeholder: string,
	key: Partial<INodeProperties> = {},
	value: Partial<INodeProperties> = {},
) {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder,
		default: {},
		options: [
			{
				displayName: 'Pair',
				name: 'pair',
				values: [
					{ displayName: keyLabel, name: 'key', type: 'string', default: '', ...key },
					{ displayName: valueLabel, name: 'value', type: 'string', default: '', ...value },
				],
			},
		],
	} satisfies INodeProperties;
}

export function evaluatorProperties(show: IDisplayOptions['show']): INodeProperties[] {
	return [
		{
			displayName: 'Define Evaluators',
			name: 'evaluatorsInput',
			type: 'options',
			options: inputModeOptions,
			default: 'fields',
			displayOptions: withShow(show),
		},
		{
			displayName: 'Evaluators',
			name: 'evaluators',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Evaluator',
			default: {},
			required: true,
			description: 'The evaluators the task runs; at least one',
			displayOptions: withShow(show, { evaluatorsInput: ['fields'] }),
			options: [
				{
					displayName: 'Evaluator',
					name: 'evaluator',
					values: [
						{
							displayName: 'Evaluator Name or ID',
							name: 'evaluatorId',
							type: 'options',
							typeOptions: { loadOptionsMethod: 'getEvaluators', loadOptionsDependsOn: ['taskType'] },
							default: '',
							description:
								'Lists the evaluators of the Task Type: TEMPLATE evaluators for Template Evaluation, CODE evaluators for Code Evaluation (so one of another type is not listed). Each template evaluator shows the {variables} its template expects. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
						},
						{
							...pairs(
								'Column Mappings',
								'columnMappings',
								'Template Variable',
								'Column Path',
								'Add Mapping',
								{
									placeholder: 'e.g. input',
									hint: 'A variable of the template, without braces: the Evaluator list shows which ones it expects',
								},
								{
									placeholder: 'e.g. attributes.input.value',
									hint: 'Project tasks: a span attribute (attributes.output.value). Dataset tasks: a column of the experiment runs (output).',
								},
							),
							description: 'Which data column fills each template variable, e.g. input → attributes.input.value',
						},
						{
							displayName: 'Query Filter',
							name: 'queryFilter',
							type: 'string',
							default: '',
							placeholder: "e.g. attributes.llm.model_name = 'gpt-4o'",
							description: "Only evaluate data matching this filter (combined with the task's filter by AND)",
						},
						{
							displayName: 'Version ID',
							name: 'versionId',
							type: 'string',
							default: '',
							description: 'Pin a version of the evaluator; empty runs the latest version',
						},
					],
				},
			],
		},
		{
			displayName: 'Evaluators (JSON)',
			name: 'evaluatorsJson',
			type: 'json',
			default: '[\n  {\n    "evaluator_id": "",\n    "column_mappings": { "input": "attributes.input.value" }\n  }\n]',
			required: true,
			description:
				'The evaluator list as the API takes it (evaluator_id, column_mappings, query_filter, evaluator_version_id), or as a Task → Get outputs it (an expression on its evaluators field works as it is): evaluator_name and empty (null) keys are left out',
			displayOptions: withShow(show, { evaluatorsInput: ['json'] }),
		},
	];
}

/** Settings of an evaluation task that both Create and Update take (§5.2 A, §5.5). */
export const queryFilterField: INodeProperties = {
	displayName: 'Query Filter',
	name: 'queryFilter',
	type: 'string',
	default: '',
	placeholder: "e.g. metadata.environment = 'production'",
	description: 'Only evaluate data matching this filter',
};

export const isContinuousField: INodeProperties = {
	displayName: 'Run Continuously',
	name: 'isContinuous',
	type: 'boolean',
	default: false,
	description: 'Whether the task evaluates new project data as it arrives (project tasks only)',
};

export const samplingRateField: INodeProperties = {
	displayName: 'Sampling Rate',
	name: 'samplingRate',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
	default: 1,
	description: 'Share of the data to evaluate, from 0 to 1 (project tasks only)',
};

const llmTypes = ['LLM_GENERATION', 'TEMPLATE_EVALUATION'];

export function runConfigurationProperties(show: IDisplayOptions['show']): INodeProperties[] {
	const fieldsShow = (experimentTypes: string[]) =>
		withShow(show, { runConfigurationInput: ['fields'], experimentType: experimentTypes });
	return [
		{
			displayName: 'Define Run Configuration',
			name: 'runConfigurationInput',
			type: 'options',
			options: inputModeOptions,
			default: 'fields',
			displayOptions: withShow(show),
		},
		{
			displayName: 'Experiment Type',
			name: 'experimentType',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'LLM Generation', value: 'LLM_GENERATION', description: 'Run a prompt against each dataset example' },
				{ name: 'Template Evaluation', value: 'TEMPLATE_EVALUATION', description: 'An LLM judge scores each example' },
				{ name: 'Agent Call', value: 'AGENT_CALL', description: 'Send each example to an agent integration' },
			],
			default: 'LLM_GENERATION',
			displayOptions: withShow(show, { runConfigurationInput: ['fields'] }),
		},
		{
			...arizeLocator('AI Integration', 'aiIntegrationId', 'searchAiIntegrations', 'TGxtSW50ZWdyYXRpb246MTI='),
			description: 'The LLM to call',
			displayOptions: fieldsShow(llmTypes),
		},
		{
			...arizeLocator('Agent Integration', 'agentIntegrationId', 'searchAgentIntegrations', 'QWdlbnRJbnRlZ3JhdGlvbjo0'),
			description: 'The agent to call',
			displayOptions: fieldsShow(['AGENT_CALL']),
		},
		{
			displayName: 'Model Name',
			name: 'modelName',
			type: 'string',
			default: '',
			placeholder: 'e.g. gpt-4o-mini',
			description: "Empty uses the integration's default model",
			displayOptions: fieldsShow(llmTypes),
		},
		{
			displayName: 'Messages',
			name: 'messages',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Message',
			default: {},
			required: true,
			displayOptions: fieldsShow(['LLM_GENERATION']),
			options: [
				{
					displayName: 'Message',
					name: 'message',
					values: [
						{
							displayName: 'Role',
							name: 'role',
							type: 'options',
							options: [
								{ name: 'System', value: 'SYSTEM' },
								{ name: 'User', value: 'USER' },
								{ name: 'Assistant', value: 'ASSISTANT' },
							],
							default: 'USER',
						},
						{
							displayName: 'Content',
							name: 'content',
							type: 'string',
							typeOptions: { rows: 4 },
							default: '',
							placeholder: 'e.g. Answer the question: {question}',
						},
					],
				},
			],
		},
		{
			displayName: 'Input Variable Format',
			name: 'inputVariableFormat',
			type: 'options',
			options: [
				{ name: 'F-String', value: 'F_STRING', description: 'Columns are named as {column}' },
				{ name: 'Mustache', value: 'MUSTACHE', description: 'Columns are named as {{column}}' },
			],
			default: 'F_STRING',
			description: 'How the messages name dataset columns',
			displayOptions: fieldsShow(['LLM_GENERATION']),
		},
		{
			displayName: 'Template',
			name: 'template',
			type: 'string',
			typeOptions: { rows: 6 },
			default: '',
			required: true,
			placeholder: 'e.g. Is the answer {{output}} relevant to {{input}}? Answer relevant or irrelevant.',
			description: 'The judge prompt, with {{variable}} placeholders',
			displayOptions: fieldsShow(['TEMPLATE_EVALUATION']),
		},
		{
			displayName: 'Classification Choices',
			name: 'classificationChoices',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Choice',
			default: {},
			description: 'The labels the judge may answer and the score of each, e.g. relevant → 1',
			displayOptions: fieldsShow(['TEMPLATE_EVALUATION']),
			options: [
				{
					displayName: 'Choice',
					name: 'choice',
					values: [
						{ displayName: 'Label', name: 'label', type: 'string', default: '' },
						{ displayName: 'Score', name: 'score', type: 'number', default: 1 },
					],
				},
			],
		},
		{
			displayName: 'Provide Explanation',
			name: 'provideExplanation',
			type: 'boolean',
			default: true,
			description: 'Whether the judge explains each label',
			displayOptions: fieldsShow(['TEMPLATE_EVALUATION']),
		},
		{
			...pairs('Column Mapping', 'templateColumnMapping', 'Template Variable', 'Column', 'Add Mapping'),
			description: 'Which dataset column fills each template variable',
			displayOptions: fieldsShow(['TEMPLATE_EVALUATION']),
		},
		{
			displayName: 'Input Template',
			name: 'inputTemplate',
			type: 'json',
			default: '{\n  "input": "{{question}}"\n}',
			required: true,
			description: "The JSON request body sent to the agent for each example; {{column}} placeholders are filled per row",
			displayOptions: fieldsShow(['AGENT_CALL']),
		},
		{
			displayName: 'Invocation Parameters',
			name: 'invocationParameters',
			type: 'json',
			default: '{}',
			description: 'Model settings such as temperature or max_tokens, as JSON',
			displayOptions: fieldsShow(llmTypes),
		},
		{
			displayName: 'Run Configuration (JSON)',
			name: 'runConfigurationJson',
			type: 'json',
			default:
				'{\n  "experiment_type": "LLM_GENERATION",\n  "ai_integration_id": "",\n  "input_variable_format": "F_STRING",\n  "messages": [{ "role": "USER", "content": "{question}" }]\n}',
			required: true,
			description: 'The run configuration as the API takes it, including experiment_type',
			displayOptions: withShow(show, { runConfigurationInput: ['json'] }),
		},
	];
}

/** Reads a JSON parameter that may hold text or, through an expression, an already parsed value. */
export function jsonParameter(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
): unknown {
	const value = context.getNodeParameter(name, itemIndex);
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), `${label} is not valid JSON`, {
			description: (error as Error).message,
			itemIndex,
		});
	}
}

function jsonObjectParameter(context: IExecuteFunctions, name: string, label: string, itemIndex: number): IDataObject {
	const value = jsonParameter(context, name, label, itemIndex);
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw new NodeOperationError(context.getNode(), `${label} must be a JSON object`, { itemIndex });
	}
	return value as IDataObject;
}

type Pairs = { pair?: Array<{ key: string; value: string }> };

const pairsToMap = (collection: Pairs | undefined): Record<string, string> | undefined => {
	const entries = (collection?.pair ?? []).filter(({ key }) => key.trim() !== '');
	return entries.length ? Object.fromEntries(entries.map(({ key, value }) => [key.trim(), value])) : undefined;
};

/**
 * An evaluator as the API takes it, also from the form a Get returns (§5.5): `evaluator_name` is read-only and null
 * keys are left out (`query_filter` and `column_mappings` are not nullable in a request; a null version means latest
 * either way), so `{{ $json.evaluators }}` of a Task → Get can be sent back as it is.
 */
function toEvaluatorInput(evaluator: unknown): unknown {
	if (evaluator === null || typeof evaluator !== 'object' || Array.isArray(evaluator)) return evaluator;
	return Object.fromEntries(
		Object.entries(evaluator).filter(([key, value]) => key !== 'evaluator_name' && value !== null),
	);
}

/** The evaluator list in the API's request form (§5.2 TaskEvaluatorInput): empty optional fields are left out. */
export function readEvaluators(context: IExecuteFunctions, itemIndex: number): IDataObject[] {
	if (context.getNodeParameter('evaluatorsInput', itemIndex) === 'json') {
		const evaluators = jsonParameter(context, 'evaluatorsJson', 'Evaluators (JSON)', itemIndex);
		if (!Array.isArray(evaluators)) {
			throw new NodeOperationError(context.getNode(), 'Evaluators (JSON) must be a JSON list of evaluators', {
				itemIndex,
			});
		}
		return evaluators.map(toEvaluatorInput) as IDataObject[];
	}
	const rows = context.getNodeParameter('evaluators.evaluator', itemIndex, []) as Array<{
		evaluatorId: string;
		columnMappings?: Pairs;
		queryFilter?: string;
		versionId?: string;
	}>;
	return rows.map((row) => ({
		evaluator_id: String(row.evaluatorId ?? '').trim(),
		...(pairsToMap(row.columnMappings) && { column_mappings: pairsToMap(row.columnMappings) }),
		...(row.queryFilter?.trim() && { query_filter: row.queryFilter.trim() }),
		...(row.versionId?.trim() && { evaluator_version_id: row.versionId.trim() }),
	}));
}

/** The run configuration in the API's form (§5.3), one variant per experiment type. */
export function readRunConfiguration(context: IExecuteFunctions, itemIndex: number): IDataObject {
	if (context.getNodeParameter('runConfigurationInput', itemIndex) === 'json') {
		const config = jsonObjectParameter(context, 'runConfigurationJson', 'Run Configuration (JSON)', itemIndex);
		return typeof config.experiment_type === 'string'
			? { ...config, experiment_type: config.experiment_type.toUpperCase() }
			: config;
	}
	const param = (name: string, fallback: unknown = '') => context.getNodeParameter(name, itemIndex, fallback);
	const locator = (name: string) =>
		String(context.getNodeParameter(name, itemIndex, '', { extractValue: true }) ?? '').trim();
	const experimentType = param('experimentType') as string;
	if (experimentType === 'AGENT_CALL') {
		return {
			experiment_type: experimentType,
			integration_id: locator('agentIntegrationId'),
			input_template: jsonObjectParameter(context, 'inputTemplate', 'Input Template', itemIndex),
		};
	}

	const modelName = String(param('modelName')).trim();
	const invocationParameters = jsonObjectParameter(context, 'invocationParameters', 'Invocation Parameters', itemIndex);
	const common: IDataObject = {
		experiment_type: experimentType,
		ai_integration_id: locator('aiIntegrationId'),
		...(modelName && { model_name: modelName }),
		...(Object.keys(invocationParameters).length && { invocation_parameters: invocationParameters }),
	};
	if (experimentType === 'LLM_GENERATION') {
		const messages = (param('messages.message', []) as Array<{ role: string; content: string }>).map(
			({ role, content }) => ({ role, content }),
		);
		return { ...common, messages, input_variable_format: param('inputVariableFormat', 'F_STRING') };
	}
	const choices = (param('classificationChoices.choice', []) as Array<{ label: string; score: number }>).filter(
		({ label }) => label.trim() !== '',
	);
	const columnMapping = pairsToMap(param('templateColumnMapping', {}) as Pairs);
	return {
		...common,
		template: param('template'),
		provide_explanation: booleanFromText(param('provideExplanation', true)),
		...(choices.length && {
			classification_choices: Object.fromEntries(choices.map(({ label, score }) => [label.trim(), score])),
		}),
		...(columnMapping && { column_mapping: columnMapping }),
	};
}
