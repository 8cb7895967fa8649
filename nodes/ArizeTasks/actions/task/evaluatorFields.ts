import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Pairs } from './formParts';
import { inputModeOptions, jsonParameter, pairs, pairsToMap, withShow } from './formParts';

/** The evaluator list of an evaluation task: its form and its reader, for Create and Update. */

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

/**
 * An evaluator as the API takes it, also from the form a Get returns: `evaluator_name` is read-only and null
 * keys are left out (`query_filter` and `column_mappings` are not nullable in a request; a null version means latest
 * either way), so `{{ $json.evaluators }}` of a Task → Get can be sent back as it is.
 */
function toEvaluatorInput(evaluator: unknown): unknown {
	if (evaluator === null || typeof evaluator !== 'object' || Array.isArray(evaluator)) return evaluator;
	return Object.fromEntries(
		Object.entries(evaluator).filter(([key, value]) => key !== 'evaluator_name' && value !== null),
	);
}

/** The evaluator list in the API's request form (TaskEvaluatorInput): empty optional fields are left out. */
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
