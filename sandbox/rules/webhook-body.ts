import { randomBytes } from 'node:crypto';

import { badRequest, conflict, notFound, unprocessable } from '../problems.ts';
import type { Store } from '../store.ts';
import type { JsonObject } from '../types.ts';
import {
	expectObject,
	has,
	readEnum,
	readInteger,
	readRequiredString,
	readString,
	readStringMap,
	rejectUnknownKeys,
} from '../validate.ts';
import { WEBHOOK_AUTH_TYPES, WEBHOOK_EVENT_TYPES, WEBHOOK_EVENTS, WEBHOOK_SOURCE_TYPES } from '../webhooks/types.ts';
import type { Webhook, WebhookSourceType, WebhookSubscription } from '../webhooks/types.ts';

// Request bodies of POST/PATCH /v2/webhooks and POST /v2/webhook-subscriptions (Arize's WebhooksApi reference), with the
// sandbox's usual 400/422 line (rules/task-body.ts): 400 for the wrong shape (missing or unknown fields, wrong JSON
// types, unknown enum values, system-managed fields, an empty PATCH), 422 for values that fail a rule (timeout
// range, header count and names, a URL that is not http(s), an auth_token on an HMAC webhook, an event that does
// not fit its source, a task that is not an evaluation task). References that do not resolve are 404, as Arize's
// reference says for webhooks and sources; duplicates are 409.

const SYSTEM_FIELDS = ['id', 'created_at', 'updated_at', 'created_by_user_id', 'signing_secret', 'signing_secret_hint'];
const CREATE_FIELDS = ['organization_id', 'name', 'url', 'description', 'auth_type', 'auth_token', 'timeout_ms', 'headers'];
const PATCH_FIELDS = ['name', 'description', 'url', 'auth_token', 'timeout_ms', 'headers'];
const SUBSCRIPTION_FIELDS = ['webhook_id', 'source_type', 'source_id', 'event'];

export const TIMEOUT_MS = { min: 1000, max: 60000, default: 30000 };
export const MAX_HEADERS = 20;
/** At most this many webhooks may subscribe to one event on one source. */
export const MAX_WEBHOOKS_PER_EVENT_AND_SOURCE = 200;

/**
 * Connection-management headers (RFC 9110 §7.6.1 and the framing headers) that the delivery itself sets. The
 * sandbox also refuses Authorization: the webhook's auth_token is the one way to set it.
 */
const RESERVED_HEADERS = new Set([
	'host',
	'content-length',
	'connection',
	'keep-alive',
	'proxy-connection',
	'transfer-encoding',
	'te',
	'trailer',
	'upgrade',
	'expect',
	'authorization',
]);
/** RFC 9110 §5.1 field-name (a token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function explainFieldFor(fields: readonly string[], operation: string) {
	return (key: string): string | undefined => {
		if (SYSTEM_FIELDS.includes(key)) return `'${key}' is system-managed and cannot be set.`;
		if (key === 'auth_type' && operation === 'update') {
			return "'auth_type' cannot be changed after creation; create a new webhook instead.";
		}
		return `Unknown field '${key}'. Allowed fields: ${fields.join(', ')}.`;
	};
}

function checkName(body: JsonObject): string | undefined {
	const name = readString(body, 'name', '', { minLength: 1 });
	if (name === null) throw badRequest("The 'name' field must be a string.");
	if (name !== undefined && name.trim() === '') throw badRequest("The 'name' field must not be blank.");
	return name;
}

function checkUrl(body: JsonObject, required: boolean): string | undefined {
	const url = required ? readRequiredString(body, 'url', '') : (readString(body, 'url', '', { minLength: 1 }) ?? undefined);
	if (url === undefined) return undefined;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw unprocessable(`url '${url}' is not an absolute URL.`);
	}
	// Arize asks for HTTPS; the sandbox also takes http so tests can receive on a local port.
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw unprocessable(`url must use https (or http, in the sandbox); got '${parsed.protocol}'.`);
	}
	return url;
}

function checkTimeout(body: JsonObject): number | undefined {
	const timeout = readInteger(body, 'timeout_ms', '');
	if (timeout !== undefined && (timeout < TIMEOUT_MS.min || timeout > TIMEOUT_MS.max)) {
		throw unprocessable(`timeout_ms must be between ${TIMEOUT_MS.min} and ${TIMEOUT_MS.max}; got ${timeout}.`);
	}
	return timeout;
}

function checkHeaders(body: JsonObject): Record<string, string> | undefined {
	const headers = readStringMap(body, 'headers', '');
	if (headers === undefined) return undefined;
	const names = Object.keys(headers);
	if (names.length > MAX_HEADERS) throw unprocessable(`headers may hold at most ${MAX_HEADERS} entries; got ${names.length}.`);
	const seen = new Set<string>();
	for (const name of names) {
		if (!HEADER_NAME.test(name)) throw unprocessable(`headers: '${name}' is not a valid HTTP header name.`);
		const lower = name.toLowerCase();
		if (lower === 'authorization') {
			throw unprocessable("headers: 'Authorization' is set by auth_token (sent verbatim); do not put it in headers.");
		}
		if (RESERVED_HEADERS.has(lower)) throw unprocessable(`headers: '${name}' is a connection-management header and cannot be set.`);
		if (seen.has(lower)) throw unprocessable(`headers: '${name}' appears more than once (header names are case-insensitive).`);
		seen.add(lower);
	}
	return { ...headers };
}

function checkAuthToken(body: JsonObject): string | undefined {
	const token = readString(body, 'auth_token', '', { minLength: 1 });
	if (token === null) throw badRequest("The 'auth_token' field must be a string.");
	return token;
}

function assertNameFree(store: Store, organizationId: string, name: string, exceptId?: string): void {
	for (const webhook of store.webhooks.values()) {
		if (webhook.organization_id === organizationId && webhook.name === name && webhook.id !== exceptId) {
			throw conflict(`A webhook named '${name}' already exists in organization '${organizationId}'.`);
		}
	}
}

const iso = (ms: number) => new Date(ms).toISOString();

/** POST /v2/webhooks: the stored webhook (with its signing secret, for HMAC). */
export function webhookFromCreateBody(raw: unknown, store: Store): Webhook {
	const body = expectObject(raw, 'The request body');
	rejectUnknownKeys(body, CREATE_FIELDS, '', explainFieldFor(CREATE_FIELDS, 'create'));
	const organizationId = readRequiredString(body, 'organization_id', '');
	const name = checkName(body);
	if (name === undefined) throw badRequest("The 'name' field is required.");
	const description = readString(body, 'description', '') ?? '';
	const authType = readEnum(body, 'auth_type', '', WEBHOOK_AUTH_TYPES) ?? 'BEARER';
	const authToken = checkAuthToken(body);
	const url = checkUrl(body, true) as string;
	const timeout = checkTimeout(body);
	const headers = checkHeaders(body);
	if (authType === 'HMAC_SHA256' && authToken !== undefined) {
		throw unprocessable("auth_token is only valid when auth_type is BEARER; HMAC_SHA256 webhooks are signed with a generated secret.");
	}
	if (!store.organizations.has(organizationId)) {
		throw notFound(`Organization '${organizationId}' was not found, or you do not have access to it.`);
	}
	assertNameFree(store, organizationId, name);
	const createdAt = iso(store.now());
	return {
		id: store.nextId('Webhook'),
		organization_id: organizationId,
		name,
		description,
		url,
		auth_type: authType,
		auth_token: authToken ?? null,
		headers: headers ?? {},
		signing_secret: authType === 'HMAC_SHA256' ? `whsec_${randomBytes(24).toString('base64url')}` : null,
		timeout_ms: timeout ?? TIMEOUT_MS.default,
		created_at: createdAt,
		updated_at: createdAt,
		created_by_user_id: store.userId,
	};
}

/** PATCH /v2/webhooks/{id}: checks the whole body, then applies it. */
export function applyWebhookPatch(webhook: Webhook, raw: unknown, store: Store): void {
	const body = expectObject(raw, 'The request body');
	rejectUnknownKeys(body, PATCH_FIELDS, '', explainFieldFor(PATCH_FIELDS, 'update'));
	if (!PATCH_FIELDS.some((field) => has(body, field))) {
		throw badRequest(`Provide at least one of ${PATCH_FIELDS.join(', ')}.`);
	}
	const name = checkName(body);
	const description = readString(body, 'description', '', { nullable: true });
	const url = checkUrl(body, false);
	const authToken = checkAuthToken(body);
	const timeout = checkTimeout(body);
	const headers = checkHeaders(body);
	if (authToken !== undefined && webhook.auth_type !== 'BEARER') {
		throw unprocessable('auth_token is only valid for BEARER webhooks; this webhook is HMAC_SHA256.');
	}
	if (name !== undefined) assertNameFree(store, webhook.organization_id, name, webhook.id);
	if (name !== undefined) webhook.name = name;
	if (description !== undefined) webhook.description = description ?? '';
	if (url !== undefined) webhook.url = url;
	if (authToken !== undefined) webhook.auth_token = authToken;
	if (timeout !== undefined) webhook.timeout_ms = timeout;
	if (headers !== undefined) webhook.headers = headers;
	webhook.updated_at = iso(Math.max(store.now(), Date.parse(webhook.created_at)));
}

/** The space a source lives in (the space itself for SPACE); exists false when there is no such source. */
export function spaceOfSource(
	store: Store,
	sourceType: WebhookSourceType,
	sourceId: string,
): { exists: boolean; spaceId?: string; organizationId?: string } {
	let spaceId: string | undefined;
	let exists = false;
	if (sourceType === 'SPACE') {
		exists = store.spaces.has(sourceId);
		spaceId = sourceId;
	} else if (sourceType === 'PROMPT') {
		const prompt = store.prompts.get(sourceId);
		exists = prompt !== undefined;
		spaceId = prompt?.space_id;
	} else if (sourceType === 'EVALUATOR') {
		const evaluator = store.evaluators.get(sourceId);
		exists = evaluator !== undefined;
		spaceId = evaluator?.space_id;
	} else {
		const task = store.tasks.get(sourceId);
		exists = task !== undefined;
		if (task?.project_id) spaceId = store.projects.get(task.project_id)?.space_id;
		else if (task?.dataset_id) spaceId = store.datasets.get(task.dataset_id)?.space_id;
	}
	const organizationId = exists && spaceId !== undefined ? store.spaces.get(spaceId)?.org_id : undefined;
	return { exists, spaceId, organizationId };
}

const SOURCE_LABELS: Record<WebhookSourceType, string> = {
	PROMPT: 'Prompt',
	EVALUATOR: 'Evaluator',
	ONLINE_TASK: 'Task',
	SPACE: 'Space',
};

/** POST /v2/webhook-subscriptions: the subscription to store. */
export function subscriptionFromCreateBody(raw: unknown, store: Store): WebhookSubscription {
	const body = expectObject(raw, 'The request body');
	rejectUnknownKeys(body, SUBSCRIPTION_FIELDS, '', (key) =>
		SYSTEM_FIELDS.includes(key) ? `'${key}' is system-managed and cannot be set.` : undefined,
	);
	const webhookId = readRequiredString(body, 'webhook_id', '');
	const sourceType = readEnum(body, 'source_type', '', WEBHOOK_SOURCE_TYPES, true) as WebhookSourceType;
	const sourceId = readRequiredString(body, 'source_id', '');
	const event = readEnum(body, 'event', '', WEBHOOK_EVENT_TYPES, true) as keyof typeof WEBHOOK_EVENTS;
	const allowed: readonly WebhookSourceType[] = WEBHOOK_EVENTS[event].sources;
	if (!allowed.includes(sourceType)) {
		throw unprocessable(`Event ${event} cannot be subscribed on source_type ${sourceType}; it needs source_type ${allowed.join(' or ')}.`);
	}
	const source = spaceOfSource(store, sourceType, sourceId);
	if (!source.exists) throw notFound(`${SOURCE_LABELS[sourceType]} '${sourceId}' was not found, or you do not have access to it.`);
	if (sourceType === 'ONLINE_TASK') {
		const task = store.tasks.get(sourceId);
		if (task && task.type === 'RUN_EXPERIMENT') {
			throw unprocessable(
				`Task '${sourceId}' is a RUN_EXPERIMENT task; ONLINE_TASK subscriptions need an evaluation task (TEMPLATE_EVALUATION or CODE_EVALUATION).`,
			);
		}
	}
	const webhook = store.webhooks.get(webhookId);
	if (!webhook || webhook.organization_id !== source.organizationId) {
		throw notFound(`Webhook '${webhookId}' was not found in the organization of ${SOURCE_LABELS[sourceType].toLowerCase()} '${sourceId}'.`);
	}
	let sameEventAndSource = 0;
	for (const existing of store.webhookSubscriptions.values()) {
		if (existing.source_type !== sourceType || existing.source_id !== sourceId || existing.event !== event) continue;
		if (existing.webhook_id === webhookId) {
			throw conflict(`Webhook '${webhookId}' is already subscribed to ${event} on ${sourceType} '${sourceId}' (subscription '${existing.id}').`);
		}
		sameEventAndSource += 1;
	}
	if (sameEventAndSource >= MAX_WEBHOOKS_PER_EVENT_AND_SOURCE) {
		throw unprocessable(`At most ${MAX_WEBHOOKS_PER_EVENT_AND_SOURCE} webhooks may subscribe to ${event} on one source.`);
	}
	return {
		id: store.nextId('WebhookSubscription'),
		webhook_id: webhookId,
		source_type: sourceType,
		source_id: sourceId,
		event,
		created_at: iso(store.now()),
	};
}
