import { createHash, timingSafeEqual } from 'node:crypto';

import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { chosenEvents } from './choices';
import { DELIVERED_EVENT_NAMES, EVENTS } from './events';
import type { Registration } from './registration';
import { authorizationFor, TEST_FAILED_HEADER } from './registration';

/** The field the node adds to the payload: when n8n received it. camelCase, so it cannot collide with Arize's fields. */
export const RECEIVED_AT = 'receivedAt';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares the Authorization header with the expected one in constant time: both are hashed first, so neither the
 * position of the first difference nor the header's length shows in the time taken.
 */
function isAuthorized(header: unknown, token: string | undefined): boolean {
	if (!token || typeof header !== 'string') return false;
	return timingSafeEqual(digest(header), digest(authorizationFor(token)));
}

/**
 * One delivery from Arize. A delivery without the token this node registered is answered 401 and fires nothing; an
 * event the user did not choose is answered 200 and fires nothing. Otherwise the payload is passed on as Arize sent
 * it (its shape beyond `event` is undocumented), with the time it was received. n8n answers at once
 * (responseMode onReceived), before the workflow runs: Arize retries deliveries that are not answered in time.
 */
export async function receive(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const { token } = context.getWorkflowStaticData('node') as Registration;
	if (!isAuthorized(context.getHeaderData().authorization, token)) {
		context.getResponseObject().status(401).json({ message: 'Authorization is missing or wrong' });
		return { noWebhookResponse: true };
	}

	// The node's own call while the editor listens: Arize sent no test event, and the error says why (registration.ts).
	if (context.getMode() === 'manual' && context.getHeaderData()[TEST_FAILED_HEADER] !== undefined) {
		const { message, description } = context.getBodyData();
		throw new NodeOperationError(context.getNode(), String(message), { description: String(description) });
	}

	const receivedAt = new Date().toISOString();
	const body = context.getBodyData();
	const event = typeof body.event === 'string' ? body.event : undefined;
	const chosen: string[] = chosenEvents(context).map((value) => EVENTS[value].delivered);
	// Arize's test delivery ("Listen for test event") carries an event of its own, undocumented: while the editor
	// listens, a delivery that is none of Arize's events is shown as the sample.
	const isTestDelivery = context.getMode() === 'manual' && !DELIVERED_EVENT_NAMES.includes(event ?? '');
	if (!isTestDelivery && (event === undefined || !chosen.includes(event))) {
		return { webhookResponse: { message: 'Event not chosen in this trigger: ignored' } };
	}
	const item: IDataObject = { ...body, [RECEIVED_AT]: receivedAt };
	return { workflowData: [context.helpers.returnJsonArray([item])] };
}
