import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ArizeApi } from '../../credentials/ArizeApi.credentials';
import { ArizeTrigger } from '../../nodes/ArizeTrigger/ArizeTrigger.node';
import type { Sandbox } from '../../sandbox/index.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { SEED } from '../../sandbox/seed.ts';
import { WEBHOOK_SEED } from '../../sandbox/webhooks/seed.ts';
import { WebhookEndpoint } from '../harness';
import type { WebhookTrigger } from '../harness';

// The Arize Trigger's life in n8n against the sandbox: registration on activation, checkExists, deactivation, and
// deliveries over real HTTP from the sandbox (or forged by the test) to n8n's webhook endpoint.

const API_KEY = 'arize-test-key-5ecr3t-d0-not-leak';
const ORG = WEBHOOK_SEED.orgIds.main;
const TASK = SEED.taskIds.productionHallucination; // continuous TEMPLATE_EVALUATION; its ID holds '+'
const locator = (value: string) => ({ __rl: true, mode: 'list', value });

let sandbox: Sandbox;
let endpoint: WebhookEndpoint;

beforeAll(async () => {
	sandbox = await startSandbox({ apiKeys: [API_KEY], webhookRetryDelaysMs: [20, 40] });
	endpoint = await WebhookEndpoint.start();
});
afterAll(async () => {
	sandbox?.webhooks.close();
	await sandbox?.close();
	await endpoint?.close();
});
beforeEach(() => {
	sandbox.store.reset();
	sandbox.faults.clear();
	sandbox.webhooks.clearDeliveries();
	sandbox.webhooks.setTestOutage(null);
	sandbox.clearRequests();
	endpoint.deliveries.length = 0;
});

export const taskFailedParameters: INodeParameters = {
	organizationId: locator(ORG),
	events: ['ONLINE_TASK_RUN_FAILED'],
	taskScope: 'task',
	taskId: locator(TASK),
};

async function trigger(parameters: INodeParameters = taskFailedParameters, baseUrl?: string): Promise<WebhookTrigger> {
	return await endpoint.trigger({
		nodeType: new ArizeTrigger(),
		credentialTypes: [new ArizeApi()],
		credentials: { arizeApi: { apiKey: API_KEY, region: 'custom', baseUrl: baseUrl ?? sandbox.url } },
		parameters,
	});
}

const requests = () => sandbox.requests.map(({ method, path, query, body, status }) => ({ method, path, query, body, status }));
const enc = encodeURIComponent;

/** POSTs to the node's URL as Arize would (or a forger), and returns n8n's answer. */
async function post(url: string, body: IDataObject, authorization?: string) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(authorization !== undefined && { authorization }) },
		body: JSON.stringify(body),
	});
	return { status: response.status, body: (await response.json()) as IDataObject };
}

describe('Arize Trigger: registration', () => {
	it('activation creates one BEARER webhook at the node URL with a 32-byte token, then one subscription per event and source', async () => {
		const node = await trigger({
			organizationId: locator(ORG),
			events: ['ONLINE_TASK_RUN_FAILED', 'EVALUATOR_VERSION_CREATED', 'PROMPT_VERSION_LABELED', 'PROMPT_VERSION_CREATED'],
			taskScope: 'space',
			spaceId: locator(SEED.spaceId),
			promptId: locator(WEBHOOK_SEED.promptIds.supportAnswer),
			evaluatorId: { __rl: true, mode: 'id', value: ` ${SEED.evaluatorIds.relevance} ` },
		});
		await node.activate();

		const { webhookId, token } = node.savedStaticData;
		expect(token).toMatch(/^[0-9a-f]{64}$/);
		expect(requests()).toEqual([
			{
				method: 'POST',
				path: '/v2/webhooks',
				query: {},
				body: {
					organization_id: ORG,
					name: 'n8n workflow harnessWorkflow1 node harness-webhook-node',
					description: 'Arize Trigger "Arize Trigger" of the n8n workflow "Harness webhook workflow"',
					url: node.url(),
					auth_type: 'BEARER',
					auth_token: `Bearer ${String(token)}`,
				},
				status: 201,
			},
			...[
				['ONLINE_TASK_RUN_FAILED', 'SPACE', SEED.spaceId],
				['EVALUATOR_VERSION_CREATED', 'EVALUATOR', SEED.evaluatorIds.relevance],
				['PROMPT_VERSION_LABELED', 'PROMPT', WEBHOOK_SEED.promptIds.supportAnswer],
				['PROMPT_VERSION_CREATED', 'PROMPT', WEBHOOK_SEED.promptIds.supportAnswer],
			].map(([event, source_type, source_id]) => ({
				method: 'POST',
				path: '/v2/webhook-subscriptions',
				query: {},
				body: { webhook_id: webhookId, source_type, source_id, event },
				status: 201,
			})),
		]);
		expect(node.url()).toBe(`${endpoint.url}/webhook/6f1c0f4e-2b7a-4c59-9d43-0a1b2c3d4e5f/webhook`);
		expect(sandbox.store.webhooks.get(String(webhookId))?.url).toBe(node.url());
	});

	it('a task source is checked first: Online Task Run Failed for one task reads the task, then registers', async () => {
		const node = await trigger();
		await node.activate();
		expect(requests().map(({ method, path }) => `${method} ${path}`)).toEqual([
			`GET /v2/tasks/${enc(TASK)}`,
			'POST /v2/webhooks',
			'POST /v2/webhook-subscriptions',
		]);
		expect(requests()[2].body).toEqual({
			webhook_id: node.savedStaticData.webhookId,
			source_type: 'ONLINE_TASK',
			source_id: TASK,
			event: 'ONLINE_TASK_RUN_FAILED',
		});
	});

	it('checkExists: true while the webhook exists and points here; false when it is gone or points elsewhere', async () => {
		const node = await trigger();
		await node.activate();
		const webhookId = String(node.savedStaticData.webhookId);
		sandbox.clearRequests();

		expect(await node.checkExists()).toBe(true);
		expect(requests().map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
			`GET /v2/webhooks/${enc(webhookId)} 200`,
		]);

		sandbox.store.webhooks.get(webhookId)!.url = 'https://old-n8n.example.com/webhook/x/webhook';
		expect(await node.checkExists()).toBe(false);

		sandbox.store.webhooks.delete(webhookId);
		expect(await node.checkExists()).toBe(false);
	});

	it('n8n starting again with the webhook in place registers nothing new', async () => {
		const node = await trigger();
		await node.activate();
		sandbox.clearRequests();
		await node.activate('init');
		expect(requests().map(({ method }) => method)).toEqual(['GET']);
		expect(sandbox.store.webhooks.size).toBe(1);
	});

	it('a webhook that points elsewhere is replaced on the next start: the old one deleted, one new one created', async () => {
		const node = await trigger();
		await node.activate();
		const old = String(node.savedStaticData.webhookId);
		sandbox.store.webhooks.get(old)!.url = 'https://old-n8n.example.com/webhook/x/webhook';
		sandbox.clearRequests();

		await node.activate('init');

		expect(requests().map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
			`GET /v2/webhooks/${enc(old)} 200`,
			`GET /v2/tasks/${enc(TASK)} 200`,
			`DELETE /v2/webhooks/${enc(old)} 204`,
			'POST /v2/webhooks 201',
			'POST /v2/webhook-subscriptions 201',
		]);
		expect([...sandbox.store.webhooks.values()].map((webhook) => webhook.url)).toEqual([node.url()]);
		expect(node.savedStaticData.webhookId).not.toBe(old);
	});

	it('deactivation deletes the webhook (Arize detaches its subscriptions) and forgets the token', async () => {
		const node = await trigger();
		await node.activate();
		const webhookId = String(node.savedStaticData.webhookId);
		sandbox.clearRequests();

		await node.deactivate();

		expect(requests().map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
			`DELETE /v2/webhooks/${enc(webhookId)} 204`,
		]);
		expect(sandbox.store.webhooks.size).toBe(0);
		expect(node.savedStaticData).toEqual({});
	});

	it('deactivation when the webhook is already gone in Arize succeeds', async () => {
		const node = await trigger();
		await node.activate();
		sandbox.store.webhooks.clear();
		await expect(node.deactivate()).resolves.toBeUndefined();
		expect(node.savedStaticData).toEqual({});
	});
});

describe('Arize Trigger: deliveries', () => {
	it('a failing online task run delivered with the right token fires one item: the payload as sent plus receivedAt', async () => {
		const node = await trigger();
		await node.activate();

		const before = Date.now();
		const run = sandbox.webhooks.finishTaskRun(TASK, 'Model rate limit exceeded');
		await sandbox.webhooks.idle();

		const [sent] = sandbox.webhooks.deliveries;
		expect(sandbox.webhooks.deliveries).toHaveLength(1);
		expect(sent.status_code).toBe(200);
		expect(node.executions).toHaveLength(1);
		const [[item]] = node.executions;
		const { receivedAt, ...payload } = item.json;
		expect(payload).toEqual(sent.payload);
		expect(payload).toMatchObject({ event: 'online_task.run.failed', task_id: TASK, run_id: run.id });
		expect(Date.parse(String(receivedAt))).toBeGreaterThanOrEqual(before - 1);
		expect(String(receivedAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
	});

	it('a missing or wrong Authorization header is answered 401 and fires nothing', async () => {
		const node = await trigger();
		await node.activate();
		const token = String(node.savedStaticData.token);
		const payload = { event: 'online_task.run.failed', task_id: TASK };

		// One character off, at the end (a comparison that stops at the first difference would take longest here).
		const almost = `Bearer ${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
		// (Spaces around a header value are not part of it in HTTP, so `Bearer <token> ` arrives as the right one.)
		for (const authorization of [undefined, '', 'Bearer', almost, token, `bearer ${token}`, `Bearer  ${token}`, `Bearer ${token}${token}`]) {
			const answer = await post(node.url(), payload, authorization);
			expect({ authorization, ...answer }).toEqual({
				authorization,
				status: 401,
				body: { message: 'Authorization is missing or wrong' },
			});
		}
		expect(node.executions).toEqual([]);

		expect((await post(node.url(), payload, `Bearer ${token}`)).status).toBe(200);
		expect(node.executions).toHaveLength(1);
	});

	it('an event the user did not choose is answered 200 and fires nothing', async () => {
		const node = await trigger();
		await node.activate();
		const authorization = `Bearer ${String(node.savedStaticData.token)}`;

		for (const event of ['prompt.version.labeled', 'evaluator.version.created', 'webhook.test', undefined]) {
			const answer = await post(node.url(), { event, prompt_id: 'x' }, authorization);
			expect(answer).toEqual({ status: 200, body: { message: 'Event not chosen in this trigger: ignored' } });
		}
		expect(node.executions).toEqual([]);
	});

	it('after deactivation a delivery finds no webhook: n8n answers 404 and nothing fires', async () => {
		const node = await trigger();
		await node.activate();
		const token = String(node.savedStaticData.token);
		await node.deactivate();
		expect((await post(node.url(), { event: 'online_task.run.failed' }, `Bearer ${token}`)).status).toBe(404);
		expect(node.executions).toEqual([]);
	});
});
