import { paginate } from '../pagination.ts';
import { badRequest, notFound } from '../problems.ts';
import type { Route, RouteContext } from '../router.ts';
import { applyPromptPatch, labelsFromBody, promptFromCreateBody, promptVersionFromBody } from '../rules/prompt-body.ts';
import type { Store } from '../store.ts';
import type { JsonObject } from '../types.ts';
import { readQueryText } from '../validate.ts';
import { publishEvent } from '../webhooks/events.ts';
import type { Prompt, PromptVersion, WebhookEventType } from '../webhooks/types.ts';
import { containsIgnoringCase, inSpace, newestFirst, readSpaceFilters } from './filters.ts';

// Prompts, their versions and labels (the 1.28.0 spec), minimal but faithful, because their changes are webhook
// events: a new version sends prompt.version.created; a label that lands on a version sends prompt.version.labeled,
// and one that leaves a version (removed, replaced, or moved to another version of the prompt) prompt.version.unlabeled.

function presentPrompt(prompt: Prompt): JsonObject {
	return { ...prompt };
}

function presentVersion(version: PromptVersion, casing: RouteContext['casing']): JsonObject {
	const body: JsonObject = {
		id: version.id,
		prompt_id: version.prompt_id,
		commit_hash: version.commit_hash,
		commit_message: version.commit_message,
		messages: version.messages.map((message) => ({ ...structuredClone(message), role: casing(message.role) })),
		input_variable_format: casing(version.input_variable_format),
		provider: casing(version.provider),
		model: version.model,
	};
	if (version.invocation_params) body.invocation_params = structuredClone(version.invocation_params);
	if (version.provider_params) body.provider_params = structuredClone(version.provider_params);
	body.created_at = version.created_at;
	body.created_by_user_id = version.created_by_user_id;
	body.labels = [...version.labels];
	return body;
}

/** The prompt's versions, newest first (creation order reversed: created_at can tie within a millisecond). */
function versionsOf(store: Store, promptId: string): PromptVersion[] {
	return [...store.promptVersions.values()].filter((version) => version.prompt_id === promptId).reverse();
}

function promptOrThrow({ store, params }: RouteContext): Prompt {
	const prompt = store.prompts.get(params.prompt_id);
	if (!prompt) throw notFound(`Prompt '${params.prompt_id}' was not found.`);
	return prompt;
}

function versionOrThrow({ store, params }: RouteContext): PromptVersion {
	const version = store.promptVersions.get(params.version_id);
	if (!version) throw notFound(`Prompt version '${params.version_id}' was not found.`);
	return version;
}

function publishPromptEvent(store: Store, event: WebhookEventType, version: PromptVersion, label?: string): void {
	const prompt = store.prompts.get(version.prompt_id);
	publishEvent(store, event, [{ type: 'PROMPT', id: version.prompt_id }], {
		prompt_id: version.prompt_id,
		version_id: version.id,
		...(label === undefined ? {} : { label }),
		space_id: prompt?.space_id ?? null,
	});
}

function listPrompts({ store, query }: RouteContext) {
	const space = readSpaceFilters(store, query);
	const name = readQueryText(query, 'name');
	const prompts = newestFirst(store.prompts.values(), (prompt) => prompt.updated_at).filter(
		(prompt) => inSpace(store, prompt.space_id, space) && containsIgnoringCase(prompt.name, name),
	);
	const { page, pagination } = paginate(prompts, query, 'prompts', { ...space, name });
	return { status: 200, body: { prompts: page.map(presentPrompt), pagination } };
}

function createPrompt({ store, body, casing }: RouteContext) {
	const { prompt, version } = promptFromCreateBody(body(), store);
	store.prompts.set(prompt.id, prompt);
	store.promptVersions.set(version.id, version);
	return { status: 201, body: { ...presentPrompt(prompt), version: presentVersion(version, casing) } };
}

function getPrompt(context: RouteContext) {
	const prompt = promptOrThrow(context);
	const versionId = context.query.get('version_id');
	const label = context.query.get('label');
	if (versionId !== null && label !== null) throw badRequest("Give 'version_id' or 'label', not both.");
	const versions = versionsOf(context.store, prompt.id);
	let version = versions[0];
	if (versionId !== null) {
		version = versions.find((candidate) => candidate.id === versionId) as PromptVersion;
		if (!version) throw notFound(`Prompt version '${versionId}' is not a version of prompt '${prompt.id}'.`);
	} else if (label !== null) {
		version = versions.find((candidate) => candidate.labels.includes(label)) as PromptVersion;
		if (!version) throw notFound(`No version of prompt '${prompt.id}' has the label '${label}'.`);
	}
	return { status: 200, body: { ...presentPrompt(prompt), version: presentVersion(version, context.casing) } };
}

function updatePrompt(context: RouteContext) {
	const prompt = promptOrThrow(context);
	applyPromptPatch(prompt, context.body(), context.store);
	return { status: 200, body: presentPrompt(prompt) };
}

/** Deleting a prompt deletes its versions and the subscriptions on it. */
function deletePrompt(context: RouteContext) {
	const prompt = promptOrThrow(context);
	const { store } = context;
	store.prompts.delete(prompt.id);
	for (const [id, version] of store.promptVersions) if (version.prompt_id === prompt.id) store.promptVersions.delete(id);
	for (const [id, subscription] of store.webhookSubscriptions) {
		if (subscription.source_type === 'PROMPT' && subscription.source_id === prompt.id) store.webhookSubscriptions.delete(id);
	}
	return { status: 204 };
}

function getPromptLabel(context: RouteContext) {
	const prompt = promptOrThrow(context);
	const version = versionsOf(context.store, prompt.id).find((candidate) => candidate.labels.includes(context.params.label_name));
	if (!version) throw notFound(`No version of prompt '${prompt.id}' has the label '${context.params.label_name}'.`);
	return { status: 200, body: presentVersion(version, context.casing) };
}

function listPromptVersions(context: RouteContext) {
	const prompt = promptOrThrow(context);
	const { page, pagination } = paginate(versionsOf(context.store, prompt.id), context.query, `prompt_versions:${prompt.id}`, {});
	return { status: 200, body: { prompt_versions: page.map((version) => presentVersion(version, context.casing)), pagination } };
}

function createPromptVersion(context: RouteContext) {
	const prompt = promptOrThrow(context);
	const { store } = context;
	const version = promptVersionFromBody(context.body(), prompt.id, store);
	store.promptVersions.set(version.id, version);
	prompt.updated_at = version.created_at;
	publishPromptEvent(store, 'PROMPT_VERSION_CREATED', version);
	return { status: 201, body: presentVersion(version, context.casing) };
}

function getPromptVersion(context: RouteContext) {
	return { status: 200, body: presentVersion(versionOrThrow(context), context.casing) };
}

/** Replaces the version's labels; a label on another version of the prompt moves here. */
function setPromptVersionLabels(context: RouteContext) {
	const version = versionOrThrow(context);
	const { store } = context;
	const labels = labelsFromBody(context.body());
	const removed = version.labels.filter((label) => !labels.includes(label));
	const added = labels.filter((label) => !version.labels.includes(label));
	const movedFrom: Array<[PromptVersion, string]> = [];
	for (const other of versionsOf(store, version.prompt_id)) {
		if (other.id === version.id) continue;
		for (const label of added) {
			if (!other.labels.includes(label)) continue;
			other.labels = other.labels.filter((candidate) => candidate !== label);
			movedFrom.push([other, label]);
		}
	}
	version.labels = labels;
	for (const label of removed) publishPromptEvent(store, 'PROMPT_VERSION_UNLABELED', version, label);
	for (const [other, label] of movedFrom) publishPromptEvent(store, 'PROMPT_VERSION_UNLABELED', other, label);
	for (const label of added) publishPromptEvent(store, 'PROMPT_VERSION_LABELED', version, label);
	return { status: 200, body: presentVersion(version, context.casing) };
}

function deletePromptVersionLabel(context: RouteContext) {
	const version = versionOrThrow(context);
	const label = context.params.label_name;
	if (!version.labels.includes(label)) throw notFound(`Prompt version '${version.id}' has no label '${label}'.`);
	version.labels = version.labels.filter((candidate) => candidate !== label);
	publishPromptEvent(context.store, 'PROMPT_VERSION_UNLABELED', version, label);
	return { status: 204 };
}

export const promptRoutes: Route[] = [
	{ method: 'GET', pattern: '/v2/prompts', handler: listPrompts },
	{ method: 'POST', pattern: '/v2/prompts', handler: createPrompt },
	{ method: 'GET', pattern: '/v2/prompts/:prompt_id', handler: getPrompt },
	{ method: 'PATCH', pattern: '/v2/prompts/:prompt_id', handler: updatePrompt },
	{ method: 'DELETE', pattern: '/v2/prompts/:prompt_id', handler: deletePrompt },
	{ method: 'GET', pattern: '/v2/prompts/:prompt_id/labels/:label_name', handler: getPromptLabel },
	{ method: 'GET', pattern: '/v2/prompts/:prompt_id/versions', handler: listPromptVersions },
	{ method: 'POST', pattern: '/v2/prompts/:prompt_id/versions', handler: createPromptVersion },
	{ method: 'GET', pattern: '/v2/prompt-versions/:version_id', handler: getPromptVersion },
	{ method: 'PUT', pattern: '/v2/prompt-versions/:version_id/labels', handler: setPromptVersionLabels },
	{ method: 'DELETE', pattern: '/v2/prompt-versions/:version_id/labels/:label_name', handler: deletePromptVersionLabel },
];
