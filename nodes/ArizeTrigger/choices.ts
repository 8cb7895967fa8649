import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ArizeEvent, SourceType } from './events';
import { EVENTS, isArizeEvent, PROMPT_EVENTS } from './events';

/** One subscription to create: an event on a source (Arize refuses an event that does not fit its source). */
export interface Subscription {
	event: ArizeEvent;
	source_type: SourceType;
	source_id: string;
}

/** The events chosen in the node, in Arize's subscription spelling. */
export function chosenEvents(context: IHookFunctions | IWebhookFunctions): ArizeEvent[] {
	const events = context.getNodeParameter('events', []) as string[];
	return events.filter(isArizeEvent);
}

function locatorId(context: IHookFunctions, name: string, displayName: string, why: string): string {
	const value = String(context.getNodeParameter(name, '', { extractValue: true }) ?? '').trim();
	if (!value) {
		throw new NodeOperationError(context.getNode(), `Choose the ${displayName}`, {
			description: `${why} Pick it from the list or enter its ID.`,
		});
	}
	return value;
}

/** The organization and one subscription per chosen event and source; a missing choice fails before any request. */
export function readRegistration(context: IHookFunctions): { organizationId: string; subscriptions: Subscription[] } {
	const events = chosenEvents(context);
	if (events.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Choose at least one event', {
			description: 'Pick the Arize events that should start this workflow under Events.',
		});
	}
	const organizationId = locatorId(context, 'organizationId', 'Organization', 'Arize registers webhooks per organization.');
	const subscriptions: Subscription[] = [];
	for (const event of events) {
		const needs = `${EVENTS[event].displayName} needs it.`;
		if (event === 'ONLINE_TASK_RUN_FAILED') {
			const scope = context.getNodeParameter('taskScope', 'task') as string;
			subscriptions.push(
				scope === 'space'
					? { event, source_type: 'SPACE', source_id: locatorId(context, 'spaceId', 'Space', needs) }
					: { event, source_type: 'ONLINE_TASK', source_id: locatorId(context, 'taskId', 'Task', needs) },
			);
		} else if (PROMPT_EVENTS.includes(event)) {
			subscriptions.push({ event, source_type: 'PROMPT', source_id: locatorId(context, 'promptId', 'Prompt', needs) });
		} else {
			subscriptions.push({ event, source_type: 'EVALUATOR', source_id: locatorId(context, 'evaluatorId', 'Evaluator', needs) });
		}
	}
	return { organizationId, subscriptions };
}
