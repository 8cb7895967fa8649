/**
 * runLoadOptions — the editor filling an `options` / `multiOptions` dropdown from a `loadOptionsMethod`.
 * Mirrors packages/cli/src/services/dynamic-node-parameters.service.ts (getOptionsViaMethodName): a `Temp-Node`
 * carrying the node's current parameters in a one-node Workflow, a `LoadOptionsContext` on the parameter's path,
 * and the controller's `additionalData.currentNodeParameters` (what `getCurrentNodeParameter` reads).
 * Built the same way as `runListSearch` in ./index.ts, from the same environment pieces.
 */
import './env';

import { LoadOptionsContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeCredentials,
	INodeParameters,
	INodePropertyOptions,
	INodeType,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError, Workflow, deepCopy } from 'n8n-workflow';

import {
	createAdditionalData,
	createEnvironment,
	ensureExpressionEngine,
	fullNodeTypeName,
	highestVersion,
} from './environment';

export interface LoadOptionsOptions {
	nodeType: INodeType | IVersionedNodeType;
	credentialTypes: ICredentialType[];
	/** Credential data per credential type name, as for runNode. */
	credentials?: Record<string, IDataObject>;
	/** A key of `nodeType.methods.loadOptions`. */
	method: string;
	/** The node's current parameters as the editor holds them (e.g. the datasetId an experiments list depends on). */
	parameters?: INodeParameters;
	/** The path of the parameter asking, e.g. `parameters.experimentIds`. Default `parameters`. */
	path?: string;
	/** Default: the node's highest version. */
	typeVersion?: number;
}

function nodeCredentials(credentials: Record<string, IDataObject> | undefined): INodeCredentials | undefined {
	if (!credentials || Object.keys(credentials).length === 0) return undefined;
	const result: INodeCredentials = {};
	for (const type of Object.keys(credentials)) result[type] = { id: `harness-${type}`, name: `${type} account` };
	return result;
}

export async function runLoadOptions(options: LoadOptionsOptions): Promise<INodePropertyOptions[]> {
	await ensureExpressionEngine();
	const env = createEnvironment(options.credentialTypes, deepCopy(options.credentials ?? {}) as Record<string, ICredentialDataDecryptedObject>);
	const typeName = fullNodeTypeName(options.nodeType);
	env.nodeTypes.add(typeName, options.nodeType);
	const typeVersion = options.typeVersion ?? highestVersion(options.nodeType);
	const versioned = NodeHelpers.getVersionedNodeType(options.nodeType, typeVersion);

	const method = versioned.methods?.loadOptions?.[options.method];
	if (typeof method !== 'function') {
		throw new UnexpectedError('Node type does not have method defined', {
			tags: { nodeType: versioned.description.name },
			extra: { methodName: options.method },
		});
	}

	const node: INode = {
		parameters: deepCopy(options.parameters ?? {}),
		id: 'uuid-1234',
		name: 'Temp-Node',
		type: typeName,
		typeVersion,
		position: [0, 0],
	};
	const credentials = nodeCredentials(options.credentials);
	if (credentials) node.credentials = credentials;

	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: env.nodeTypes });
	const tempNode = workflow.nodes['Temp-Node'];
	// The editor sends the node's parameters as it holds them, i.e. with defaults filled in.
	const additionalData = createAdditionalData(env, { currentNodeParameters: deepCopy(tempNode.parameters) });
	const context = new LoadOptionsContext(workflow, tempNode, additionalData, options.path ?? 'parameters');

	return await workflow.expression.withIsolate(async () => await method.call(context));
}
