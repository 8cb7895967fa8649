import type { INode } from 'n8n-workflow';

import { WEBHOOK_SEED } from '../../../sandbox/webhooks/seed.ts';
import { waitFor } from './env';
import type { N8nRest } from './n8nRest';
import { arize } from './sandbox';

// The Arize Trigger's registrations as the sandbox shows them, and activation that waits for them: n8n 2.41 applies
// an activation or deactivation after it answered the request (its workflow publication outbox).

export const ORG = WEBHOOK_SEED.orgIds.main;
export const PROMPT = WEBHOOK_SEED.promptIds.supportAnswer;
const enc = encodeURIComponent;

export interface Webhook {
	id: string;
	name: string;
	url: string;
	auth_type: string;
}
export interface Subscription {
	webhook_id: string;
	source_type: string;
	source_id: string;
	event: string;
}
export interface DeliveryAttempt {
	event_id: string;
	attempt_number: number;
	payload: Record<string, unknown>;
	status_code: number | null;
}

export const webhooksOfOrg = async () =>
	(await arize<{ webhooks: Webhook[] }>('GET', `/v2/webhooks?org_id=${enc(ORG)}&limit=100`)).webhooks;

export const subscriptionsOf = (sourceType: string, sourceId: string) => async () =>
	(
		await arize<{ subscriptions: Subscription[] }>(
			'GET',
			`/v2/webhook-subscriptions?source_type=${sourceType}&source_id=${enc(sourceId)}&limit=100`,
		)
	).subscriptions;

export const subscriptionsOfPrompt = subscriptionsOf('PROMPT', PROMPT);

export async function deliveryAttempts(webhookId: string): Promise<DeliveryAttempt[]> {
	const path = `/v2/webhooks/${enc(webhookId)}/delivery-attempts?limit=500`;
	return (await arize<{ delivery_attempts: DeliveryAttempt[] }>('GET', path)).delivery_attempts;
}

/** Puts `labels` on a version of the support-answer prompt (a label moves from the version that had it). */
export async function labelPromptVersion(versionId: string, labels: string[]): Promise<void> {
	await arize('PUT', `/v2/prompt-versions/${enc(versionId)}/labels`, { labels });
}

/** The webhook delivering to this production URL, once it and its subscriptions exist in the sandbox. */
export async function registeredAt(url: string, subscriptions: () => Promise<Subscription[]>): Promise<Webhook> {
	return await waitFor(
		`a webhook at ${url} with its subscription`,
		async () => {
			const webhook = (await webhooksOfOrg()).find((candidate) => candidate.url === url);
			return webhook && (await subscriptions()).some((subscription) => subscription.webhook_id === webhook.id) ? webhook : undefined;
		},
		30_000,
		250,
	);
}

export async function activate(rest: N8nRest, id: string, versionId: string, url: string, subscriptions: () => Promise<Subscription[]>) {
	await rest.post(`/rest/workflows/${id}/activate`, { versionId });
	return await registeredAt(url, subscriptions);
}

export async function deactivate(rest: N8nRest, id: string, webhookId: string) {
	await rest.post(`/rest/workflows/${id}/deactivate`, {});
	await waitFor(
		'the webhook to be deleted',
		async () => ((await webhooksOfOrg()).some((candidate) => candidate.id === webhookId) ? undefined : true),
		30_000,
		250,
	);
}

/** An Arize Trigger on Prompt Version Labeled of the support-answer prompt. */
export function promptLabeledTrigger(name: string, webhookId: string, credentialId: string): INode {
	return {
		id: 'e2e-arize-trigger',
		name,
		type: 'n8n-nodes-arize.arizeTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters: {
			organizationId: { __rl: true, mode: 'list', value: ORG },
			events: ['PROMPT_VERSION_LABELED'],
			promptId: { __rl: true, mode: 'id', value: PROMPT },
		},
		credentials: { arizeApi: { id: credentialId, name: 'Arize API (sandbox)' } },
	};
}
