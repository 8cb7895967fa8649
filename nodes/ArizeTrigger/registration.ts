import { randomBytes } from 'node:crypto';

import type { IDataObject, IHookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { arizeApiRequest, arizeApiRequestAllItems, arizePath } from '../shared/transport';
import { EVALUATION_TASK_TYPES, normaliseTask } from '../shared/types';
import type { Subscription } from './choices';
import { readRegistration } from './choices';
import { EVENTS, PERMISSION_NEEDED, SOURCE_NAMES } from './events';

/**
 * What the node keeps in its static data: the webhook it registered and the token Arize sends back with every
 * delivery. The token is a secret: it goes to Arize once, on create, and is never logged or output.
 */
export interface Registration extends IDataObject {
	webhookId?: string;
	token?: string;
}

/** n8n's webhook name: the trigger's own URL, where Arize delivers. */
const WEBHOOK = 'default';

const statusOf = (error: unknown) => (error instanceof NodeApiError ? Number(error.httpCode) : undefined);

/** The Authorization header Arize sends verbatim with each delivery of a BEARER webhook. */
export const authorizationFor = (token: string) => `Bearer ${token}`;

/** The static data of this node; in a test listen n8n hands it over to the test webhook after create. */
export const registrationOf = (context: IHookFunctions) => context.getWorkflowStaticData('node') as Registration;

/**
 * Unique within the organization, as Arize requires: this workflow and node, and whether it is the editor's test
 * webhook (which can be registered while the workflow is active).
 */
export function webhookName(context: IHookFunctions): string {
	const test = context.getMode() === 'manual' ? ' (test)' : '';
	return `n8n workflow ${context.getWorkflow().id} node ${context.getNode().id}${test}`;
}

/** Whether the registered webhook still exists in Arize and still delivers to this node's URL. */
export async function webhookExists(context: IHookFunctions): Promise<boolean> {
	const { webhookId, token } = registrationOf(context);
	if (!webhookId || !token) return false;
	let webhook: IDataObject;
	try {
		webhook = await arizeApiRequest.call(context, { method: 'GET', path: arizePath`/v2/webhooks/${webhookId}` });
	} catch (error) {
		if (statusOf(error) === 404) return false;
		throw asNodeError(context, error);
	}
	// n8n's URL changed (WEBHOOK_URL, another host): the old webhook delivers elsewhere, so n8n registers anew.
	return webhook.url === context.getNodeWebhookUrl(WEBHOOK);
}

/** Deletes a webhook (Arize detaches its subscriptions); one that is already gone is fine. */
async function deleteWebhook(context: IHookFunctions, webhookId: string): Promise<void> {
	try {
		await arizeApiRequest.call(context, { method: 'DELETE', path: arizePath`/v2/webhooks/${webhookId}` });
	} catch (error) {
		if (statusOf(error) !== 404) throw asNodeError(context, error);
	}
}

/** Removes the registration: the webhook in Arize and the token in the static data. */
export async function unregister(context: IHookFunctions): Promise<void> {
	const registration = registrationOf(context);
	if (registration.webhookId) await deleteWebhook(context, registration.webhookId);
	delete registration.webhookId;
	delete registration.token;
}

/**
 * Registers the node in Arize: one BEARER webhook at this node's URL with a fresh token, then one subscription per
 * chosen event and source. Whatever fails after the webhook exists removes it again, so a failed activation leaves
 * nothing behind in Arize.
 */
export async function register(context: IHookFunctions): Promise<void> {
	const { organizationId, subscriptions } = readRegistration(context);
	const task = subscriptions.find((subscription) => subscription.source_type === 'ONLINE_TASK');
	if (task) await assertEvaluationTask(context, task.source_id);

	// An earlier webhook of this node that n8n found gone or pointing elsewhere.
	await unregister(context);
	const token = randomBytes(32).toString('hex');
	const webhookId = await createWebhook(context, organizationId, token);
	try {
		for (const subscription of subscriptions) {
			await subscribe(context, webhookId, subscription);
		}
	} catch (error) {
		await deleteWebhook(context, webhookId);
		throw asNodeError(context, error);
	}
	Object.assign(registrationOf(context), { webhookId, token });
}

async function assertEvaluationTask(context: IHookFunctions, taskId: string): Promise<void> {
	const task = normaliseTask(await arizeApiRequest.call(context, { method: 'GET', path: arizePath`/v2/tasks/${taskId}` }));
	if (!EVALUATION_TASK_TYPES.includes(task.type)) {
		throw new NodeOperationError(context.getNode(), `Task "${task.name}" is not an evaluation task (${task.type})`, {
			description:
				'Arize sends Online Task Run Failed only for online evaluation tasks (Template or Code Evaluation). ' +
				'Choose such a task, or Every Evaluation Task in a Space.',
		});
	}
}

async function createWebhook(context: IHookFunctions, organizationId: string, token: string, retried = false): Promise<string> {
	const name = webhookName(context);
	const url = context.getNodeWebhookUrl(WEBHOOK) as string;
	const { name: nodeName } = context.getNode();
	try {
		const webhook = await arizeApiRequest.call(context, {
			method: 'POST',
			path: '/v2/webhooks',
			body: {
				organization_id: organizationId,
				name,
				description: `Arize Trigger "${nodeName}" of the n8n workflow "${context.getWorkflow().name ?? ''}"`,
				url,
				auth_type: 'BEARER',
				auth_token: authorizationFor(token),
			},
		});
		return String(webhook.id);
	} catch (error) {
		const status = statusOf(error);
		if (status === 409 && !retried) {
			// The name is this node's own: a webhook left behind that delivers here is replaced; one that delivers
			// elsewhere may be another n8n's (a copy of this workflow), so it is left alone and the user decides.
			const existing = await webhookNamed(context, organizationId, name);
			if (existing?.url === url) {
				await deleteWebhook(context, String(existing.id));
				return await createWebhook(context, organizationId, token, true);
			}
			throw explained(
				context,
				error,
				`Arize already has a webhook named "${name}" in this organization, delivering to ${String(existing?.url ?? 'another URL')}. ` +
					'It was registered for this trigger by another n8n, or before this n8n\'s URL changed. ' +
					'If it is no longer used, delete it in Arize (Settings → Webhooks), then activate again.',
			);
		}
		if (status === 403) {
			throw explained(
				context,
				error,
				'The API key\'s user may not manage webhooks in this organization. Ask an Arize organization admin for ' +
					'that permission, or use the key of a user who has it.',
			);
		}
		if (status === 422) {
			throw explained(context, error, `Arize refused the webhook. Its URL is this node's: ${url}; it must be a public http(s) address.`);
		}
		throw asNodeError(context, error);
	}
}

async function webhookNamed(context: IHookFunctions, organizationId: string, name: string) {
	// `name` filters by "contains": the exact name is picked from the matches.
	const webhooks = await arizeApiRequestAllItems.call(context, {
		path: '/v2/webhooks',
		listKey: 'webhooks',
		qs: { org_id: organizationId, name },
	});
	return webhooks.find((webhook) => webhook.name === name);
}

async function subscribe(context: IHookFunctions, webhookId: string, subscription: Subscription): Promise<void> {
	try {
		await arizeApiRequest.call(context, {
			method: 'POST',
			path: '/v2/webhook-subscriptions',
			body: { webhook_id: webhookId, ...subscription },
		});
	} catch (error) {
		const event = EVENTS[subscription.event].displayName;
		const source = `${SOURCE_NAMES[subscription.source_type]} ${subscription.source_id}`;
		const status = statusOf(error);
		if (status === 403) {
			throw explained(
				context,
				error,
				`${event} on ${source} needs ${PERMISSION_NEEDED[subscription.source_type]} for the API key's user. ` +
					'Ask an Arize admin for it, or use the key of a user who has it.',
			);
		}
		if (status === 404) {
			throw explained(context, error, `Arize found no ${source} for ${event} (or the API key's user cannot see it). Check the choice.`);
		}
		if (status === 422) {
			throw explained(
				context,
				error,
				`Arize refused ${event} on ${source}. Online Task Run Failed works only for online evaluation tasks ` +
					'or a space; Arize allows at most 200 webhooks per event and source.',
			);
		}
		throw asNodeError(context, error);
	}
}

/** The transport's errors are n8n's already and pass on unchanged; anything else is wrapped. */
function asNodeError(context: IHookFunctions, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeApiError(context.getNode(), error as JsonObject);
}

/** Arize's own message stays the error's message; the description says what to do about it. */
function explained(context: IHookFunctions, error: unknown, description: string): NodeApiError | NodeOperationError {
	const nodeError = asNodeError(context, error);
	if (nodeError instanceof NodeApiError) nodeError.description = description;
	return nodeError;
}

/**
 * Marks the node's own call to its test URL that tells the editor why no test event comes (see requestTestDelivery).
 * Arize's deliveries never carry it; the call carries the node's token like a delivery.
 */
export const TEST_FAILED_HEADER = 'x-n8n-arize-test-failed';

/**
 * Asks Arize for a test delivery to the webhook just registered for the editor's "Listen for test event". Not
 * awaited by create: Arize sends the test delivery before it answers, and n8n only hands the new token to its test
 * webhook once create has returned, so waiting here would have the delivery refused. When Arize sends none, the node
 * says why where the user is looking: it calls its own test URL with TEST_FAILED_HEADER, and receive() fails that
 * call with the reason, which n8n shows in the editor as the test execution's error (and stops listening).
 */
export async function requestTestDelivery(context: IHookFunctions): Promise<void> {
	const { webhookId } = registrationOf(context);
	let failure: { message: string; description: string } | undefined;
	try {
		const answer = await arizeApiRequest.call(context, { method: 'POST', path: arizePath`/v2/webhooks/${String(webhookId)}/test` });
		const status = Number(answer.status_code);
		if (!(status >= 200 && status < 300)) {
			failure = {
				message: "Arize's test event did not arrive",
				description:
					`Arize sent it to this n8n's test URL and got ${answer.status_code === null ? 'no answer' : `HTTP ${String(answer.status_code)}`}. ` +
					`Check that the URL reaches this n8n, then listen again.${answer.error_message ? ` Arize said: ${String(answer.error_message)}` : ''}`,
			};
		}
	} catch (error) {
		const status = statusOf(error);
		const arize = `Arize answered: ${(error as Error).message}`;
		failure =
			status === 404
				? {
						message: 'Arize cannot reach this n8n to send a test event',
						description: `Arize delivers to public addresses only. Give this n8n a public URL (WEBHOOK_URL, or a tunnel), then listen again. ${arize}`,
					}
				: status === 503
					? { message: 'Arize could not send a test event right now', description: `Listen again in a moment. ${arize}` }
					: { message: 'Arize did not send a test event', description: arize };
	}
	if (failure) await reportToEditor(context, failure);
}

/** Fails the editor's test listen with `failure` (see requestTestDelivery); n8n's log has it when that cannot be done. */
async function reportToEditor(context: IHookFunctions, failure: { message: string; description: string }): Promise<void> {
	const node = context.getNode().name;
	context.logger.warn(`${failure.message} for "${node}". ${failure.description}`);
	const { token } = registrationOf(context);
	try {
		await context.helpers.httpRequest({
			method: 'POST',
			url: context.getNodeWebhookUrl(WEBHOOK) as string,
			headers: { authorization: authorizationFor(token as string), [TEST_FAILED_HEADER]: '1' },
			body: failure,
			json: true,
			// receive() fails the call on purpose: n8n answers it 500.
			ignoreHttpStatusErrors: true,
		});
	} catch (error) {
		context.logger.warn(`Could not tell the editor of "${node}" why no test event came: ${(error as Error).message}`);
	}
}
