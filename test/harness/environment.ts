/**
 * The pieces of a running n8n instance that n8n-core needs around a node: a node-type
 * registry, the `IWorkflowExecuteAdditionalData` (what the CLI builds in
 * packages/cli/src/workflow-execute-additional-data.ts `getBase`), and a Manual-Trigger-like
 * start node.
 */
import './env';

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import type {
	ICredentialType,
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
	ITriggerFunctions,
	ITriggerResponse,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Expression, NodeConnectionTypes, NodeHelpers, UnexpectedError } from 'n8n-workflow';

import type { CredentialStore } from './credentials';
import { HarnessCredentialTypes, HarnessCredentialsHelper } from './credentials';

/**
 * n8n-core's services live in the `Container` of the `@n8n/di` copy n8n-core itself loads
 * (n8n-core 2.41 ships @n8n/di 0.17 in its own node_modules; the top-level copy is another
 * version with another Container). Load that exact copy, through jest's `require` so it is
 * the same module instance n8n-core got.
 */
const n8nCoreDir = path.dirname(path.dirname(require.resolve('n8n-core')));
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { Container } = require(require.resolve('@n8n/di', { paths: [n8nCoreDir] })) as typeof import('@n8n/di');

/** Base URLs must be absolute: n8n-core builds `$execution.resumeUrl` etc. with `new URL()` on every parameter read. */
const INSTANCE = 'http://localhost:5678';

let expressionEngineReady: Promise<void> | undefined;

/**
 * Expression engine. n8n 2.41's CLI evaluates expressions in an isolated-vm sandbox by
 * default (`N8N_EXPRESSION_ENGINE` defaults to `vm` in @n8n/config) and starts it once at
 * boot with `Expression.initExpressionEngine`; without that call n8n-workflow uses its
 * in-process `legacy` engine. Both implement the same expression language.
 *
 * The harness uses `legacy` unless `N8N_EXPRESSION_ENGINE=vm` (or `quickjs`) is set. The
 * sandbox is loaded with a dynamic `import()`, which jest only allows when node runs with
 * `--experimental-vm-modules`:
 *   NODE_OPTIONS=--experimental-vm-modules N8N_EXPRESSION_ENGINE=vm npx jest
 */
export async function ensureExpressionEngine(): Promise<void> {
	expressionEngineReady ??= (async () => {
		const engine = process.env.N8N_EXPRESSION_ENGINE;
		if (engine === 'vm' || engine === 'quickjs') {
			try {
				// The values are @n8n/config's ExpressionEngineConfig defaults.
				await Expression.initExpressionEngine({
					engine,
					bridgeTimeout: 5000,
					bridgeMemoryLimit: 128,
					poolSize: 1,
					maxCodeCacheSize: 1024,
				});
			} catch (error) {
				throw new UnexpectedError(
					`Could not start the "${engine}" expression engine (${(error as Error).message}). ` +
						'Run jest with NODE_OPTIONS=--experimental-vm-modules, or unset N8N_EXPRESSION_ENGINE.',
				);
			}
		} else {
			Expression.setExpressionEngine('legacy');
		}
	})();
	await expressionEngineReady;
}

function readPackageName(): string {
	try {
		const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
			name?: string;
		};
		if (pkg.name) return pkg.name;
	} catch {
		// fall through
	}
	return 'CUSTOM';
}

/** n8n names a community package's node `<package name>.<description.name>` (e.g. `n8n-nodes-arize.arizeTasks`). */
export const PACKAGE_NAME = readPackageName();

export function fullNodeTypeName(nodeType: INodeType | IVersionedNodeType): string {
	const { name } = nodeType.description;
	return name.includes('.') ? name : `${PACKAGE_NAME}.${name}`;
}

/** The highest version a node type declares. */
export function highestVersion(nodeType: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in nodeType) {
		return Math.max(...Object.keys(nodeType.nodeVersions).map(Number));
	}
	const { version } = nodeType.description as INodeTypeDescription;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/** A node type registry like the CLI's NodeTypes (packages/cli/src/node-types.ts), for the few node types of one run. */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	add(name: string, nodeType: INodeType | IVersionedNodeType) {
		this.types.set(name, nodeType);
		return this;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new UnexpectedError(`Unrecognized node type: ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const name of this.types.keys()) known[name] = { className: name, sourcePath: '' };
		return known;
	}

	/** Registered node types whose (any version's) description lists the credential: n8n's `supportedNodes`. */
	nodesUsingCredential(credentialType: string): string[] {
		const result: string[] = [];
		for (const [name, type] of this.types) {
			const versions = 'nodeVersions' in type ? Object.values(type.nodeVersions) : [type];
			if (versions.some((v) => v.description.credentials?.some((c) => c.name === credentialType))) {
				result.push(name);
			}
		}
		return result;
	}
}

export const START_NODE_TYPE = 'n8n-nodes-base.manualTrigger';
export const START_NODE_NAME = "When clicking 'Execute workflow'";

/**
 * A stand-in for n8n-nodes-base's Manual Trigger (not installed here). Like the real one it is a
 * trigger whose `manualTriggerFunction` emits when the editor runs the workflow; it emits the
 * test's input items instead of a single empty item.
 */
export function createStartNodeType(items: IDataObject[]): INodeType {
	return {
		description: {
			displayName: 'Manual Trigger',
			name: 'manualTrigger',
			icon: 'fa:mouse-pointer',
			group: ['trigger', 'input'],
			version: 1,
			description: 'Runs the flow on clicking a button in n8n',
			maxNodes: 1,
			defaults: { name: START_NODE_NAME, color: '#909298' },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
			const manualTriggerFunction = async () => {
				this.emit([this.helpers.returnJsonArray(items)]);
			};
			return { manualTriggerFunction };
		},
	};
}

/**
 * The no-op node type the CLI's credentials tester runs a credential's test request through
 * (`n8n-nodes-base.noOp`, whose description it copies).
 */
export const NO_OP_NODE_TYPE: INodeType = {
	description: {
		displayName: 'No Operation, do nothing',
		name: 'n8n-nodes-base.noOp',
		icon: 'fa:arrow-right',
		group: ['organization'],
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing', color: '#b0b0b0' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
	async execute() {
		return [this.getInputData()] as INodeExecutionData[][];
	},
};

export interface Environment {
	nodeTypes: HarnessNodeTypes;
	credentialsHelper: HarnessCredentialsHelper;
}

export function createEnvironment(credentialTypes: ICredentialType[], store: CredentialStore): Environment {
	const nodeTypes = new HarnessNodeTypes();
	const types = new HarnessCredentialTypes(credentialTypes, (name) => nodeTypes.nodesUsingCredential(name));
	return { nodeTypes, credentialsHelper: new HarnessCredentialsHelper(types, store) };
}

let executionCounter = 0;
export function nextExecutionId() {
	executionCounter += 1;
	return String(executionCounter);
}

export const HARNESS_WORKFLOW_ID = 'harnessWorkflow1';
export const HARNESS_USER_ID = 'harness-user';

/**
 * `IWorkflowExecuteAdditionalData` as the CLI's `getBase` builds it, minus the database,
 * sub-workflows, agents and task runners (those throw if a node reaches for them).
 */
export function createAdditionalData(
	env: Environment,
	extra: Partial<IWorkflowExecuteAdditionalData> = {},
): IWorkflowExecuteAdditionalData {
	const unsupported = (what: string) => async () => {
		throw new UnexpectedError(`The test harness does not support ${what}`);
	};
	const additionalData: IWorkflowExecuteAdditionalData = {
		currentNodeExecutionIndex: 0,
		credentialsHelper: env.credentialsHelper,
		executeWorkflow: unsupported('sub-workflow executions'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		restApiUrl: `${INSTANCE}/rest`,
		instanceBaseUrl: `${INSTANCE}/`,
		formBaseUrl: `${INSTANCE}/form`,
		formWaitingBaseUrl: `${INSTANCE}/form-waiting`,
		formTestBaseUrl: `${INSTANCE}/form-test`,
		webhookBaseUrl: `${INSTANCE}/webhook`,
		webhookWaitingBaseUrl: `${INSTANCE}/webhook-waiting`,
		webhookTestBaseUrl: `${INSTANCE}/webhook-test`,
		mcpBaseUrl: `${INSTANCE}/mcp`,
		mcpTestBaseUrl: `${INSTANCE}/mcp-test`,
		userId: HARNESS_USER_ID,
		workflowId: HARNESS_WORKFLOW_ID,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: unsupported('task runners (Code node)'),
		externalSecretsProxy: new ExternalSecretsProxy(),
		...extra,
	};
	return additionalData;
}

export function createHooks(mode: WorkflowExecuteMode, executionId: string, workflowData: IWorkflowBase) {
	return new ExecutionLifecycleHooks(mode, executionId, workflowData);
}
