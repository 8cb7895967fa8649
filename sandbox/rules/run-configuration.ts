import { badRequest, unprocessable } from '../problems.ts';
import type { Store } from '../store.ts';
import { EXPERIMENT_TYPES, INPUT_VARIABLE_FORMATS, MESSAGE_ROLES } from '../types.ts';
import type { JsonObject, LlmMessage, RunConfiguration } from '../types.ts';
import {
	expectObject,
	has,
	readBoolean,
	readEnum,
	readNumberMap,
	readObject,
	readRequiredString,
	readString,
	readStringMap,
	rejectUnknownKeys,
} from '../validate.ts';

// RunConfiguration is a flat object whose experiment_type selects the variant. Fields of another variant,
// missing required fields and wrong types are 400; ids that do not resolve (or resolve to the wrong kind of
// integration) are 422.

const PARENT = 'run_configuration';

const FIELDS = {
	LLM_GENERATION: [
		'experiment_type',
		'ai_integration_id',
		'model_name',
		'messages',
		'input_variable_format',
		'invocation_parameters',
		'provider_parameters',
		'tool_config',
		'prompt_version_id',
	],
	TEMPLATE_EVALUATION: [
		'experiment_type',
		'ai_integration_id',
		'model_name',
		'template',
		'provide_explanation',
		'classification_choices',
		'column_mapping',
		'evaluator_version_id',
		'invocation_parameters',
		'provider_parameters',
	],
	AGENT_CALL: ['experiment_type', 'integration_id', 'input_template'],
} as const;

/** Hints for the mix-ups between the variants that Arize warns about. */
const HINTS: Record<string, string> = {
	'TEMPLATE_EVALUATION:column_mappings':
		"run_configuration.column_mappings is not a field of TEMPLATE_EVALUATION run configurations; the field is 'column_mapping' (singular).",
	'AGENT_CALL:ai_integration_id':
		"run_configuration.ai_integration_id is not a field of AGENT_CALL run configurations; use 'integration_id' (an AGENT integration).",
	'LLM_GENERATION:integration_id':
		"run_configuration.integration_id is not a field of LLM_GENERATION run configurations; use 'ai_integration_id'.",
	'TEMPLATE_EVALUATION:integration_id':
		"run_configuration.integration_id is not a field of TEMPLATE_EVALUATION run configurations; use 'ai_integration_id'.",
};

function readAiIntegration(config: JsonObject, store: Store): string {
	const id = readRequiredString(config, 'ai_integration_id', PARENT);
	if (!store.aiIntegrations.has(id)) {
		throw unprocessable(`run_configuration.ai_integration_id '${id}' does not name an AI integration.`);
	}
	return id;
}

function readOptionalObject(config: JsonObject, key: string): JsonObject | undefined {
	return readObject(config, key, PARENT);
}

function readMessages(config: JsonObject): LlmMessage[] {
	if (!has(config, 'messages')) throw badRequest("The 'run_configuration.messages' field is required.");
	const messages = config.messages;
	if (!Array.isArray(messages)) throw badRequest("The 'run_configuration.messages' field must be an array.");
	if (messages.length === 0) throw badRequest("The 'run_configuration.messages' field must contain at least 1 message.");
	return messages.map((raw, index) => {
		const parent = `run_configuration.messages[${index}]`;
		const message = expectObject(raw, parent);
		rejectUnknownKeys(message, ['role', 'content', 'tool_call_id', 'tool_calls'], parent);
		const result: LlmMessage = { role: readEnum(message, 'role', parent, MESSAGE_ROLES, true)! };
		const content = readString(message, 'content', parent, { nullable: true });
		if (content !== undefined) result.content = content;
		const toolCallId = readString(message, 'tool_call_id', parent);
		if (typeof toolCallId === 'string') result.tool_call_id = toolCallId;
		if (has(message, 'tool_calls')) {
			if (!Array.isArray(message.tool_calls)) throw badRequest(`The '${parent}.tool_calls' field must be an array.`);
			result.tool_calls = structuredClone(message.tool_calls);
		}
		return result;
	});
}

export function validateRunConfiguration(value: unknown, store: Store): RunConfiguration {
	const config = expectObject(value, "The 'run_configuration' field");
	const type = readEnum(config, 'experiment_type', PARENT, EXPERIMENT_TYPES, true)!;
	rejectUnknownKeys(config, FIELDS[type], PARENT, (key) => HINTS[`${type}:${key}`]);

	if (type === 'AGENT_CALL') {
		const integrationId = readRequiredString(config, 'integration_id', PARENT);
		const inputTemplate = readObject(config, 'input_template', PARENT, true)!;
		// integration_id must be an integration of type AGENT; other types are rejected.
		if (store.aiIntegrations.has(integrationId)) {
			throw unprocessable(
				`run_configuration.integration_id '${integrationId}' is an LLM integration; AGENT_CALL needs an integration of type AGENT.`,
			);
		}
		const integration = store.integrations.get(integrationId);
		if (!integration) {
			throw unprocessable(`run_configuration.integration_id '${integrationId}' does not name an integration.`);
		}
		return { experiment_type: 'AGENT_CALL', integration_id: integrationId, input_template: structuredClone(inputTemplate) };
	}

	const aiIntegrationId = readAiIntegration(config, store);
	const modelName = readString(config, 'model_name', PARENT, { minLength: 1 }) ?? undefined;
	const invocationParameters = readOptionalObject(config, 'invocation_parameters');
	const providerParameters = readOptionalObject(config, 'provider_parameters') ?? {};

	if (type === 'LLM_GENERATION') {
		const messages = readMessages(config);
		// The prose says input_variable_format defaults to F_STRING but the schema marks it required; the
		// sandbox enforces the schema.
		const inputVariableFormat = readEnum(config, 'input_variable_format', PARENT, INPUT_VARIABLE_FORMATS, true)!;
		const toolConfig = readOptionalObject(config, 'tool_config');
		if (toolConfig && has(toolConfig, 'tools') && !Array.isArray(toolConfig.tools)) {
			throw badRequest("The 'run_configuration.tool_config.tools' field must be an array.");
		}
		const promptVersionId = readString(config, 'prompt_version_id', PARENT, { nullable: true });
		return {
			experiment_type: 'LLM_GENERATION',
			ai_integration_id: aiIntegrationId,
			...(modelName !== undefined && { model_name: modelName }),
			messages,
			input_variable_format: inputVariableFormat,
			...(invocationParameters && { invocation_parameters: structuredClone(invocationParameters) }),
			provider_parameters: structuredClone(providerParameters),
			...(toolConfig && { tool_config: structuredClone(toolConfig) }),
			...(promptVersionId !== undefined && { prompt_version_id: promptVersionId }),
		};
	}

	const template = readRequiredString(config, 'template', PARENT);
	const provideExplanation = readBoolean(config, 'provide_explanation', PARENT, true)!;
	const classificationChoices = readNumberMap(config, 'classification_choices', PARENT);
	const columnMapping = readStringMap(config, 'column_mapping', PARENT);
	const evaluatorVersionId = readString(config, 'evaluator_version_id', PARENT, { nullable: true });
	if (typeof evaluatorVersionId === 'string' && !evaluatorVersionExists(store, evaluatorVersionId)) {
		throw unprocessable(`run_configuration.evaluator_version_id '${evaluatorVersionId}' does not name an evaluator version.`);
	}
	return {
		experiment_type: 'TEMPLATE_EVALUATION',
		ai_integration_id: aiIntegrationId,
		...(modelName !== undefined && { model_name: modelName }),
		template,
		provide_explanation: provideExplanation,
		...(classificationChoices && { classification_choices: { ...classificationChoices } }),
		...(columnMapping && { column_mapping: { ...columnMapping } }),
		...(evaluatorVersionId !== undefined && { evaluator_version_id: evaluatorVersionId }),
		...(invocationParameters && { invocation_parameters: structuredClone(invocationParameters) }),
		provider_parameters: structuredClone(providerParameters),
	};
}

function evaluatorVersionExists(store: Store, versionId: string): boolean {
	for (const evaluator of store.evaluators.values()) {
		if (evaluator.versions.some((version) => version.id === versionId)) return true;
	}
	return false;
}
