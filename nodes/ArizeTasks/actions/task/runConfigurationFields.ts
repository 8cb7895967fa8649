import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { arizeLocator } from '../../../shared/descriptions';
import { booleanFromText } from '../common';
import type { Pairs } from './formParts';
import { inputModeOptions, jsonObjectParameter, pairs, pairsToMap, withShow } from './formParts';

/** The run configuration of a Run Experiment task: its form and its reader, for Create and Update. */

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

/** The run configuration in the API's form, one variant per experiment type. */
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
