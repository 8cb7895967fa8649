import { normaliseEnum } from '../enums.ts';
import { paginate } from '../pagination.ts';
import { ApiError, badRequest, notFound } from '../problems.ts';
import type { Route, RouteContext } from '../router.ts';
import { applyWebhookPatch, spaceOfSource, subscriptionFromCreateBody, webhookFromCreateBody } from '../rules/webhook-body.ts';
import type { JsonObject } from '../types.ts';
import { readQueryText } from '../validate.ts';
import { deliveriesOf } from '../webhooks/events.ts';
import { WEBHOOK_SOURCE_TYPES } from '../webhooks/types.ts';
import type { DeliveryAttempt, Organization, Webhook, WebhookSubscription } from '../webhooks/types.ts';
import { containsIgnoringCase } from './filters.ts';

// Arize's webhook API (alpha): organizations (where webhooks live), webhooks, their test deliveries and delivery attempts,
// and webhook subscriptions. Lists are newest first, as Arize documents; auth_token, header values and the HMAC
// signing secret (except once, on create) never appear in a response.

const TEST_EVENT = 'webhook.test';
/** What a test delivery reports when the endpoint did not answer (TestWebhookResponse.status_code). */
const NO_ANSWER_STATUS = 502;
const REDACTED = '<redacted>';

function presentOrganization(organization: Organization): JsonObject {
	return { ...organization };
}

export function presentWebhook(webhook: Webhook, casing: RouteContext['casing']): JsonObject {
	const body: JsonObject = {
		id: webhook.id,
		organization_id: webhook.organization_id,
		name: webhook.name,
		description: webhook.description,
		url: webhook.url,
		auth_type: casing(webhook.auth_type),
	};
	if (webhook.signing_secret !== null) body.signing_secret_hint = `whsec_…${webhook.signing_secret.slice(-4)}`;
	body.timeout_ms = webhook.timeout_ms;
	body.created_at = webhook.created_at;
	body.updated_at = webhook.updated_at;
	if (webhook.created_by_user_id !== null) body.created_by_user_id = webhook.created_by_user_id;
	return body;
}

function presentSubscription(subscription: WebhookSubscription, casing: RouteContext['casing']): JsonObject {
	return { ...subscription, source_type: casing(subscription.source_type), event: casing(subscription.event) };
}

function presentAttempt(attempt: DeliveryAttempt): JsonObject {
	const { id: _internal, ...body } = attempt;
	return body;
}

/** Newest first: Map order is creation order, and created_at can tie within a millisecond. */
const newestCreatedFirst = <T>(items: Iterable<T>): T[] => [...items].reverse();

function listOrganizations({ store, query }: RouteContext) {
	const name = readQueryText(query, 'name');
	const organizations = [...store.organizations.values()].filter((organization) => containsIgnoringCase(organization.name, name));
	const { page, pagination } = paginate(organizations, query, 'organizations', { name });
	return { status: 200, body: { organizations: page.map(presentOrganization), pagination } };
}

function webhookOrThrow({ store, params }: RouteContext): Webhook {
	const webhook = store.webhooks.get(params.webhook_id);
	if (!webhook) throw notFound(`Webhook '${params.webhook_id}' was not found.`);
	return webhook;
}

function listWebhooks({ store, query, casing }: RouteContext) {
	const orgId = query.get('org_id') ?? undefined;
	if (orgId !== undefined && !store.organizations.has(orgId)) {
		throw notFound(`Organization '${orgId}' was not found, or you do not have access to it.`);
	}
	const name = readQueryText(query, 'name');
	const webhooks = newestCreatedFirst(store.webhooks.values()).filter(
		(webhook) => (orgId === undefined || webhook.organization_id === orgId) && containsIgnoringCase(webhook.name, name),
	);
	const { page, pagination } = paginate(webhooks, query, 'webhooks', { org_id: orgId, name });
	return { status: 200, body: { webhooks: page.map((webhook) => presentWebhook(webhook, casing)), pagination } };
}

function createWebhook({ store, body, casing }: RouteContext) {
	const webhook = webhookFromCreateBody(body(), store);
	store.webhooks.set(webhook.id, webhook);
	// CreateWebhookResponse: the header names, never their values; the HMAC secret this once.
	const response = presentWebhook(webhook, casing);
	response.headers = Object.fromEntries(Object.keys(webhook.headers).map((name) => [name, REDACTED]));
	if (webhook.signing_secret !== null) response.signing_secret = webhook.signing_secret;
	return { status: 201, body: response };
}

function getWebhook(context: RouteContext) {
	return { status: 200, body: presentWebhook(webhookOrThrow(context), context.casing) };
}

function updateWebhook(context: RouteContext) {
	const webhook = webhookOrThrow(context);
	applyWebhookPatch(webhook, context.body(), context.store);
	return { status: 200, body: presentWebhook(webhook, context.casing) };
}

/** Deleting a webhook detaches it from every subscription and forgets its delivery attempts. */
function deleteWebhook(context: RouteContext) {
	const webhook = webhookOrThrow(context);
	const { store } = context;
	store.webhooks.delete(webhook.id);
	for (const [id, subscription] of store.webhookSubscriptions) {
		if (subscription.webhook_id === webhook.id) store.webhookSubscriptions.delete(id);
	}
	store.webhookDeliveryAttempts.delete(webhook.id);
	return { status: 204 };
}

async function testWebhook(context: RouteContext) {
	const webhook = webhookOrThrow(context);
	if (webhook.auth_type === 'HMAC_SHA256') {
		throw badRequest('Test deliveries are not supported for HMAC_SHA256 webhooks.');
	}
	const engine = deliveriesOf(context.store);
	if (!engine || engine.testOutage === 503) throw new ApiError(503, 'The test delivery could not be sent. Retry later.');
	if (engine.testOutage === 404) throw notFound(`The destination of webhook '${webhook.id}' is not available to receive a test.`);
	const { store } = context;
	const outcome = await engine.test(webhook, {
		event: TEST_EVENT,
		event_id: store.nextId('WebhookEvent'),
		occurred_at: new Date(store.now()).toISOString(),
		webhook_id: webhook.id,
	});
	return { status: 200, body: { status_code: outcome.status_code ?? NO_ANSWER_STATUS, error_message: outcome.error_message } };
}

function listDeliveryAttempts(context: RouteContext) {
	const webhook = webhookOrThrow(context);
	const attempts = newestCreatedFirst(context.store.webhookDeliveryAttempts.get(webhook.id) ?? []);
	const { page, pagination } = paginate(attempts, context.query, `delivery_attempts:${webhook.id}`, {}, { maxLimit: 500 });
	return { status: 200, body: { delivery_attempts: page.map(presentAttempt), pagination } };
}

/** A subscription whose webhook and source both still exist (Arize answers 404 for the others). */
function isLive(store: RouteContext['store'], subscription: WebhookSubscription): boolean {
	return store.webhooks.has(subscription.webhook_id) && spaceOfSource(store, subscription.source_type, subscription.source_id).exists;
}

function subscriptionOrThrow({ store, params }: RouteContext): WebhookSubscription {
	const subscription = store.webhookSubscriptions.get(params.subscription_id);
	if (!subscription || !isLive(store, subscription)) {
		throw notFound(`Webhook subscription '${params.subscription_id}' was not found.`);
	}
	return subscription;
}

function listSubscriptions({ store, query, casing }: RouteContext) {
	const rawType = query.get('source_type');
	const sourceId = query.get('source_id') ?? undefined;
	if ((rawType === null) !== (sourceId === undefined)) {
		throw badRequest("Query parameters 'source_type' and 'source_id' go together: give both to list one source's subscriptions, or neither.");
	}
	const sourceType = rawType === null ? undefined : normaliseEnum(rawType, WEBHOOK_SOURCE_TYPES);
	if (rawType !== null && !sourceType) {
		throw badRequest(`Query parameter 'source_type' must be one of ${WEBHOOK_SOURCE_TYPES.join(', ')}; got '${rawType}'.`);
	}
	if (sourceType && sourceId !== undefined && !spaceOfSource(store, sourceType, sourceId).exists) {
		throw notFound(`${sourceType} source '${sourceId}' was not found, or you do not have access to it.`);
	}
	const subscriptions = newestCreatedFirst(store.webhookSubscriptions.values()).filter(
		(subscription) =>
			isLive(store, subscription) &&
			(sourceType === undefined || (subscription.source_type === sourceType && subscription.source_id === sourceId)),
	);
	const { page, pagination } = paginate(subscriptions, query, 'webhook_subscriptions', { source_type: sourceType, source_id: sourceId });
	return { status: 200, body: { subscriptions: page.map((subscription) => presentSubscription(subscription, casing)), pagination } };
}

function createSubscription({ store, body, casing }: RouteContext) {
	const subscription = subscriptionFromCreateBody(body(), store);
	store.webhookSubscriptions.set(subscription.id, subscription);
	return { status: 201, body: presentSubscription(subscription, casing) };
}

function getSubscription(context: RouteContext) {
	return { status: 200, body: presentSubscription(subscriptionOrThrow(context), context.casing) };
}

function deleteSubscription(context: RouteContext) {
	const subscription = subscriptionOrThrow(context);
	context.store.webhookSubscriptions.delete(subscription.id);
	return { status: 204 };
}

export const webhookRoutes: Route[] = [
	{ method: 'GET', pattern: '/v2/organizations', handler: listOrganizations },
	{ method: 'GET', pattern: '/v2/webhooks', handler: listWebhooks },
	{ method: 'POST', pattern: '/v2/webhooks', handler: createWebhook },
	{ method: 'GET', pattern: '/v2/webhooks/:webhook_id', handler: getWebhook },
	{ method: 'PATCH', pattern: '/v2/webhooks/:webhook_id', handler: updateWebhook },
	{ method: 'DELETE', pattern: '/v2/webhooks/:webhook_id', handler: deleteWebhook },
	{ method: 'POST', pattern: '/v2/webhooks/:webhook_id/test', handler: testWebhook },
	{ method: 'GET', pattern: '/v2/webhooks/:webhook_id/delivery-attempts', handler: listDeliveryAttempts },
	{ method: 'GET', pattern: '/v2/webhook-subscriptions', handler: listSubscriptions },
	{ method: 'POST', pattern: '/v2/webhook-subscriptions', handler: createSubscription },
	{ method: 'GET', pattern: '/v2/webhook-subscriptions/:subscription_id', handler: getSubscription },
	{ method: 'DELETE', pattern: '/v2/webhook-subscriptions/:subscription_id', handler: deleteSubscription },
];
