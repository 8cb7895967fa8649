import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ArizeApi } from '../credentials/ArizeApi.credentials';
import { ArizeTasks } from '../nodes/ArizeTasks/ArizeTasks.node';
import { ArizeTasksTrigger } from '../nodes/ArizeTasksTrigger/ArizeTasksTrigger.node';
import { forgetLearnedPaces } from '../nodes/shared/transport/requestGate';
import type { RecordedRequest, Sandbox } from '../sandbox/index.ts';
import { startSandbox } from '../sandbox/index.ts';
import { n8nLine, runListSearch, runNode, runPoll } from './harness';

export { n8nLine } from './harness';

/** n8n names every missing required parameter from 2.x on; 1.x refuses the workflow with one general sentence. */
export const missingParameterText = (parameter: string) =>
	n8nLine >= 2
		? `Parameter "${parameter}" is required`
		: 'The workflow has issues and cannot be executed for that reason. Please fix them first.';

/** A key that would stand out anywhere it leaked: tests search outputs and errors for it. */
export const API_KEY = 'arize-test-key-5ecr3t-d0-not-leak';

/**
 * One sandbox per test file, and helpers that run the real nodes against it through n8n-core.
 * `sandbox.requests` is reset before each test so assertions see only that test's requests.
 */
export function useArize(options: { seed?: boolean; runDurationMs?: number } = {}) {
	const context = {} as {
		sandbox: Sandbox;
		credentials: { arizeApi: IDataObject };
	};
	beforeAll(async () => {
		context.sandbox = await startSandbox({ apiKeys: [API_KEY], ...options });
		context.credentials = { arizeApi: { apiKey: API_KEY, region: 'custom', baseUrl: context.sandbox.url } };
	});
	afterAll(async () => await context.sandbox?.close());
	beforeEach(() => {
		// Each test starts as the first execution in a while: Auto learns from nothing (tests of what it carries over
		// run two executions within one test).
		forgetLearnedPaces();
		context.sandbox.faults.clear();
		context.sandbox.store.reset();
		context.sandbox.setLowercaseEnums(false);
		context.sandbox.clearRequests();
	});
	return context;
}

export const credentialTypes = [new ArizeApi()];

export async function runTasksNode(
	credentials: { arizeApi: IDataObject },
	parameters: INodeParameters,
	options: { input?: IDataObject[]; continueOnFail?: boolean; abortSignal?: AbortSignal } = {},
) {
	return await runNode({ nodeType: new ArizeTasks(), credentialTypes, credentials, parameters, ...options });
}

export async function searchList(
	credentials: { arizeApi: IDataObject },
	method: string,
	filter?: string,
	paginationToken?: string,
	parameters?: INodeParameters,
) {
	return await runListSearch({
		nodeType: new ArizeTasks(),
		credentialTypes,
		credentials,
		method,
		filter,
		paginationToken,
		parameters,
	});
}

export async function pollTrigger(
	credentials: { arizeApi: IDataObject },
	parameters: INodeParameters,
	staticData: IDataObject = {},
	mode: 'trigger' | 'manual' = 'trigger',
	pollBudgetMs?: number | null,
) {
	return await runPoll({
		nodeType: new ArizeTasksTrigger(),
		credentialTypes,
		credentials,
		parameters,
		staticData,
		mode,
		pollBudgetMs,
	});
}

/** What a reviewer checks of a request: method, path, query; never the Authorization header. */
export const summary = ({ method, path, query }: RecordedRequest) => ({ method, path, query });

/** Requests that reached the node's routes (fault-injected ones included). */
export const jsonOf = (items: Array<{ json: IDataObject }>) => items.map((item) => item.json);

/**
 * Cancels an execution while it waits for its runs: 200 ms after the sandbox answered its `triggers` POSTs (however
 * long they took on a busy machine), well before the first poll, due a second later. Pass `signal` to the run, and
 * call `stop()` after it.
 */
export function cancelWhileWaiting(sandbox: Sandbox, triggers: number) {
	const abort = new AbortController();
	let triggersAnsweredAt = Number.POSITIVE_INFINITY;
	const timer = setInterval(() => {
		const answered = sandbox.requests.filter((request) => request.method === 'POST' && request.answeredAt !== undefined);
		if (answered.length >= triggers) triggersAnsweredAt = Math.max(...answered.map((request) => request.answeredAt!));
		if (Date.now() >= triggersAnsweredAt + 200) abort.abort();
	}, 10);
	return {
		signal: abort.signal,
		stop: () => clearInterval(timer),
		/** When the last of the POSTs was answered (ms since the epoch). */
		triggersAnsweredAt: () => triggersAnsweredAt,
	};
}
