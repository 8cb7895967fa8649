import { createHash } from 'node:crypto';

import { badRequest, conflict, unprocessable } from '../problems.ts';
import type { Store } from '../store.ts';
import { INPUT_VARIABLE_FORMATS, MESSAGE_ROLES } from '../types.ts';
import type { JsonObject } from '../types.ts';
import { expectObject, has, readEnum, readObject, readRequiredString, readString, rejectUnknownKeys } from '../validate.ts';
import { LLM_PROVIDERS } from '../webhooks/types.ts';
import type { Prompt, PromptMessage, PromptVersion } from '../webhooks/types.ts';

// Request bodies of the prompt endpoints (the 1.28.0 spec: CreatePromptRequest, CreatePromptVersionRequest,
// UpdatePromptRequest, SetPromptVersionLabelsRequest), with the sandbox's 400/422 line (rules/task-body.ts).

const SYSTEM_FIELDS = ['id', 'commit_hash', 'created_at', 'updated_at', 'created_by_user_id', 'prompt_id', 'labels'];
const PROMPT_FIELDS = ['space_id', 'name', 'description', 'version'];
const VERSION_FIELDS = ['commit_message', 'input_variable_format', 'provider', 'model', 'messages', 'invocation_params', 'provider_params'];
const MESSAGE_FIELDS = ['role', 'content', 'tool_call_id', 'tool_calls'];

const explainSystem = (key: string) => (SYSTEM_FIELDS.includes(key) ? `'${key}' is system-managed and cannot be set.` : undefined);
const iso = (ms: number) => new Date(ms).toISOString();

function readMessages(body: JsonObject, parent: string): PromptMessage[] {
	const name = parent ? `${parent}.messages` : 'messages';
	if (!has(body, 'messages')) throw badRequest(`The '${name}' field is required.`);
	const raw = body.messages;
	if (!Array.isArray(raw)) throw badRequest(`The '${name}' field must be an array of messages.`);
	if (raw.length === 0) throw badRequest(`The '${name}' field must contain at least one message.`);
	return raw.map((entry, index) => {
		const at = `${name}[${index}]`;
		const message = expectObject(entry, `'${at}'`);
		rejectUnknownKeys(message, MESSAGE_FIELDS, at);
		const result: PromptMessage = { role: readEnum(message, 'role', at, MESSAGE_ROLES, true) as PromptMessage['role'] };
		const content = readString(message, 'content', at, { nullable: true });
		if (content !== undefined) result.content = content;
		const toolCallId = readString(message, 'tool_call_id', at);
		if (toolCallId !== undefined && toolCallId !== null) result.tool_call_id = toolCallId;
		if (has(message, 'tool_calls')) {
			if (!Array.isArray(message.tool_calls)) throw badRequest(`The '${at}.tool_calls' field must be an array.`);
			result.tool_calls = structuredClone(message.tool_calls);
		}
		return result;
	});
}

/** A new version of `promptId` from a CreatePromptVersionRequest (`parent` names it inside a larger body). */
export function promptVersionFromBody(raw: unknown, promptId: string, store: Store, parent = ''): PromptVersion {
	const body = expectObject(raw, parent ? `The '${parent}' field` : 'The request body');
	rejectUnknownKeys(body, VERSION_FIELDS, parent, explainSystem);
	const commitMessage = readRequiredString(body, 'commit_message', parent);
	const format = readEnum(body, 'input_variable_format', parent, INPUT_VARIABLE_FORMATS) ?? 'F_STRING';
	const provider = readEnum(body, 'provider', parent, LLM_PROVIDERS, true) as PromptVersion['provider'];
	const model = readString(body, 'model', parent, { minLength: 1 });
	const messages = readMessages(body, parent);
	const invocation = readObject(body, 'invocation_params', parent);
	const providerParams = readObject(body, 'provider_params', parent);
	const id = store.nextId('PromptVersion');
	const version: PromptVersion = {
		id,
		prompt_id: promptId,
		commit_hash: createHash('sha1').update(`${id}:${commitMessage}`).digest('hex'),
		commit_message: commitMessage,
		messages,
		input_variable_format: format,
		provider,
		model: model ?? '',
		created_at: iso(store.now()),
		created_by_user_id: store.userId,
		labels: [],
	};
	if (invocation !== undefined) version.invocation_params = structuredClone(invocation);
	if (providerParams !== undefined) version.provider_params = structuredClone(providerParams);
	return version;
}

/** POST /v2/prompts: the prompt and its first version (not yet stored). */
export function promptFromCreateBody(raw: unknown, store: Store): { prompt: Prompt; version: PromptVersion } {
	const body = expectObject(raw, 'The request body');
	rejectUnknownKeys(body, PROMPT_FIELDS, '', explainSystem);
	const spaceId = readRequiredString(body, 'space_id', '');
	const name = readRequiredString(body, 'name', '');
	const description = readString(body, 'description', '');
	if (!has(body, 'version')) throw badRequest("The 'version' field is required.");
	const id = store.nextId('Prompt');
	const version = promptVersionFromBody(body.version, id, store, 'version');
	if (!store.spaces.has(spaceId)) throw unprocessable(`space_id '${spaceId}' does not name a space.`);
	for (const prompt of store.prompts.values()) {
		if (prompt.space_id === spaceId && prompt.name === name) throw conflict(`A prompt named '${name}' already exists in space '${spaceId}'.`);
	}
	const createdAt = version.created_at;
	const prompt: Prompt = {
		id,
		name,
		description: description ?? null,
		space_id: spaceId,
		created_at: createdAt,
		updated_at: createdAt,
		created_by_user_id: store.userId,
	};
	return { prompt, version };
}

/** PATCH /v2/prompts/{id}: only the description may change (the name is immutable). */
export function applyPromptPatch(prompt: Prompt, raw: unknown, store: Store): void {
	const body = expectObject(raw, 'The request body');
	rejectUnknownKeys(body, ['description'], '', (key) =>
		key === 'name' ? 'The prompt name is immutable; to rename a prompt, delete it and create a new one.' : explainSystem(key),
	);
	if (!has(body, 'description')) throw badRequest("Provide 'description' (a string, or null to clear it).");
	prompt.description = readString(body, 'description', '', { nullable: true }) ?? null;
	prompt.updated_at = iso(Math.max(store.now(), Date.parse(prompt.created_at)));
}

/** PUT /v2/prompt-versions/{id}/labels: the label names, each once, in the order given. */
export function labelsFromBody(raw: unknown): string[] {
	const body = expectObject(raw, 'The request body');
	rejectUnknownKeys(body, ['labels'], '');
	if (!has(body, 'labels')) throw badRequest("The 'labels' field is required (an empty array removes every label).");
	const labels = body.labels;
	if (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string')) {
		throw badRequest("The 'labels' field must be an array of strings.");
	}
	for (const label of labels as string[]) {
		if (label.trim() === '') throw unprocessable('Label names must not be empty or whitespace.');
	}
	return [...new Set(labels as string[])];
}
