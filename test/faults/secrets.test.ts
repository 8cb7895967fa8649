import type { INodeParameters } from 'n8n-workflow';

import type { Fault } from '../../sandbox/faults.ts';
import { SEED } from '../../sandbox/seed.ts';
import type { Sandbox } from '../../sandbox/index.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { API_KEY, runTasksNode } from '../arize';

const WRONG_KEY = 'wrong-arize-key-0f-an0ther-regi0n';
const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

/** Every operation, with parameters that reach Arize. */
const operations: Record<string, INodeParameters> = {
	'task getAll': { resource: 'task', operation: 'getAll', returnAll: true },
	'task get': { resource: 'task', operation: 'get', taskId: byId(SEED.taskIds.goldenRelevance) },
	'task create': {
		resource: 'task',
		operation: 'create',
		name: 'Leak check',
		taskType: 'CODE_EVALUATION',
		dataSource: 'project',
		projectId: byId(SEED.projectIds.supportChatbot),
		evaluatorsInput: 'json',
		evaluatorsJson: JSON.stringify([{ evaluator_id: SEED.evaluatorIds.jsonFormat }]),
	},
	'task update': {
		resource: 'task',
		operation: 'update',
		taskId: byId(SEED.taskIds.goldenRelevance),
		taskType: 'TEMPLATE_EVALUATION',
		updateFields: { name: 'Renamed' },
	},
	'task delete': { resource: 'task', operation: 'delete', taskId: byId(SEED.taskIds.goldenJsonFormat) },
	'task trigger': {
		resource: 'task',
		operation: 'trigger',
		taskId: byId(SEED.taskIds.goldenRelevance),
		taskType: 'TEMPLATE_EVALUATION',
		waitForCompletion: true,
		pollInterval: 1,
		waitTimeout: 1,
		onTimeout: 'error',
	},
	'taskRun getAll': { resource: 'taskRun', operation: 'getAll', taskId: byId(SEED.taskIds.productionHallucination), returnAll: true },
	'taskRun get': { resource: 'taskRun', operation: 'get', runId: 'VGFza1J1bjo5OTk5OQ==' },
	'taskRun cancel': { resource: 'taskRun', operation: 'cancel', runId: 'VGFza1J1bjo5OTk5OQ==' },
	'taskRun wait': { resource: 'taskRun', operation: 'wait', runId: 'VGFza1J1bjo5OTk5OQ==', waitTimeout: 1 },
};

const failures: Record<string, Fault | 'wrong key' | 'none'> = {
	'no failure': 'none',
	'wrong key (401)': 'wrong key',
	'rate limit that never ends': { status: 429, retryAfter: 0 },
	'server error': { status: 500 },
	'connection reset': { kind: 'reset' },
	'no answer': { kind: 'hang' },
	'malformed JSON': { kind: 'malformed-json' },
	'HTML from a proxy': { kind: 'html', status: 502 },
};

/** Everything written to the console and the standard streams while this file runs. */
const output: string[] = [];
const spies: jest.SpyInstance[] = [];
beforeAll(() => {
	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		spies.push(jest.spyOn(console, method).mockImplementation((...args) => void output.push(args.map(String).join(' '))));
	}
	spies.push(jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => output.push(String(chunk)) > 0));
	spies.push(jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => output.push(String(chunk)) > 0));
});
afterAll(() => spies.forEach((spy) => spy.mockRestore()));

const sandboxes: Sandbox[] = [];
afterAll(async () => await Promise.all(sandboxes.map(async (sandbox) => await sandbox.close())));

describe('the API key never leaks', () => {
	const cases = Object.entries(operations).flatMap(([operation, parameters]) =>
		Object.entries(failures).map(([failure, fault]) => [operation, failure, parameters, fault] as const),
	);

	// Each case has its own sandbox, so the cases can run side by side (jest.config.js: maxConcurrency).
	it.concurrent.each(cases)('%s with %s', async (_operation, _failure, parameters, fault) => {
		const sandbox = await startSandbox({ apiKeys: [API_KEY] });
		sandboxes.push(sandbox);
		const key = fault === 'wrong key' ? WRONG_KEY : API_KEY;
		if (fault !== 'none' && fault !== 'wrong key') sandbox.faults.inject(fault, { times: Infinity });
		// A short timeout ends 'no answer' quickly. Every other case gets room: the sandbox shares this busy event loop,
		// and a request that times out before it is read never reaches Arize (a timed-out request is not repeated).
		const timeout = typeof fault === 'object' && 'kind' in fault && fault.kind === 'hang' ? 1 : 10;
		const credentials = { arizeApi: { apiKey: key, region: 'custom', baseUrl: sandbox.url, timeout } };

		const result = await runTasksNode(credentials, parameters, { continueOnFail: fault !== 'none' });

		const places = {
			items: JSON.stringify(result.items),
			error: JSON.stringify(result.error ?? null),
			message: result.error?.message ?? '',
			description: result.error?.description ?? '',
			run: JSON.stringify(result.run ?? null),
			recordedRequests: JSON.stringify(sandbox.requests),
		};
		for (const [place, text] of Object.entries(places)) {
			expect({ place, leaked: text.includes(key) }).toEqual({ place, leaked: false });
		}
		// The sweep must have reached Arize with the key, or it proves nothing (the error, if any, says why it did not).
		const error = result.error?.message ?? result.items[0]?.json.error;
		expect({ reachedArize: sandbox.requests.length > 0, error }).toEqual({ reachedArize: true, error });
		await sandbox.close();
	}, 30_000);

	it('never wrote a key to the console or a log', () => {
		const written = output.join('\n');
		expect(written.includes(API_KEY) || written.includes(WRONG_KEY)).toBe(false);
	});
});
