import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import * as listSearch from './methods/listSearch';
import { receive } from './receiving';
import { register, requestTestDelivery, unregister, webhookExists } from './registration';

export class ArizeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Arize Trigger',
		name: 'arizeTrigger',
		icon: { light: 'file:../../icons/arize.svg', dark: 'file:../../icons/arize.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["events"].join(", ") }}',
		description: 'Starts the workflow when Arize AX sends an event: a failing online task, a prompt or evaluator release',
		defaults: { name: 'Arize Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'arizeApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties,
	};

	methods = { listSearch };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await webhookExists(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				await register(this);
				// The editor's "Listen for test event": ask Arize for a sample now rather than wait for a real event.
				// Not awaited (see requestTestDelivery).
				if (this.getMode() === 'manual') void requestTestDelivery(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				await unregister(this);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receive(this);
	}
}
