import { createHash } from 'node:crypto';

import { badRequest, unprocessable } from '../problems.ts';
import type { Store } from '../store.ts';
import type { CodeConfig, Evaluator, EvaluatorVersion, JsonObject, TemplateConfig } from '../types.ts';
import {
	expectObject,
	has,
	readBoolean,
	readEnum,
	readNumberMap,
	readObject,
	readRequiredString,
	readString,
	readStringArray,
	rejectUnknownKeys,
} from '../validate.ts';

// POST /v2/evaluators/{id}/versions (the 1.28.0 spec: CreateEvaluatorVersionRequest): a commit_message and either
// template_config (TEMPLATE evaluators) or code_config (CODE evaluators), whose shape "matches Create Evaluator".
// 400 for the shape (rules/task-body.ts draws the line), 422 for a config of the other type, an eval column name
// outside ^[a-zA-Z0-9_\s\-&()]+$, or an AI integration that does not exist.

const SYSTEM_FIELDS = ['id', 'evaluator_id', 'commit_hash', 'created_at', 'created_by_user_id', 'type'];
const BODY_FIELDS = ['commit_message', 'template_config', 'code_config'];
const TEMPLATE_FIELDS = [
	'name',
	'template',
	'include_explanations',
	'use_function_calling_if_available',
	'use_structured_output',
	'classification_choices',
	'direction',
	'data_granularity',
	'llm_config',
];
const LLM_CONFIG_FIELDS = ['ai_integration_id', 'model_name', 'invocation_parameters', 'provider_parameters'];
const CODE_FIELDS = ['type', 'name', 'data_granularity', 'query_filter', 'managed_evaluator', 'code', 'imports', 'variables', 'static_params'];
const MANAGED_EVALUATORS = ['MATCHES_REGEX', 'JSON_PARSEABLE', 'CONTAINS_ANY_KEYWORD', 'CONTAINS_ALL_KEYWORDS', 'EXACT_MATCH'] as const;
const GRANULARITIES = ['SPAN', 'TRACE', 'SESSION'] as const;
const DIRECTIONS = ['MAXIMIZE', 'MINIMIZE'] as const;
const EVAL_NAME = /^[a-zA-Z0-9_\s\-&()]+$/;

function evalName(config: JsonObject, parent: string): string {
	const name = readRequiredString(config, 'name', parent);
	if (!EVAL_NAME.test(name)) throw unprocessable(`${parent}.name '${name}' must match ^[a-zA-Z0-9_\\s\\-&()]+$.`);
	return name;
}

function templateConfig(raw: JsonObject, store: Store): TemplateConfig {
	const parent = 'template_config';
	rejectUnknownKeys(raw, TEMPLATE_FIELDS, parent);
	const name = evalName(raw, parent);
	const template = readRequiredString(raw, 'template', parent);
	const includeExplanations = readBoolean(raw, 'include_explanations', parent, true) as boolean;
	const functionCalling = readBoolean(raw, 'use_function_calling_if_available', parent, true) as boolean;
	const structuredOutput = readBoolean(raw, 'use_structured_output', parent) ?? true;
	const choices = raw.classification_choices === null ? null : (readNumberMap(raw, 'classification_choices', parent) ?? null);
	const direction = readEnum(raw, 'direction', parent, DIRECTIONS) ?? 'MAXIMIZE';
	const granularity = readEnum(raw, 'data_granularity', parent, GRANULARITIES) ?? null;
	const llm = readObject(raw, 'llm_config', parent, true) as JsonObject;
	rejectUnknownKeys(llm, LLM_CONFIG_FIELDS, `${parent}.llm_config`);
	const integrationId = readRequiredString(llm, 'ai_integration_id', `${parent}.llm_config`);
	const modelName = readRequiredString(llm, 'model_name', `${parent}.llm_config`);
	const invocation = readObject(llm, 'invocation_parameters', `${parent}.llm_config`, true) as JsonObject;
	const provider = readObject(llm, 'provider_parameters', `${parent}.llm_config`, true) as JsonObject;
	if (!store.aiIntegrations.has(integrationId)) {
		throw unprocessable(`template_config.llm_config.ai_integration_id '${integrationId}' does not name an AI integration.`);
	}
	const config: TemplateConfig & JsonObject = {
		name,
		template,
		include_explanations: includeExplanations,
		use_function_calling_if_available: functionCalling,
		use_structured_output: structuredOutput,
		classification_choices: choices,
		direction,
		data_granularity: granularity,
		llm_config: { ai_integration_id: integrationId, model_name: modelName, invocation_parameters: invocation, provider_parameters: provider },
	};
	return config;
}

function codeConfig(raw: JsonObject): CodeConfig {
	const parent = 'code_config';
	rejectUnknownKeys(raw, CODE_FIELDS, parent);
	const type = readEnum(raw, 'type', parent, ['MANAGED', 'CUSTOM'] as const, true) as 'MANAGED' | 'CUSTOM';
	const name = evalName(raw, parent);
	const granularity = readEnum(raw, 'data_granularity', parent, GRANULARITIES) ?? null;
	readString(raw, 'query_filter', parent, { nullable: true });
	const variables = readStringArray(raw, 'variables', parent);
	if (variables === undefined) throw badRequest(`The '${parent}.variables' field is required.`);
	if (has(raw, 'static_params') && !Array.isArray(raw.static_params)) throw badRequest(`The '${parent}.static_params' field must be an array.`);
	const config: CodeConfig & JsonObject = { name, type, data_granularity: granularity, variables };
	if (type === 'MANAGED') {
		if (has(raw, 'code') || has(raw, 'imports')) throw badRequest("'code' and 'imports' belong to CUSTOM code_config, not MANAGED.");
		config.managed_evaluator = readEnum(raw, 'managed_evaluator', parent, MANAGED_EVALUATORS, true);
	} else {
		if (has(raw, 'managed_evaluator')) throw badRequest("'managed_evaluator' belongs to MANAGED code_config, not CUSTOM.");
		config.code = readRequiredString(raw, 'code', parent);
		const imports = readString(raw, 'imports', parent, { nullable: true });
		if (imports !== undefined) config.imports = imports;
	}
	if (has(raw, 'static_params')) config.static_params = raw.static_params;
	return config;
}

/** The new version for `evaluator` (not yet stored). */
export function evaluatorVersionFromBody(raw: unknown, evaluator: Evaluator, store: Store): EvaluatorVersion {
	const body = expectObject(raw, 'The request body');
	rejectUnknownKeys(body, BODY_FIELDS, '', (key) => (SYSTEM_FIELDS.includes(key) ? `'${key}' is system-managed and cannot be set.` : undefined));
	const commitMessage = readRequiredString(body, 'commit_message', '');
	const template = readObject(body, 'template_config', '');
	const code = readObject(body, 'code_config', '');
	if ((template === undefined) === (code === undefined)) throw badRequest("Provide exactly one of 'template_config' or 'code_config'.");
	const createdAt = new Date(Math.max(store.now(), Date.parse(evaluator.updated_at))).toISOString();
	const id = store.nextId('EvaluatorVersion');
	const version: EvaluatorVersion = {
		id,
		evaluator_id: evaluator.id,
		commit_hash: createHash('sha1').update(`${id}:${commitMessage}`).digest('hex'),
		commit_message: commitMessage,
		created_at: createdAt,
		created_by_user_id: store.userId,
		type: evaluator.type,
	};
	if (evaluator.type !== 'TEMPLATE' && evaluator.type !== 'CODE') {
		throw unprocessable(`Evaluator '${evaluator.id}' is a ${evaluator.type} evaluator; only TEMPLATE and CODE evaluators take new versions through the API.`);
	}
	if (template) {
		if (evaluator.type !== 'TEMPLATE') throw unprocessable(`Evaluator '${evaluator.id}' is a ${evaluator.type} evaluator; send code_config, not template_config.`);
		version.template_config = templateConfig(template, store);
	} else if (code) {
		if (evaluator.type !== 'CODE') throw unprocessable(`Evaluator '${evaluator.id}' is a ${evaluator.type} evaluator; send template_config, not code_config.`);
		version.code_config = codeConfig(code);
	}
	return version;
}
