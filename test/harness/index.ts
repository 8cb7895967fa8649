/**
 * Runs n8n nodes in jest the way n8n 2.41 runs them: through n8n-core's real
 * `WorkflowExecute`, `LoadOptionsContext`, `PollContext`/`PollTriggerExecutor` and
 * `RoutingNode`, with real HTTP (n8n-core's own request helpers, axios underneath) and the
 * credential's real `authenticate` block applied as the CLI's CredentialsHelper applies it.
 *
 * Each function says which n8n source it mirrors. Only the database, the UI and the
 * process orchestration around them are left out.
 */
import './env';
import './regexEngine';

import * as n8nCore from 'n8n-core';
import { LoadOptionsContext, PollContext, ExecuteContext, RoutingNode, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteData,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
	INodeType,
	IRun,
	IRunExecutionData,
	ITaskDataConnections,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
} from 'n8n-workflow';
import {
	ApplicationError,
	ExpressionError,
	NodeApiError,
	NodeHelpers,
	NodeOperationError,
	NodeSslError,
	UnexpectedError,
	UserError,
	Workflow,
	createRunExecutionData,
	deepCopy,
} from 'n8n-workflow';

import {
	Container,
	HARNESS_WORKFLOW_ID,
	NO_OP_NODE_TYPE,
	START_NODE_NAME,
	START_NODE_TYPE,
	createAdditionalData,
	createEnvironment,
	createHooks,
	createStartNodeType,
	ensureExpressionEngine,
	fullNodeTypeName,
	highestVersion,
	nextExecutionId,
} from './environment';
import type { Environment } from './environment';

export type { ICredentialType, INodeType, INodeExecutionData, INodeParameters, IDataObject, INodeListSearchResult, IWorkflowExecuteAdditionalData };

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Credential data per credential type name, e.g. `{ arizeApi: { apiKey: 'k', region: 'custom', baseUrl: 'http://127.0.0.1:1234' } }`. */
export interface HarnessCredentials {
	[credentialTypeName: string]: IDataObject;
}

export interface RunNodeOptions {
	/** An instance, e.g. `new ArizeTasks()`. */
	nodeType: INodeType | IVersionedNodeType;
	/** E.g. `[new ArizeApi()]`: used for `authenticate`, `preAuthentication` and property defaults. */
	credentialTypes: ICredentialType[];
	parameters: INodeParameters;
	/** Every entry becomes a credential set on the node (normally just the description's `credentials[0].name`). */
	credentials?: HarnessCredentials;
	/** The json of the input items; default `[{}]`. */
	input?: IDataObject[];
	/** Sets the node setting `onError: 'continueRegularOutput'` ("On Error: Continue"). */
	continueOnFail?: boolean;
	/** Default: the node's highest version. */
	typeVersion?: number;
	/** Aborting cancels the execution the way n8n's "Stop" does; the node sees it via `getExecutionCancelSignal()`. */
	abortSignal?: AbortSignal;
}

export interface NodeRunResult {
	/** The node's first output (empty array if none). */
	items: INodeExecutionData[];
	/** All outputs. */
	outputs: INodeExecutionData[][];
	/**
	 * The error n8n recorded for the node run, if it failed. n8n stores a copy of the thrown
	 * error (`{ ...error, message, stack }`) on the task data; the harness gives it back the
	 * class it was recorded with (`error.name`), so `instanceof NodeApiError` works.
	 * Also set when n8n refuses to start the run (WorkflowHasIssuesError: e.g. a required
	 * parameter is missing).
	 */
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
	/** The whole run as n8n returned it, for anything the fields above do not cover. */
	run?: IRun;
}

export interface ListSearchOptions {
	nodeType: INodeType | IVersionedNodeType;
	credentialTypes: ICredentialType[];
	credentials?: HarnessCredentials;
	/** A key of `nodeType.methods.listSearch`. */
	method: string;
	filter?: string;
	paginationToken?: string;
	/** The node's current parameters (for methods that read e.g. a datasetId). */
	parameters?: INodeParameters;
	/** Default: the node's highest version. */
	typeVersion?: number;
	/**
	 * The path of the resource-locator parameter the editor asks for (`parameters.<name>`),
	 * used by `getCurrentNodeParameter('&...')`. Default: the first resource locator whose
	 * list mode uses `method`.
	 */
	path?: string;
}

export interface PollOptions {
	nodeType: INodeType | IVersionedNodeType;
	credentialTypes: ICredentialType[];
	credentials?: HarnessCredentials;
	parameters: INodeParameters;
	/** The node's static data going in (as loaded from JSON); default `{}`. */
	staticData?: IDataObject;
	/** `'trigger'` (default) = an activated workflow's poll; `'manual'` = the editor's "Fetch Test Event". */
	mode?: 'trigger' | 'manual';
	/** Default: the node's highest version. */
	typeVersion?: number;
	/**
	 * What `getPollBudgetMs()` answers, as n8n 2.41's durable scheduler sets it; default n8n-core's own (5 minutes, the
	 * classic scheduler). `null`: the poll context has no such method, as in n8n 1.x.
	 */
	pollBudgetMs?: number | null;
}

export interface PollResult {
	/** The first output of `poll()`, or null. */
	items: INodeExecutionData[] | null;
	/**
	 * The node's static data afterwards, JSON round-tripped as n8n persists it.
	 * - `'trigger'`: the node's static data after the poll. n8n saves it when the poll emits
	 *   items; when the poll returns null it stays in the active workflow's memory and is what
	 *   the next poll sees (saved with the next emit).
	 * - `'manual'`: n8n never saves static data of a manual execution, so this is the input.
	 */
	staticData: IDataObject;
	/** The node's static data as the poll left it in memory (in `'manual'` mode n8n discards it). */
	staticDataAfterPoll: IDataObject;
	error?: Error;
}

export interface CredentialTestOptions {
	credentialType: ICredentialType;
	credentials: IDataObject;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const ERROR_CLASSES: Record<string, { prototype: object }> = {
	NodeApiError,
	NodeOperationError,
	NodeSslError,
	ExpressionError,
	UserError,
	UnexpectedError,
	ApplicationError,
};

/**
 * n8n records a failed node run as `{ ...error, message, stack }` (WorkflowExecute
 * `reportNodeExecutionError`), a plain object. Give it back its class so tests can use
 * `instanceof`; every field stays exactly as n8n recorded it.
 */
function rehydrateError(recorded: unknown): NodeRunResult['error'] {
	if (recorded === undefined || recorded === null) return undefined;
	if (recorded instanceof Error) return recorded as NodeRunResult['error'];
	const { name } = recorded as { name?: string };
	const prototype = (name && ERROR_CLASSES[name]?.prototype) || Error.prototype;
	return Object.assign(Object.create(prototype) as Error, recorded) as NodeRunResult['error'];
}

/** The node under test as a workflow holds it: its parameters (copied) and, when given, its credentials. */
function nodeUnderTest(
	fields: Pick<INode, 'id' | 'name' | 'type' | 'typeVersion' | 'position'>,
	parameters: INodeParameters | undefined,
	credentials: HarnessCredentials | undefined,
): INode {
	const node: INode = { ...fields, parameters: deepCopy(parameters ?? {}) };
	const nodeCreds = nodeCredentials(credentials);
	if (nodeCreds) node.credentials = nodeCreds;
	return node;
}

function nodeCredentials(credentials: HarnessCredentials | undefined): INodeCredentials | undefined {
	if (!credentials || Object.keys(credentials).length === 0) return undefined;
	const result: INodeCredentials = {};
	for (const type of Object.keys(credentials)) {
		result[type] = { id: `harness-${type}`, name: `${type} account` };
	}
	return result;
}

/** lodash.get for the dotted keys of a `responseSuccessBody` rule. */
function getPath(value: unknown, key: string): unknown {
	return key.split('.').reduce<unknown>((current, part) => (current as IDataObject | undefined)?.[part], value);
}

function jsonRoundTrip<T>(value: T): T {
	return JSON.parse(JSON.stringify(value ?? {})) as T;
}

interface PreparedNode {
	env: Environment;
	typeName: string;
	typeVersion: number;
	versioned: INodeType;
	nodeName: string;
}

function prepare(
	nodeType: INodeType | IVersionedNodeType,
	credentialTypes: ICredentialType[],
	credentials: HarnessCredentials | undefined,
	typeVersion: number | undefined,
): PreparedNode {
	const env = createEnvironment(credentialTypes, deepCopy(credentials ?? {}) as Record<string, ICredentialDataDecryptedObject>);
	const typeName = fullNodeTypeName(nodeType);
	env.nodeTypes.add(typeName, nodeType);
	const version = typeVersion ?? highestVersion(nodeType);
	const versioned = NodeHelpers.getVersionedNodeType(nodeType, version);
	const nodeName = versioned.description.defaults?.name ?? versioned.description.displayName;
	return { env, typeName, typeVersion: version, versioned, nodeName };
}

function workflowBase(name: string, nodes: INode[], connections: IWorkflowBase['connections'], settings: IWorkflowSettings): IWorkflowBase {
	const now = new Date();
	return {
		id: HARNESS_WORKFLOW_ID,
		name,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections,
		settings,
	} as IWorkflowBase;
}

/** Cancels an n8n execution (a PCancelable) when the signal aborts, as the CLI's ActiveExecutions.stopExecution does. */
function wireAbort(signal: AbortSignal | undefined, execution: { cancel: () => void }) {
	if (!signal) return () => {};
	const onAbort = () => execution.cancel();
	if (signal.aborted) {
		onAbort();
		return () => {};
	}
	signal.addEventListener('abort', onAbort, { once: true });
	return () => signal.removeEventListener('abort', onAbort);
}

// ---------------------------------------------------------------------------------------------
// runNode — a manual execution from a Manual Trigger
// Mirrors: packages/cli/src/manual-execution.service.ts (full run from a trigger) and
// n8n's packages/core/nodes-testing/node-test-harness.ts (executeWorkflow).
// ---------------------------------------------------------------------------------------------

export async function runNode(options: RunNodeOptions): Promise<NodeRunResult> {
	await ensureExpressionEngine();
	const { env, typeName, typeVersion, nodeName } = prepare(
		options.nodeType,
		options.credentialTypes,
		options.credentials,
		options.typeVersion,
	);
	env.nodeTypes.add(START_NODE_TYPE, createStartNodeType(options.input ?? [{}]));

	const startNode: INode = {
		id: 'harness-start-node',
		name: START_NODE_NAME,
		type: START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const node = nodeUnderTest(
		{ id: 'harness-node-under-test', name: nodeName, type: typeName, typeVersion, position: [220, 0] },
		options.parameters,
		options.credentials,
	);
	if (options.continueOnFail) node.onError = 'continueRegularOutput';

	const connections = { [START_NODE_NAME]: { main: [[{ node: nodeName, type: 'main' as const, index: 0 }]] } };
	const settings: IWorkflowSettings = { executionOrder: 'v1' };
	const workflowData = workflowBase('Harness workflow', [startNode, node], connections, settings);
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: deepCopy(workflowData.nodes),
		connections,
		active: false,
		nodeTypes: env.nodeTypes,
		staticData: {},
		settings,
	});

	const executionId = nextExecutionId();
	const hooks = createHooks('manual', executionId, workflowData);
	const additionalData = createAdditionalData(env, { executionId, hooks, workflowSettings: settings });

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: workflow.getNode(START_NODE_NAME)!, data: { main: [[{ json: {} }]] }, source: null },
			],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	let execution: ReturnType<WorkflowExecute['processRunExecutionData']>;
	try {
		execution = workflowExecute.processRunExecutionData(workflow);
	} catch (error) {
		// Thrown before anything runs, e.g. WorkflowHasIssuesError for a missing required parameter:
		// the editor refuses to start such a run.
		return { items: [], outputs: [], error: rehydrateError(error) };
	}

	const unwire = wireAbort(options.abortSignal, execution);
	let run: IRun;
	try {
		run = await execution;
	} finally {
		unwire();
	}

	const taskData = run.data.resultData.runData[nodeName]?.at(-1);
	const outputs = (taskData?.data?.main ?? []).map((output) => output ?? []);
	const recorded = taskData?.error ?? run.data.resultData.error;
	const result: NodeRunResult = { items: outputs[0] ?? [], outputs, run };
	const error = rehydrateError(recorded);
	if (error) result.error = error;
	return result;
}

// ---------------------------------------------------------------------------------------------
// runListSearch — the editor asking a resource locator for its list
// Mirrors: packages/cli/src/services/dynamic-node-parameters.service.ts (getResourceLocatorResults)
// and its controller, which passes the node's current parameters as additionalData.currentNodeParameters.
// ---------------------------------------------------------------------------------------------

function findListSearchPath(nodeType: INodeType, method: string): string {
	for (const property of nodeType.description.properties) {
		if (property.type !== 'resourceLocator') continue;
		const usesMethod = property.modes?.some((mode) => mode.typeOptions?.searchListMethod === method);
		if (usesMethod) return `parameters.${property.name}`;
	}
	return 'parameters';
}

export async function runListSearch(options: ListSearchOptions): Promise<INodeListSearchResult> {
	return await runEditorMethod(
		'listSearch',
		options,
		(versioned) => options.path ?? findListSearchPath(versioned, options.method),
		async (method, context) => await method.call(context, options.filter, options.paginationToken),
	);
}

export interface LoadOptionsOptions {
	nodeType: INodeType | IVersionedNodeType;
	credentialTypes: ICredentialType[];
	credentials?: HarnessCredentials;
	/** A key of `nodeType.methods.loadOptions`. */
	method: string;
	/** The node's current parameters as the editor holds them (e.g. the datasetId an experiments list depends on). */
	parameters?: INodeParameters;
	/** The path of the parameter asking, e.g. `parameters.experimentIds`. Default `parameters`. */
	path?: string;
	/** Default: the node's highest version. */
	typeVersion?: number;
}

/**
 * The editor filling an `options` / `multiOptions` dropdown from a `loadOptionsMethod`
 * (packages/cli/src/services/dynamic-node-parameters.service.ts, getOptionsViaMethodName).
 */
export async function runLoadOptions(options: LoadOptionsOptions): Promise<INodePropertyOptions[]> {
	return await runEditorMethod(
		'loadOptions',
		options,
		() => options.path ?? 'parameters',
		async (method, context) => await method.call(context),
	);
}

/**
 * What the editor does for both kinds of dropdown method: a `Temp-Node` carrying the node's current parameters in a
 * one-node Workflow, and a `LoadOptionsContext` on the asking parameter's path.
 */
async function runEditorMethod<T>(
	kind: 'listSearch' | 'loadOptions',
	options: {
		nodeType: INodeType | IVersionedNodeType;
		credentialTypes: ICredentialType[];
		credentials?: HarnessCredentials;
		method: string;
		parameters?: INodeParameters;
		typeVersion?: number;
	},
	pathOf: (versioned: INodeType) => string,
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	call: (method: (...args: any[]) => Promise<T>, context: LoadOptionsContext) => Promise<T>,
): Promise<T> {
	await ensureExpressionEngine();
	const { env, typeName, typeVersion, versioned } = prepare(
		options.nodeType,
		options.credentialTypes,
		options.credentials,
		options.typeVersion,
	);

	const method = versioned.methods?.[kind]?.[options.method];
	if (typeof method !== 'function') {
		throw new UnexpectedError('Node type does not have method defined', {
			tags: { nodeType: versioned.description.name },
			extra: { methodName: options.method },
		});
	}

	const node = nodeUnderTest(
		{ id: 'uuid-1234', name: 'Temp-Node', type: typeName, typeVersion, position: [0, 0] },
		options.parameters,
		options.credentials,
	);

	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: env.nodeTypes });
	const tempNode = workflow.nodes['Temp-Node'];
	// The editor sends the node's parameters as it holds them, i.e. with defaults filled in.
	const additionalData = createAdditionalData(env, { currentNodeParameters: deepCopy(tempNode.parameters) });
	const context = new LoadOptionsContext(workflow, tempNode, additionalData, pathOf(versioned));

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	return await workflow.expression.withIsolate(async () => await call(method as (...args: any[]) => Promise<T>, context));
}

// ---------------------------------------------------------------------------------------------
// runPoll
// 'trigger' mirrors an activated workflow: packages/cli/src/active-workflow-manager.ts
//   (getExecutePollFunctions: PollContext with __emit/__emitError) driven by n8n-core's own
//   PollTriggerExecutor, the code that runs every scheduled poll.
// 'manual' mirrors the editor's "Fetch Test Event": a manual execution that starts at the
//   poll node, where WorkflowExecute.executePollNode runs poll() in a PollContext.
// ---------------------------------------------------------------------------------------------

export async function runPoll(options: PollOptions): Promise<PollResult> {
	await ensureExpressionEngine();
	const mode = options.mode ?? 'trigger';
	const { env, typeName, typeVersion, nodeName } = prepare(
		options.nodeType,
		options.credentialTypes,
		options.credentials,
		options.typeVersion,
	);
	const staticDataIn = jsonRoundTrip(options.staticData ?? {});
	const staticKey = `node:${nodeName}`;

	const node = nodeUnderTest(
		{ id: 'harness-poll-node', name: nodeName, type: typeName, typeVersion, position: [0, 0] },
		options.parameters,
		options.credentials,
	);

	const settings: IWorkflowSettings = { executionOrder: 'v1' };
	const workflowData = workflowBase('Harness poll workflow', [node], {}, settings);
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: deepCopy(workflowData.nodes),
		connections: {},
		active: mode === 'trigger',
		nodeTypes: env.nodeTypes,
		staticData: { [staticKey]: deepCopy(staticDataIn) },
		settings,
	});
	const pollNode = workflow.getNode(nodeName)!;
	const staticDataAfterPoll = () => jsonRoundTrip((workflow.staticData[staticKey] ?? {}) as IDataObject);

	if (mode === 'manual') {
		const executionId = nextExecutionId();
		const hooks = createHooks('manual', executionId, workflowData);
		const additionalData = createAdditionalData(env, { executionId, hooks, workflowSettings: settings });
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: pollNode, data: { main: [[{ json: {} }]] }, source: null }],
			},
		});
		const workflowExecute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
		let run: IRun;
		try {
			run = await workflowExecute.processRunExecutionData(workflow);
		} catch (error) {
			return { items: null, staticData: staticDataIn, staticDataAfterPoll: staticDataAfterPoll(), error: rehydrateError(error) };
		}
		const taskData = run.data.resultData.runData[nodeName]?.at(-1);
		const result: PollResult = {
			// A poll that returns null leaves no task data behind: WorkflowExecute skips the node.
			items: taskData?.data?.main?.[0] ?? null,
			// hookFunctionsSave (packages/cli/src/execution-lifecycle/execution-lifecycle-hooks.ts)
			// never saves the static data of a manual execution.
			staticData: staticDataIn,
			staticDataAfterPoll: staticDataAfterPoll(),
		};
		const error = rehydrateError(taskData?.error ?? run.data.resultData.error);
		if (error) result.error = error;
		return result;
	}

	const additionalData = createAdditionalData(env, { workflowSettings: settings });
	let emitted: INodeExecutionData[][] | undefined;
	let pollError: Error | undefined;
	let saved: IDataObject | undefined;
	const __emit = (data: INodeExecutionData[][]) => {
		// CLI: `void this.workflowStaticDataService.saveStaticData(workflow)` — saves only when changed.
		if (workflow.staticData.__dataChanged === true) {
			saved = jsonRoundTrip((workflow.staticData[staticKey] ?? {}) as IDataObject);
		}
		emitted = data;
		// The CLI now starts a 'trigger' execution with `data` on this node's output; the poll
		// node passes it through unchanged (WorkflowExecute.executePollNode outside manual mode).
	};
	const __emitError = (error: ExecutionError) => {
		// CLI: records a failed execution and runs the error workflow.
		pollError = error;
	};
	const pollFunctions = new PollContext(
		workflow,
		pollNode,
		additionalData,
		'trigger',
		'activate',
		__emit,
		__emitError,
		undefined,
		undefined,
		undefined,
		typeof options.pollBudgetMs === 'number' ? () => options.pollBudgetMs as number : undefined,
	);
	if (options.pollBudgetMs === null) {
		Object.defineProperty(pollFunctions, 'getPollBudgetMs', { value: undefined });
	}
	await pollOnce(workflow, pollNode, pollFunctions);

	const after = staticDataAfterPoll();
	const result: PollResult = {
		items: emitted?.[0] ?? null,
		staticData: saved ?? after,
		staticDataAfterPoll: after,
	};
	if (pollError) result.error = pollError;
	return result;
}

/** The n8n line whose n8n-core and n8n-workflow the tests run against: 2 (pinned), or 1 (jest.n8n1.config.js). */
export const n8nLine: 1 | 2 =
	typeof (n8nCore as unknown as { PollTriggerExecutor?: unknown }).PollTriggerExecutor === 'function' ? 2 : 1;

/**
 * One scheduled poll. n8n 2.x: n8n-core's PollTriggerExecutor. n8n 1.x has none; its ActiveWorkflows.activatePolling
 * (executeTrigger) runs `poll()` through TriggersAndPollers.runPoll, emits a non-null answer, and hands an error to
 * `__emitError`; that is mirrored here.
 */
async function pollOnce(workflow: Workflow, node: INode, pollFunctions: PollContext): Promise<void> {
	const { PollTriggerExecutor } = n8nCore as unknown as { PollTriggerExecutor?: typeof n8nCore.PollTriggerExecutor };
	if (PollTriggerExecutor) {
		await Container.get(PollTriggerExecutor).create(workflow, node, pollFunctions, () => true)();
		return;
	}
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	try {
		const response = await nodeType.poll!.call(pollFunctions);
		if (response !== null) pollFunctions.__emit(response);
	} catch (error) {
		pollFunctions.__emitError(error as Error);
	}
}

// ---------------------------------------------------------------------------------------------
// runCredentialTest — the "Test" button of a credential whose `test` is an ICredentialTestRequest
// Mirrors: packages/cli/src/services/credentials-tester.service.ts (testCredentials).
// ---------------------------------------------------------------------------------------------

export async function runCredentialTest(
	options: CredentialTestOptions,
): Promise<{ status: 'OK' | 'Error'; message: string }> {
	await ensureExpressionEngine();
	const { credentialType } = options;
	const testRequest = credentialType.test;
	if (!testRequest) {
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}

	const env = createEnvironment([credentialType], {
		[credentialType.name]: deepCopy(options.credentials) as ICredentialDataDecryptedObject,
	});
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: `harness-${credentialType.name}`,
		name: `${credentialType.name} account`,
		type: credentialType.name,
		data: deepCopy(options.credentials) as ICredentialDataDecryptedObject,
	};

	try {
		const additionalData = createAdditionalData(env);
		credentialsDecrypted.data = await env.credentialsHelper.applyDefaultsAndOverwrites(
			additionalData,
			credentialsDecrypted.data!,
			credentialType.name,
			'internal',
		);
	} catch (error) {
		return { status: 'Error', message: String(error.message) };
	}

	const nodeType = NO_OP_NODE_TYPE;
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeType.description.name,
		typeVersion: Array.isArray(nodeType.description.version)
			? nodeType.description.version.slice(-1)[0]
			: nodeType.description.version,
		position: [0, 0],
		credentials: {
			[credentialType.name]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name },
		},
	};
	const nodeTypeCopy: INodeType = {
		description: {
			...nodeType.description,
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	};
	env.nodeTypes.add(nodeTypeCopy.description.name, nodeTypeCopy);

	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: env.nodeTypes });
	const mode = 'internal';
	const runIndex = 0;
	const inputData: ITaskDataConnections = { main: [[{ json: {} }]] };
	const connectionInputData: INodeExecutionData[] = [];
	const runExecutionData: IRunExecutionData = createRunExecutionData({ executionData: null });
	const additionalData = createAdditionalData(env);
	const executeData: IExecuteData = { node, data: {}, source: null };
	const executeFunctions = new ExecuteContext(
		workflow,
		node,
		additionalData,
		mode,
		runExecutionData,
		runIndex,
		connectionInputData,
		inputData,
		executeData,
		[],
	);
	const routingNode = new RoutingNode(executeFunctions, nodeTypeCopy, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await workflow.expression.withIsolate(async () => await routingNode.runNode());
	} catch (error) {
		// The tester reads the HTTP response off the error's cause (a NodeApiError wrapping the axios error).
		if (error.cause?.response) {
			const errorResponseData = {
				statusCode: error.cause.response.status as number,
				statusMessage: error.cause.response.statusText as string,
			};
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && errorResponseData.statusCode === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (errorResponseData.statusCode < 199 || errorResponseData.statusCode > 299) {
				return {
					status: 'Error',
					message:
						errorResponseData.statusMessage ||
						`Received HTTP status code: ${errorResponseData.statusCode}`,
				};
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: String(error.cause.code) };
		}
		return { status: 'Error', message: String(error.message) };
	}

	for (const rule of testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const responseData = response![0][0].json;
			if (getPath(responseData, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}

	return { status: 'OK', message: 'Connection successful!' };
}

// ---------------------------------------------------------------------------------------------
// Webhook triggers: activation, deactivation, "Listen for test event" and deliveries (webhooks.ts)
// ---------------------------------------------------------------------------------------------

export { WebhookEndpoint, WebhookTrigger, captureWarnings } from './webhooks';
export type { Delivery, WebhookTriggerOptions } from './webhooks';
