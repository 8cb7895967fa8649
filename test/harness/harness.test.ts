/**
 * Smoke tests of the harness itself: a tiny inline node and credential against a tiny
 * loopback HTTP server. Nothing is mocked; requests go out through n8n-core's helpers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import vm from 'node:vm';

import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError, safeRegex } from 'n8n-workflow';

import { n8nLine, runCredentialTest, runListSearch, runNode, runPoll } from './index';

/** The credential-test emulation follows n8n 2.41's CLI (see credentials.ts); 1.x words a failure its own way. */
const withN8n2Tester = n8nLine >= 2 ? it : it.skip;

// ---------------------------------------------------------------------------------------------
// A loopback API
// ---------------------------------------------------------------------------------------------

const API_KEY = 'harness-secret-key';

interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	authorization?: string;
}

const requests: RecordedRequest[] = [];
const things = [
	{ id: 't1', name: 'Alpha' },
	{ id: 't2', name: 'Beta' },
	{ id: 't3', name: 'Gamma' },
];
const events = [
	{ id: 1, text: 'first' },
	{ id: 2, text: 'second' },
	{ id: 3, text: 'third' },
];

let server: http.Server;
let baseUrl: string;

function send(res: http.ServerResponse, status: number, body: unknown) {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		requests.push({
			method: req.method ?? '',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			authorization: req.headers.authorization,
		});
		if (url.pathname === '/v1/forbidden') return send(res, 403, { message: 'Forbidden' });
		if (req.headers.authorization !== `Bearer ${API_KEY}`) {
			return send(res, 401, { message: 'Invalid API key' });
		}
		if (url.pathname === '/v1/slow') return; // never answers; the client has to abort
		if (url.pathname === '/v1/spaces') return send(res, 200, { data: [{ id: 's1' }] });
		if (url.pathname === '/v1/things') {
			const filter = (url.searchParams.get('search') ?? '').toLowerCase();
			return send(res, 200, { data: things.filter((t) => t.name.toLowerCase().includes(filter)) });
		}
		const thing = /^\/v1\/things\/([^/]+)$/.exec(url.pathname);
		if (thing) {
			const found = things.find((t) => t.id === thing[1]);
			return found ? send(res, 200, found) : send(res, 404, { message: `Thing ${thing[1]} not found` });
		}
		if (url.pathname === '/v1/events') {
			const after = Number(url.searchParams.get('after') ?? 0);
			return send(res, 200, { data: events.filter((e) => e.id > after) });
		}
		return send(res, 404, { message: 'No such route' });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	requests.length = 0;
});

// ---------------------------------------------------------------------------------------------
// An inline credential and nodes
// ---------------------------------------------------------------------------------------------

class HarnessTestApi implements ICredentialType {
	name = 'harnessTestApi';

	displayName = 'Harness Test API';

	properties: INodeProperties[] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Test Path', name: 'testPath', type: 'string', default: '/v1/spaces' },
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '={{$credentials.testPath}}', qs: { limit: 1 } },
		rules: [{ type: 'responseCode', properties: { value: 403, message: 'The key may not read spaces (403).' } }],
	};
}

const credentialTypes = [new HarnessTestApi()];
const credentials = () => ({ harnessTestApi: { apiKey: API_KEY, baseUrl } });

class HarnessTestNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Test',
		name: 'harnessTest',
		group: ['transform'],
		version: [1, 2],
		description: 'A node for the harness smoke tests',
		defaults: { name: 'Harness Test' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'harnessTestApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Get', value: 'get' },
					{ name: 'Fail', value: 'fail' },
					{ name: 'Slow', value: 'slow' },
				],
				default: 'get',
			},
			{
				displayName: 'Thing',
				name: 'thing',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				required: true,
				modes: [
					{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchThings', searchable: true } },
					{ displayName: 'ID', name: 'id', type: 'string' },
				],
				displayOptions: { show: { operation: ['get'] } },
			},
		],
	};

	methods = {
		listSearch: {
			async searchThings(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				const { baseUrl: url } = await this.getCredentials<{ baseUrl: string }>('harnessTestApi');
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'harnessTestApi', {
					method: 'GET',
					url: `${url}/v1/things`,
					qs: { search: filter ?? '' },
					json: true,
				})) as { data: Array<{ id: string; name: string }> };
				return {
					results: response.data.map((t) => ({ name: t.name, value: t.id })),
					paginationToken: String(this.getNodeParameter('operation')),
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const { baseUrl: url } = await this.getCredentials<{ baseUrl: string }>('harnessTestApi');
		const returnData: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				if (operation === 'fail') {
					throw new NodeOperationError(this.getNode(), 'Deliberate failure', {
						itemIndex: i,
						description: 'The harness test node always fails this operation',
					});
				}
				const path = operation === 'slow' ? '/v1/slow' : `/v1/things/${this.getNodeParameter('thing', i, '', { extractValue: true }) as string}`;
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'harnessTestApi', {
					method: 'GET',
					url: `${url}${path}`,
					json: true,
				})) as IDataObject;
				returnData.push({ json: { ...response, version: this.getNode().typeVersion }, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({ json: { error: error.message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [returnData];
	}
}

class HarnessTestTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Test Trigger',
		name: 'harnessTestTrigger',
		group: ['trigger'],
		version: 1,
		description: 'A polling trigger for the harness smoke tests',
		defaults: { name: 'Harness Test Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'harnessTestApi', required: true }],
		properties: [],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const staticData = this.getWorkflowStaticData('node');
		const { baseUrl: url } = await this.getCredentials<{ baseUrl: string }>('harnessTestApi');
		const after = this.getMode() === 'manual' ? 0 : ((staticData.lastId as number | undefined) ?? 0);
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'harnessTestApi', {
			method: 'GET',
			url: `${url}/v1/events`,
			qs: { after },
			json: true,
		})) as { data: Array<{ id: number; text: string }> };
		staticData.polls = ((staticData.polls as number | undefined) ?? 0) + 1;
		if (response.data.length === 0) return null;
		staticData.lastId = Math.max(...response.data.map((e) => e.id));
		return [this.helpers.returnJsonArray(response.data)];
	}
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('runNode', () => {
	it('applies the credential authenticate block and resolves expressions per item', async () => {
		const result = await runNode({
			nodeType: new HarnessTestNode(),
			credentialTypes,
			credentials: credentials(),
			parameters: { operation: 'get', thing: { __rl: true, mode: 'id', value: '={{ $json.thingId }}' } },
			input: [{ thingId: 't1' }, { thingId: 't3' }],
		});

		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json)).toEqual([
			{ id: 't1', name: 'Alpha', version: 2 },
			{ id: 't3', name: 'Gamma', version: 2 },
		]);
		expect(requests.map((r) => r.path)).toEqual(['/v1/things/t1', '/v1/things/t3']);
		expect(requests.every((r) => r.authorization === `Bearer ${API_KEY}`)).toBe(true);
	});

	it('runs the requested version', async () => {
		const result = await runNode({
			nodeType: new HarnessTestNode(),
			credentialTypes,
			credentials: credentials(),
			parameters: { thing: { __rl: true, mode: 'id', value: 't2' } },
			typeVersion: 1,
		});
		expect(result.items[0].json).toEqual({ id: 't2', name: 'Beta', version: 1 });
	});

	it('with continueOnFail, puts the error on the item', async () => {
		const result = await runNode({
			nodeType: new HarnessTestNode(),
			credentialTypes,
			credentials: credentials(),
			parameters: { thing: { __rl: true, mode: 'id', value: '={{ $json.thingId }}' } },
			input: [{ thingId: 'nope' }, { thingId: 't2' }],
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json.error).toEqual(expect.stringContaining('could not be found'));
		expect(result.items[1].json).toMatchObject({ id: 't2' });
	});

	it('returns a thrown NodeOperationError in error', async () => {
		const result = await runNode({
			nodeType: new HarnessTestNode(),
			credentialTypes,
			credentials: credentials(),
			parameters: { operation: 'fail' },
		});

		expect(result.items).toEqual([]);
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Deliberate failure');
		expect(result.error?.description).toBe('The harness test node always fails this operation');
	});

	it('returns an HTTP failure as NodeApiError with the status code', async () => {
		const result = await runNode({
			nodeType: new HarnessTestNode(),
			credentialTypes,
			credentials: { harnessTestApi: { apiKey: 'wrong', baseUrl } },
			parameters: { thing: { __rl: true, mode: 'id', value: 't1' } },
		});

		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.httpCode).toBe('401');
		expect(requests[0].authorization).toBe('Bearer wrong');
	});

	it('reports a missing required parameter the way n8n refuses to run', async () => {
		const result = await runNode({
			nodeType: new HarnessTestNode(),
			credentialTypes,
			credentials: credentials(),
			parameters: { operation: 'get' },
		});
		expect(result.error?.message).toMatch(/issues/i);
		expect(requests).toHaveLength(0);
	});

	it('cancels a running request when the abort signal fires', async () => {
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 100);
		const started = Date.now();
		const result = await runNode({
			nodeType: new HarnessTestNode(),
			credentialTypes,
			credentials: credentials(),
			parameters: { operation: 'slow' },
			abortSignal: controller.signal,
		});
		expect(Date.now() - started).toBeLessThan(3000);
		expect(result.run?.status).toBe('canceled');
		expect(result.error).toBeDefined();
	});
});

describe('runListSearch', () => {
	it('calls the listSearch method with filter and parameters, authenticated', async () => {
		const result = await runListSearch({
			nodeType: new HarnessTestNode(),
			credentialTypes,
			credentials: credentials(),
			method: 'searchThings',
			filter: 'a',
			parameters: { operation: 'get' },
		});

		expect(result.results.map((r) => r.value)).toEqual(['t1', 't2', 't3']);
		expect(result.paginationToken).toBe('get');
		expect(requests[0]).toMatchObject({ path: '/v1/things', query: { search: 'a' }, authorization: `Bearer ${API_KEY}` });
	});
});

describe('runPoll', () => {
	it('in trigger mode, returns new items and the saved static data', async () => {
		const first = await runPoll({
			nodeType: new HarnessTestTrigger(),
			credentialTypes,
			credentials: credentials(),
			parameters: {},
			staticData: { lastId: 1 },
		});

		expect(first.error).toBeUndefined();
		expect(first.items?.map((i) => i.json.id)).toEqual([2, 3]);
		expect(first.staticData).toEqual({ lastId: 3, polls: 1 });
		expect(requests[0]).toMatchObject({ query: { after: '1' }, authorization: `Bearer ${API_KEY}` });

		const second = await runPoll({
			nodeType: new HarnessTestTrigger(),
			credentialTypes,
			credentials: credentials(),
			parameters: {},
			staticData: first.staticData,
		});
		expect(second.items).toBeNull();
		expect(second.staticData).toEqual({ lastId: 3, polls: 2 });
	});

	it('in manual mode, returns items and leaves the stored static data alone', async () => {
		const result = await runPoll({
			nodeType: new HarnessTestTrigger(),
			credentialTypes,
			credentials: credentials(),
			parameters: {},
			staticData: { lastId: 3 },
			mode: 'manual',
		});

		expect(result.error).toBeUndefined();
		expect(result.items?.map((i) => i.json.id)).toEqual([1, 2, 3]);
		expect(result.staticData).toEqual({ lastId: 3 });
		expect(result.staticDataAfterPoll).toEqual({ lastId: 3, polls: 1 });
	});

	it('returns a failing poll as error', async () => {
		const result = await runPoll({
			nodeType: new HarnessTestTrigger(),
			credentialTypes,
			credentials: { harnessTestApi: { apiKey: 'wrong', baseUrl } },
			parameters: {},
		});
		expect(result.items).toBeNull();
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.staticData).toEqual({});
	});
});

describe('runCredentialTest', () => {
	it('reports a working credential', async () => {
		await expect(
			runCredentialTest({ credentialType: new HarnessTestApi(), credentials: credentials().harnessTestApi }),
		).resolves.toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(requests[0]).toMatchObject({ path: '/v1/spaces', query: { limit: '1' }, authorization: `Bearer ${API_KEY}` });
	});

	withN8n2Tester('reports a rejected key with the status text', async () => {
		await expect(
			runCredentialTest({ credentialType: new HarnessTestApi(), credentials: { apiKey: 'wrong', baseUrl } }),
		).resolves.toEqual({ status: 'Error', message: 'Unauthorized' });
	});

	withN8n2Tester('reports a matching rule with its message', async () => {
		await expect(
			runCredentialTest({
				credentialType: new HarnessTestApi(),
				credentials: { apiKey: API_KEY, baseUrl, testPath: '/v1/forbidden' },
			}),
		).resolves.toEqual({ status: 'Error', message: 'The key may not read spaces (403).' });
	});
});

describe("n8n's safe regex engine", () => {
	afterEach(() => jest.restoreAllMocks());

	it('runs each expression in a node:vm context as n8n does, with a watchdog of 5 s instead of 250 ms', () => {
		const runs = jest.spyOn(vm.Script.prototype, 'runInContext');
		expect(safeRegex.test('^\\s*[A-Za-z0-9+/_=:-]+\\s*$', ' VGFzazo0MDIwMTr+AImh+g== ')).toBe(true);
		expect(safeRegex.test('^\\s*[A-Za-z0-9+/_=:-]+\\s*$', 'not an id!')).toBe(false);
		expect(safeRegex.exec('run (\\d+)', 'task run 42')?.[1]).toBe('42');
		expect(safeRegex.matchAll('a(\\d)', 'a1 b2 a3', '').map((match) => match[1])).toEqual(['1', '3']);
		expect(safeRegex.replace('a', 'banana', 'g', 'o')).toBe('bonono');
		expect(safeRegex.split('\\s*,\\s*', 'x , y,z')).toEqual(['x', 'y', 'z']);
		expect(runs.mock.calls.map(([, options]) => options)).toEqual(Array(6).fill({ timeout: 5000 }));
	});
});
