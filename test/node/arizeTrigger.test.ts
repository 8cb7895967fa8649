import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ArizeApi } from '../../credentials/ArizeApi.credentials';
import { ArizeTrigger } from '../../nodes/ArizeTrigger/ArizeTrigger.node';
import type { Sandbox } from '../../sandbox/index.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { SEED } from '../../sandbox/seed.ts';
import { WEBHOOK_SEED } from '../../sandbox/webhooks/seed.ts';
import { WebhookEndpoint, captureWarnings } from '../harness';
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
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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

	it('labeling a prompt version fires one item: the prompt.version.labeled payload (the unlabel of the other version is not subscribed)', async () => {
		const node = await trigger({
			organizationId: locator(ORG),
			events: ['PROMPT_VERSION_LABELED'],
			promptId: locator(WEBHOOK_SEED.promptIds.supportAnswer),
		});
		await node.activate();
		const [, , v3] = WEBHOOK_SEED.promptVersionIds.supportAnswer;

		// v2 holds `production`: moving it to v3 unlabels v2 and labels v3.
		const response = await fetch(`${sandbox.url}/v2/prompt-versions/${enc(v3)}/labels`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({ labels: ['staging', 'production'] }),
		});
		expect(response.status).toBe(200);
		await sandbox.webhooks.idle();

		expect(sandbox.webhooks.deliveries.map(({ event, status_code }) => [event, status_code])).toEqual([
			['prompt.version.labeled', 200],
		]);
		expect(node.executions).toHaveLength(1);
		const { receivedAt, ...payload } = node.executions[0][0].json;
		expect(payload).toEqual(sandbox.webhooks.deliveries[0].payload);
		expect(payload).toMatchObject({ event: 'prompt.version.labeled' });
		expect(typeof receivedAt).toBe('string');
		expect(JSON.stringify(node.executions)).not.toContain(String(node.savedStaticData.token));
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

/** Waits for a condition that a request still in flight will make true (a few seconds at most). */
async function eventually(condition: () => boolean, what: string) {
	for (let waited = 0; !condition(); waited += 10) {
		if (waited > 5000) throw new Error(`Still not ${what} after 5 s`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

describe('Arize Trigger: Listen for test event', () => {
	it('registers a test webhook at the test URL, then asks Arize for a test delivery, which fires; n8n then removes the webhook', async () => {
		const node = await trigger();
		await node.listen();

		const created = sandbox.requests.find((request) => request.method === 'POST' && request.path === '/v2/webhooks');
		expect(created?.body).toMatchObject({
			name: 'n8n workflow harnessWorkflow1 node harness-webhook-node (test)',
			url: node.url(true),
			auth_type: 'BEARER',
		});
		expect(node.url(true)).toBe(`${endpoint.url}/webhook-test/6f1c0f4e-2b7a-4c59-9d43-0a1b2c3d4e5f/webhook`);
		await sandbox.webhooks.idle();
		await eventually(() => sandbox.store.webhooks.size === 0, 'removed');

		const webhookId = String((sandbox.requests[3].path.match(/^\/v2\/webhooks\/([^/]+)\/test$/) ?? [])[1]);
		expect(requests().map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
			`GET /v2/tasks/${enc(TASK)} 200`,
			'POST /v2/webhooks 201',
			'POST /v2/webhook-subscriptions 201',
			`POST /v2/webhooks/${webhookId}/test 200`,
			`DELETE /v2/webhooks/${webhookId} 204`,
		]);
		const [test] = sandbox.webhooks.deliveries;
		expect(test).toMatchObject({ test: true, status_code: 200 });
		expect(node.executions).toHaveLength(1);
		const { receivedAt, ...payload } = node.executions[0][0].json;
		expect(payload).toEqual(test.payload);
		expect(typeof receivedAt).toBe('string');
	});

	it.each([
		[
			404,
			'Arize cannot reach this n8n to send a test event',
			'Arize delivers to public addresses only. Give this n8n a public URL (WEBHOOK_URL, or a tunnel), then listen again. Arize answered: ',
		],
		[503, 'Arize could not send a test event right now', 'Listen again in a moment. Arize answered: '],
	] as const)('when Arize answers %i to the test request, the editor shows why, and listening ends', async (status, message, description) => {
		sandbox.webhooks.setTestOutage(status);
		const { warnings, stop } = captureWarnings();
		try {
			const node = await trigger();
			await node.listen();
			await eventually(() => node.failedExecutions.length > 0, 'failed');
			const [error] = node.failedExecutions;
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(message);
			expect((error as NodeOperationError).description).toMatch(new RegExp(`^${escapeRegExp(description)}.*\\[HTTP ${status}\\]$`));
			expect(node.executions).toEqual([]);
			// The node's own call to its test URL, with its token; n8n answered it with the error.
			const call = endpoint.deliveries.find((delivery) => delivery.headers['x-n8n-arize-test-failed'] !== undefined);
			expect(call).toMatchObject({ path: new URL(node.url(true)).pathname, status: 500 });
			expect(warnings).toEqual([`${message} for "Arize Trigger". ${(error as NodeOperationError).description}`]);
			// n8n removes the test webhook after that execution, and so the webhook in Arize.
			await eventually(() => sandbox.store.webhooks.size === 0, 'removed');
		} finally {
			stop();
		}
	});

	it('when the test delivery reached no n8n (Arize got no 2xx), the editor shows what Arize got', async () => {
		const api = await refusingArize({
			'POST /v2/webhooks': { status: 201, body: { id: 'V2ViaG9vazox', url: 'x' } },
			'POST /v2/webhook-subscriptions': { status: 201, body: { id: 'V2ViaG9va1N1YnNjcmlwdGlvbjox' } },
			'POST /v2/webhooks/V2ViaG9vazox/test': { status: 200, body: { status_code: 502, error_message: 'No response: ECONNREFUSED.' } },
			'DELETE /v2/webhooks/V2ViaG9vazox': { status: 204 },
		});
		const { stop } = captureWarnings();
		try {
			const node = await trigger({ organizationId: locator(ORG), events: ['PROMPT_VERSION_LABELED'], promptId: locator('UHJvbXB0OjQx') }, api.url);
			await node.listen();
			await eventually(() => node.failedExecutions.length > 0, 'failed');
			const [error] = node.failedExecutions as NodeOperationError[];
			expect([error.message, error.description]).toEqual([
				"Arize's test event did not arrive",
				"Arize sent it to this n8n's test URL and got HTTP 502. Check that the URL reaches this n8n, then listen again. Arize said: No response: ECONNREFUSED.",
			]);
			await eventually(() => api.received.some(({ method }) => method === 'DELETE'), 'removed');
		} finally {
			stop();
			await api.close();
		}
	});

	it('the "test failed" header counts only with the token, and only while the editor listens', async () => {
		const node = await trigger();
		await node.activate();
		const failed = async (authorization?: string) => {
			const response = await fetch(node.url(), {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-n8n-arize-test-failed': '1', ...(authorization && { authorization }) },
				body: JSON.stringify({ event: 'online_task.run.failed', message: 'forged', description: 'forged' }),
			});
			return response.status;
		};
		expect(await failed()).toBe(401);
		// With the token on the live webhook, it is an ordinary delivery: it fires, and fails nothing.
		expect(await failed(`Bearer ${String(node.savedStaticData.token)}`)).toBe(200);
		expect(node.failedExecutions).toEqual([]);
		expect(node.executions.map(([item]) => item.json.event)).toEqual(['online_task.run.failed']);
	});

	it('an active workflow and a test listen each have their own webhook', async () => {
		const node = await trigger();
		await node.activate();
		sandbox.webhooks.setTestOutage(503);
		const { stop } = captureWarnings();
		try {
			await node.listen();
			expect([...sandbox.store.webhooks.values()].map((webhook) => webhook.url).sort()).toEqual([node.url(), node.url(true)].sort());
			await node.stopListening();
			expect([...sandbox.store.webhooks.values()].map((webhook) => webhook.url)).toEqual([node.url()]);
		} finally {
			stop();
		}
	});
});

/** An API that answers some requests as Arize would refuse them and records what it got. */
async function refusingArize(answers: Record<string, { status: number; body?: IDataObject }>) {
	const received: Array<{ method: string; path: string; body: IDataObject }> = [];
	const server = createServer(async (req, res) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as IDataObject) : {};
		const path = (req.url ?? '').split('?')[0];
		received.push({ method: req.method ?? '', path, body });
		const answer = answers[`${req.method} ${path}`] ?? { status: 404, body: { title: 'Not Found', status: 404, detail: 'Not found' } };
		res.writeHead(answer.status, { 'content-type': 'application/problem+json' }).end(answer.body ? JSON.stringify(answer.body) : undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { url, received, close: async () => await new Promise<void>((resolve) => server.close(() => resolve())) };
}

const problem = (status: number, title: string, detail: string) => ({ status, body: { type: 'about:blank', title, status, detail } });

describe('Arize Trigger: registration errors stop activation with Arize\'s detail and what to do', () => {
	const promptParameters = {
		organizationId: locator(ORG),
		events: ['PROMPT_VERSION_LABELED'],
		promptId: locator('UHJvbXB0OjQx'),
	};

	it('403 on a subscription: the permission it needs; the webhook just created is deleted again', async () => {
		const api = await refusingArize({
			'POST /v2/webhooks': { status: 201, body: { id: 'V2ViaG9vazox', url: 'x' } },
			'POST /v2/webhook-subscriptions': problem(403, 'Forbidden', "You do not have permission 'PROMPT_UPDATE' on this prompt."),
			'DELETE /v2/webhooks/V2ViaG9vazox': { status: 204 },
		});
		try {
			const node = await trigger(promptParameters, api.url);
			const error = (await node.activate().catch((thrown: unknown) => thrown)) as NodeApiError;
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe("You do not have permission 'PROMPT_UPDATE' on this prompt. [HTTP 403]");
			expect(error.description).toBe(
				'Prompt Version Labeled on prompt UHJvbXB0OjQx needs the PROMPT_UPDATE permission on the prompt for the API ' +
					"key's user. Ask an Arize admin for it, or use the key of a user who has it.",
			);
			expect(api.received.map(({ method, path }) => `${method} ${path}`)).toEqual([
				'POST /v2/webhooks',
				'POST /v2/webhook-subscriptions',
				'DELETE /v2/webhooks/V2ViaG9vazox',
			]);
			const token = String(api.received[0].body.auth_token);
			expect(JSON.stringify({ ...error, message: error.message, description: error.description })).not.toContain(token.slice(7));
			expect(node.savedStaticData).toEqual({});
		} finally {
			await api.close();
		}
	});

	it('403 on the webhook: the key may not manage webhooks in the organization', async () => {
		const api = await refusingArize({ 'POST /v2/webhooks': problem(403, 'Forbidden', 'Insufficient permissions to manage webhooks.') });
		try {
			const error = (await (await trigger(promptParameters, api.url)).activate().catch((thrown: unknown) => thrown)) as NodeApiError;
			expect(error.message).toBe('Insufficient permissions to manage webhooks. [HTTP 403]');
			expect(error.description).toBe(
				"The API key's user may not manage webhooks in this organization. Ask an Arize organization admin for that " +
					'permission, or use the key of a user who has it.',
			);
		} finally {
			await api.close();
		}
	});

	it('422 on a subscription: what Arize accepts', async () => {
		const api = await refusingArize({
			'POST /v2/webhooks': { status: 201, body: { id: 'V2ViaG9vazoy' } },
			'POST /v2/webhook-subscriptions': problem(422, 'Unprocessable Entity', 'At most 200 webhooks may subscribe to one event and source.'),
			'DELETE /v2/webhooks/V2ViaG9vazoy': { status: 204 },
		});
		try {
			const error = (await (await trigger(promptParameters, api.url)).activate().catch((thrown: unknown) => thrown)) as NodeApiError;
			expect(error.message).toBe('At most 200 webhooks may subscribe to one event and source. [HTTP 422]');
			expect(error.description).toBe(
				'Arize refused Prompt Version Labeled on prompt UHJvbXB0OjQx. Online Task Run Failed works only for online ' +
					'evaluation tasks or a space; Arize allows at most 200 webhooks per event and source.',
			);
			expect(api.received.at(-1)).toMatchObject({ method: 'DELETE', path: '/v2/webhooks/V2ViaG9vazoy' });
		} finally {
			await api.close();
		}
	});

	it('409: a webhook of the same name delivering elsewhere is left alone and named in the error', async () => {
		const other = await fetch(`${sandbox.url}/v2/webhooks`, {
			method: 'POST',
			headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				organization_id: ORG,
				name: 'n8n workflow harnessWorkflow1 node harness-webhook-node',
				url: 'https://staging-n8n.example.com/webhook/abc/webhook',
			}),
		});
		expect(other.status).toBe(201);
		sandbox.clearRequests();

		const error = (await (await trigger()).activate().catch((thrown: unknown) => thrown)) as NodeApiError;

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/\[HTTP 409\]$/);
		expect(error.description).toBe(
			'Arize already has a webhook named "n8n workflow harnessWorkflow1 node harness-webhook-node" in this organization, ' +
				'delivering to https://staging-n8n.example.com/webhook/abc/webhook. It was registered for this trigger by another ' +
				"n8n, or before this n8n's URL changed. If it is no longer used, delete it in Arize (Settings → Webhooks), then activate again.",
		);
		expect(sandbox.store.webhooks.size).toBe(1);
	});

	it('409: a webhook of the same name that delivers here (left behind) is replaced', async () => {
		const node = await trigger();
		await node.activate();
		// n8n lost the static data (e.g. a restore of the database): a second activation meets its own webhook.
		const fresh = await trigger();
		await fresh.activate();
		expect([...sandbox.store.webhooks.values()].map((webhook) => webhook.id)).toEqual([fresh.savedStaticData.webhookId]);
		expect(fresh.savedStaticData.webhookId).not.toBe(node.savedStaticData.webhookId);
	});

	it('a task that is not an evaluation task fails before anything is registered', async () => {
		const node = await trigger({ ...taskFailedParameters, taskId: locator(SEED.taskIds.promptGeneration) });
		const error = (await node.activate().catch((thrown: unknown) => thrown)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Task ".+" is not an evaluation task \(RUN_EXPERIMENT\)$/);
		expect(error.description).toBe(
			'Arize sends Online Task Run Failed only for online evaluation tasks (Template or Code Evaluation). Choose such ' +
				'a task, or Every Evaluation Task in a Space.',
		);
		expect(requests().map(({ method, path }) => `${method} ${path}`)).toEqual([`GET /v2/tasks/${enc(SEED.taskIds.promptGeneration)}`]);
	});

	it.each([
		[{ events: [] }, 'Choose at least one event'],
		[{ organizationId: locator('') }, 'Choose the Organization'],
		[{ taskId: locator(' ') }, 'Choose the Task'],
		[{ taskScope: 'space' }, 'Choose the Space'],
		[{ events: ['PROMPT_VERSION_CREATED'] }, 'Choose the Prompt'],
		[{ events: ['EVALUATOR_VERSION_CREATED'] }, 'Choose the Evaluator'],
	])('a missing choice fails before any request: %j', async (change, message) => {
		const node = await trigger({ ...taskFailedParameters, ...change });
		await expect(node.activate()).rejects.toThrow(message);
		expect(sandbox.requests).toEqual([]);
	});
});

describe('Arize Trigger: the token and the API key stay out of registration errors', () => {
	/** Everything of the error that n8n shows, logs or stores with a failed activation. */
	const shownOf = (error: NodeApiError) =>
		[error.message, error.description, error.stack, JSON.stringify(error), JSON.stringify(error.context)].join('\n');

	it('403 when creating the webhook: the token went to Arize in that request only, and the error holds neither it nor the key', async () => {
		sandbox.faults.inject({ kind: 'html', status: 403 }, { method: 'POST', path: '/v2/webhooks' });
		const { warnings, stop } = captureWarnings();
		let error: NodeApiError;
		try {
			const node = await trigger({
				organizationId: locator(ORG),
				events: ['PROMPT_VERSION_LABELED'],
				promptId: locator(WEBHOOK_SEED.promptIds.supportAnswer),
			});
			error = (await node.activate().catch((thrown: unknown) => thrown)) as NodeApiError;
			expect(node.savedStaticData).toEqual({});
		} finally {
			stop();
		}

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Arize answered HTTP 403 without an explanation [HTTP 403]');
		expect(error.description).toBe(
			"The API key's user may not manage webhooks in this organization. Ask an Arize organization admin for that " +
				'permission, or use the key of a user who has it.',
		);
		expect(requests().map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual(['POST /v2/webhooks 403']);
		const sentToken = String((sandbox.requests[0].body as IDataObject).auth_token);
		expect(sentToken).toMatch(/^Bearer [0-9a-f]{64}$/);
		const token = sentToken.slice('Bearer '.length);

		const shown = shownOf(error);
		expect(shown).toContain('HTTP 403');
		expect(shown).not.toContain(token);
		expect(shown).not.toContain(API_KEY);
		expect(warnings).toEqual([]);
	});

	it('404 on a subscription: the source Arize did not find and what to check; the webhook just created is deleted again', async () => {
		const missing = 'RXZhbHVhdG9yOjQwNDo=';
		const node = await trigger({
			organizationId: locator(ORG),
			events: ['PROMPT_VERSION_LABELED', 'EVALUATOR_VERSION_CREATED'],
			promptId: locator(WEBHOOK_SEED.promptIds.supportAnswer),
			evaluatorId: { __rl: true, mode: 'id', value: missing },
		});
		const error = (await node.activate().catch((thrown: unknown) => thrown)) as NodeApiError;

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`Evaluator '${missing}' was not found, or you do not have access to it. [HTTP 404]`);
		expect(error.description).toBe(
			`Arize found no evaluator ${missing} for Evaluator Version Created (or the API key's user cannot see it). Check the choice.`,
		);
		const webhookId = String((requests()[1].body as IDataObject).webhook_id);
		expect(requests().map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
			'POST /v2/webhooks 201',
			'POST /v2/webhook-subscriptions 201',
			'POST /v2/webhook-subscriptions 404',
			`DELETE /v2/webhooks/${enc(webhookId)} 204`,
		]);
		expect(requests()[2].body).toEqual({
			webhook_id: webhookId,
			source_type: 'EVALUATOR',
			source_id: missing,
			event: 'EVALUATOR_VERSION_CREATED',
		});
		// Nothing is left in Arize: the webhook is gone, and the prompt's subscription went with it.
		expect(sandbox.store.webhooks.size).toBe(0);
		expect(sandbox.store.webhookSubscriptions.size).toBe(0);
		expect(node.savedStaticData).toEqual({});
		const token = String((sandbox.requests[0].body as IDataObject).auth_token).slice('Bearer '.length);
		expect(shownOf(error)).not.toContain(token);
		expect(shownOf(error)).not.toContain(API_KEY);
	});
});
