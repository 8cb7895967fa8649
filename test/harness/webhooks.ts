/**
 * A webhook trigger node's life in n8n, through n8n-core's real `HookContext` and `WebhookContext`, with a real HTTP
 * endpoint where n8n's webhook URLs point, so a service (the sandbox) can deliver to the node over the network.
 *
 * What is mirrored (n8n 2.41 `packages/cli/src`):
 * - activation: `ActiveWorkflowManager.addWebhooks` → `WebhookService.createWebhookIfNotExists` (checkExists, then
 *   create when it answers false) in mode `trigger`; the workflow's static data is saved afterwards
 *   (`saveStaticData`), and every later delivery loads the workflow with the saved static data (`LiveWebhooks`).
 * - deactivation: `ActiveWorkflowManager.clearWebhooks` → `deleteWebhook` in mode `internal`, activation `update`,
 *   on a workflow loaded with the saved static data.
 * - "Listen for test event": `TestWebhooks.needsWebhook` → `createWebhookIfNotExists` in mode `manual` on the test
 *   URL (`isTest`); only after it returns is the static data put on the registration, and a test delivery runs on a
 *   fresh workflow given that static data (`setTestStaticData`); after the first execution the test webhook is
 *   deleted (`deactivateWebhooks`: mode `internal`, activation `update`).
 * - a delivery: `WebhookService.runWebhook` (a `WebhookContext` with the request and response), then what
 *   `WebhookHelpers.executeWebhook` answers for a `responseMode: 'onReceived'` webhook: nothing more when the node
 *   answered itself (`noWebhookResponse`), its `webhookResponse` with 200, or `{"message":"Workflow was started"}`
 *   when it returned workflow data, which then starts an execution (recorded here as `executions`). An error thrown
 *   by webhook() is answered 500 and starts an execution that holds only the error (`failedExecutions`); on a test
 *   webhook that ends the listen.
 */
import './env';

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';

import { HookContext, WebhookContext } from 'n8n-core';
import type {
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, Workflow, deepCopy } from 'n8n-workflow';

import { Container, HARNESS_WORKFLOW_ID, createAdditionalData, createEnvironment, ensureExpressionEngine, fullNodeTypeName, highestVersion } from './environment';
import type { Environment } from './environment';
import type { HarnessCredentials } from './index';

export interface WebhookTriggerOptions {
	nodeType: INodeType;
	credentialTypes: ICredentialType[];
	credentials?: HarnessCredentials;
	parameters: INodeParameters;
	typeVersion?: number;
	/** The node's `webhookId` (n8n gives every webhook node a UUID); default a fixed one. */
	webhookId?: string;
	/** The workflow's ID; default the harness's. */
	workflowId?: string;
}

/** One request n8n's webhook endpoint received, and what it answered. */
export interface Delivery {
	path: string;
	headers: IncomingMessage['headers'];
	body: unknown;
	status: number;
	response: unknown;
	/** The items the node emitted: an execution started with them. Undefined when nothing fired. */
	items?: INodeExecutionData[];
}

/** n8n keeps static data as JSON in its database, without the flag that says it changed. */
const jsonCopy = (value: object) => {
	const copy = JSON.parse(JSON.stringify(value)) as IDataObject;
	delete copy.__dataChanged;
	return copy;
};

type Listener = { trigger: WebhookTrigger; isTest: boolean };

/**
 * n8n's webhook endpoints (`/webhook/…` and `/webhook-test/…`) on a loopback port: what the base URLs of every
 * trigger made with `trigger()` point at.
 */
export class WebhookEndpoint {
	readonly deliveries: Delivery[] = [];
	private readonly listeners = new Map<string, Listener>();

	private constructor(
		private readonly server: Server,
		readonly url: string,
	) {}

	static async start(): Promise<WebhookEndpoint> {
		let endpoint: WebhookEndpoint | undefined;
		const server = createServer((req, res) => void endpoint!.handle(req, res));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		endpoint = new WebhookEndpoint(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
		return endpoint;
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** A webhook trigger node of a workflow on this n8n. */
	async trigger(options: WebhookTriggerOptions): Promise<WebhookTrigger> {
		await ensureExpressionEngine();
		return new WebhookTrigger(this, options);
	}

	/** @internal */
	listen(path: string, listener: Listener | undefined) {
		if (listener) this.listeners.set(path, listener);
		else this.listeners.delete(path);
	}

	private async handle(req: IncomingMessage, res: ServerResponse) {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks).toString('utf8');
		let body: unknown = {};
		try {
			body = raw ? JSON.parse(raw) : {};
		} catch {
			body = raw;
		}
		const path = (req.url ?? '').split('?')[0];
		const delivery: Delivery = { path, headers: req.headers, body, status: 0, response: undefined };
		this.deliveries.push(delivery);
		const listener = this.listeners.get(path);
		const answer = (status: number, response: unknown) => {
			delivery.status = status;
			delivery.response = response;
			if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(response));
		};
		if (!listener) {
			// n8n's WebhookNotFoundError.
			answer(404, { code: 404, message: `The requested webhook "POST ${path}" is not registered.` });
			return;
		}
		try {
			const outcome = await listener.trigger.receive(listener.isTest, Object.assign(req, { body, params: {}, query: {} }), expressLike(res));
			if (res.headersSent) {
				delivery.status = res.statusCode;
				delivery.response = (res as ExpressLikeResponse).sentBody;
			} else if (outcome.workflowData) {
				delivery.items = outcome.workflowData[0] ?? [];
				answer(200, { message: 'Workflow was started' });
			} else {
				answer(200, outcome.webhookResponse ?? { message: 'Webhook call received' });
			}
		} catch (error) {
			// n8n answers an error thrown by webhook() with 500 and its message.
			answer(500, { code: 0, message: (error as Error).message });
		}
	}
}

type ExpressLikeResponse = ServerResponse & { sentBody?: unknown };

/** The part of express's response that webhook nodes use: status(), json(), send(), end(). */
function expressLike(res: ServerResponse) {
	const response = res as ExpressLikeResponse & { status: (code: number) => unknown; json: (body: unknown) => unknown; send: (body: unknown) => unknown };
	response.status = (code: number) => {
		res.statusCode = code;
		return response;
	};
	response.json = (body: unknown) => {
		response.sentBody = body;
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify(body));
		return response;
	};
	response.send = (body: unknown) => {
		response.sentBody = body;
		res.end(typeof body === 'string' ? body : JSON.stringify(body));
		return response;
	};
	return response;
}

/** A webhook trigger node of one workflow: activate, deactivate, listen for a test event, receive. */
export class WebhookTrigger {
	/** The workflow's static data as n8n saved it (on activation and deactivation). */
	private workflowStaticData: IDataObject = {};
	/** Executions the node started: the items of each. */
	readonly executions: INodeExecutionData[][] = [];
	/** Executions that hold only the error webhook() threw. */
	readonly failedExecutions: Error[] = [];
	/** The test webhook's static data, once n8n registered it (undefined while create runs, as in n8n). */
	private testStaticData: IDataObject | undefined;
	private readonly env: Environment;
	private readonly node: INode;
	private readonly additionalData: IWorkflowExecuteAdditionalData;

	constructor(
		private readonly endpoint: WebhookEndpoint,
		private readonly options: WebhookTriggerOptions,
	) {
		this.env = createEnvironment(options.credentialTypes, deepCopy(options.credentials ?? {}) as never);
		const typeName = fullNodeTypeName(options.nodeType);
		this.env.nodeTypes.add(typeName, options.nodeType);
		this.node = {
			id: 'harness-webhook-node',
			name: options.nodeType.description.defaults?.name ?? options.nodeType.description.displayName,
			type: typeName,
			typeVersion: options.typeVersion ?? highestVersion(options.nodeType),
			position: [0, 0],
			parameters: deepCopy(options.parameters),
			webhookId: options.webhookId ?? '6f1c0f4e-2b7a-4c59-9d43-0a1b2c3d4e5f',
		};
		if (options.credentials) {
			this.node.credentials = Object.fromEntries(
				Object.keys(options.credentials).map((type) => [type, { id: `harness-${type}`, name: `${type} account` }]),
			);
		}
		this.additionalData = createAdditionalData(this.env, {
			webhookBaseUrl: `${endpoint.url}/webhook`,
			webhookTestBaseUrl: `${endpoint.url}/webhook-test`,
		});
	}

	/** The node's static data as n8n saved it (`getWorkflowStaticData('node')` of an active workflow). */
	get savedStaticData(): IDataObject {
		return (this.workflowStaticData[`node:${this.node.name}`] ?? {}) as IDataObject;
	}

	/** The production URL (`isTest` false) or the test URL of the node's webhook. */
	url(isTest = false): string {
		return `${this.endpoint.url}/${isTest ? 'webhook-test' : 'webhook'}/${this.webhookData(isTest).path}`;
	}

	/** A workflow as n8n loads it from the database, with the given static data. */
	private workflow(staticData: IDataObject, active: boolean): Workflow {
		return new Workflow({
			id: this.options.workflowId ?? HARNESS_WORKFLOW_ID,
			name: 'Harness webhook workflow',
			nodes: [deepCopy(this.node)],
			connections: {},
			active,
			nodeTypes: this.env.nodeTypes,
			staticData: deepCopy(staticData),
			settings: { executionOrder: 'v1' },
		});
	}

	private webhookData(isTest: boolean): IWebhookData {
		const description = this.options.nodeType.description.webhooks![0];
		const workflowId = this.options.workflowId ?? HARNESS_WORKFLOW_ID;
		const path = NodeHelpers.getNodeWebhookPath(workflowId, this.node, String(description.path));
		return {
			httpMethod: String(description.httpMethod) as IWebhookData['httpMethod'],
			node: this.node.name,
			path,
			webhookDescription: description,
			workflowId,
			workflowExecuteAdditionalData: this.additionalData,
			...(isTest && { isTest: true }),
		};
	}

	private async hook(
		method: 'checkExists' | 'create' | 'delete',
		workflow: Workflow,
		isTest: boolean,
		mode: WorkflowExecuteMode,
		activation: WorkflowActivateMode,
	): Promise<boolean | undefined> {
		const webhookData = this.webhookData(isTest);
		const fn = this.options.nodeType.webhookMethods?.default?.[method];
		if (!fn) return undefined;
		const context = new HookContext(workflow, workflow.getNode(this.node.name)!, this.additionalData, mode, activation, webhookData);
		return await workflow.expression.withIsolate(async () => await fn.call(context));
	}

	/** Activating the workflow (or n8n starting with it active: `activation` `init`). Throws what n8n would show. */
	async activate(activation: WorkflowActivateMode = 'activate'): Promise<void> {
		const workflow = this.workflow(this.workflowStaticData, true);
		if (!(await this.hook('checkExists', workflow, false, 'trigger', activation))) {
			await this.hook('create', workflow, false, 'trigger', activation);
		}
		this.workflowStaticData = jsonCopy(workflow.staticData);
		this.endpoint.listen(new URL(this.url()).pathname, { trigger: this, isTest: false });
	}

	/** What checkExists answers now, on the saved static data. */
	async checkExists(): Promise<boolean> {
		return (await this.hook('checkExists', this.workflow(this.workflowStaticData, true), false, 'trigger', 'activate')) === true;
	}

	/** Deactivating the workflow. */
	async deactivate(): Promise<void> {
		const workflow = this.workflow(this.workflowStaticData, true);
		this.endpoint.listen(new URL(this.url()).pathname, undefined);
		await this.hook('delete', workflow, false, 'internal', 'update');
		this.workflowStaticData = jsonCopy(workflow.staticData);
	}

	/** "Listen for test event": registers the test webhook; resolves when n8n would start listening. */
	async listen(): Promise<void> {
		const path = new URL(this.url(true)).pathname;
		// n8n registers the listener before create runs, without static data.
		this.testStaticData = undefined;
		this.endpoint.listen(path, { trigger: this, isTest: true });
		const workflow = this.workflow({}, false);
		try {
			if (!(await this.hook('checkExists', workflow, true, 'manual', 'manual'))) {
				await this.hook('create', workflow, true, 'manual', 'manual');
			}
		} catch (error) {
			await this.stopListening();
			throw error;
		}
		this.testStaticData = workflow.staticData;
	}

	/** n8n removing the test webhook: after its first execution, or when the editor stops listening. */
	async stopListening(): Promise<void> {
		this.endpoint.listen(new URL(this.url(true)).pathname, undefined);
		const workflow = this.workflow(this.testStaticData ?? {}, false);
		await this.hook('delete', workflow, true, 'internal', 'update');
		this.testStaticData = undefined;
	}

	/** @internal One delivery to the node's webhook. */
	async receive(isTest: boolean, req: IncomingMessage & { body: unknown }, res: ServerResponse) {
		const workflow = this.workflow(isTest ? {} : this.workflowStaticData, !isTest);
		if (isTest && this.testStaticData) workflow.setTestStaticData(this.testStaticData);
		const additionalData = { ...this.additionalData, httpRequest: req, httpResponse: res } as unknown as IWorkflowExecuteAdditionalData;
		const node = workflow.getNode(this.node.name)!;
		const context = new WebhookContext(workflow, node, additionalData, isTest ? 'manual' : 'webhook', this.webhookData(isTest), [], null);
		let outcome: IWebhookResponseData;
		try {
			outcome = await workflow.expression.withIsolate(async () => await this.options.nodeType.webhook!.call(context));
		} catch (error) {
			// n8n starts an execution that holds only the error (the editor shows it on the node); for a test webhook
			// that is its one execution.
			this.failedExecutions.push(error as Error);
			if (isTest) void this.stopListening();
			throw error;
		}
		if (outcome.workflowData) {
			this.executions.push(outcome.workflowData[0] ?? []);
			// A test webhook serves one execution, then n8n deletes it.
			if (isTest) void this.stopListening();
		}
		return outcome;
	}
}

/**
 * Collects what nodes ask n8n-core's logger to warn about (n8n prints these in its log) until `stop()`.
 * The logger is the one n8n-core's contexts get from its Container.
 */
export function captureWarnings(): { warnings: string[]; stop: () => void } {
	const coreDir = dirname(dirname(require.resolve('n8n-core')));
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Logger } = require(require.resolve('@n8n/backend-common', { paths: [coreDir] })) as { Logger: unknown };
	const logger = Container.get(Logger as never) as { warn: (message: string) => void };
	const warnings: string[] = [];
	const original = logger.warn;
	logger.warn = (message: string) => {
		warnings.push(message);
	};
	return { warnings, stop: () => (logger.warn = original) };
}
