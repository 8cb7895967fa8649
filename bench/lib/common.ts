/**
 * What every benchmark script shares: where the repository is, the built package (dist/, what n8n loads), n8n's own
 * HTTP Request node, and a tiny protocol for worker processes (each measurement runs in a fresh `node` process and
 * sends one result back over IPC).
 */
import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

import type { ICredentialType, IDataObject, INodeType, IVersionedNodeType } from 'n8n-workflow';

import type { ArizeApi } from '../../credentials/ArizeApi.credentials';
import type { ArizeTasks } from '../../nodes/ArizeTasks/ArizeTasks.node';
import type { ArizeTasksTrigger } from '../../nodes/ArizeTasksTrigger/ArizeTasksTrigger.node';
import type { AutoPacing as AutoPacingClass, FixedPacing as FixedPacingClass } from '../../nodes/shared/transport/pacing';
import type { RequestGate as RequestGateClass } from '../../nodes/shared/transport/requestGate';
import { runPoll } from '../../test/harness';

/** The repository root: the first folder above this file whose package.json declares the n8n nodes. */
export const ROOT = (() => {
	for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
		const file = path.join(dir, 'package.json');
		if (!existsSync(file)) continue;
		const pkg = JSON.parse(readFileSync(file, 'utf8')) as { n8n?: unknown };
		if (pkg.n8n) return dir;
	}
	throw new Error(`No package.json with an "n8n" section above ${__dirname}`);
})();

/** The Bearer key every sandbox started by the benchmarks accepts. */
export const BENCH_API_KEY = 'bench-api-key';

export const arizeCredentials = (baseUrl: string) => ({
	arizeApi: { apiKey: BENCH_API_KEY, region: 'custom', baseUrl } as IDataObject,
});

/** The nodes and the credential from dist/, i.e. the package as built (`npm run build`), as n8n loads it. */
export function loadBuiltPackage() {
	const dist = (file: string) => require(path.join(ROOT, 'dist', file)) as Record<string, unknown>;
	const { ArizeTasks: Tasks } = dist('nodes/ArizeTasks/ArizeTasks.node.js') as { ArizeTasks: typeof ArizeTasks };
	const { ArizeTasksTrigger: Trigger } = dist('nodes/ArizeTasksTrigger/ArizeTasksTrigger.node.js') as {
		ArizeTasksTrigger: typeof ArizeTasksTrigger;
	};
	const { ArizeApi: Api } = dist('credentials/ArizeApi.credentials.js') as { ArizeApi: typeof ArizeApi };
	const { RequestGate, forgetLearnedPaces } = dist('nodes/shared/transport/requestGate.js') as {
		RequestGate: typeof RequestGateClass;
		forgetLearnedPaces: () => void;
	};
	const { AutoPacing, FixedPacing } = dist('nodes/shared/transport/pacing.js') as {
		AutoPacing: typeof AutoPacingClass;
		FixedPacing: typeof FixedPacingClass;
	};
	return {
		tasks: () => new Tasks() as INodeType,
		trigger: () => new Trigger() as INodeType,
		credentialTypes: [new Api() as ICredentialType],
		/** The request gate and its pacings the built nodes use, for test/harness/gateWatch.ts. */
		gateClasses: [RequestGate, [AutoPacing, FixedPacing]] as const,
		/** Makes the next Auto execution the first in a while: it learns Arize's room from nothing. */
		forgetLearnedPaces,
	};
}

/** What n8n 2.41's durable scheduler hands a poll at its default 45 s timeout (and what n8n 1.x polls get). */
export const POLL_BUDGET_MS = 36_000;

/**
 * The trigger (as built) watching every task for completed runs, polled one poll after another with the state the
 * last poll left; each poll must succeed and fire exactly `expectedFires` runs.
 */
export function triggerPoller(pkg: ReturnType<typeof loadBuiltPackage>, credentials: ReturnType<typeof arizeCredentials>) {
	let staticData: IDataObject = {};
	return async (expectedFires: number): Promise<void> => {
		const result = await runPoll({
			nodeType: pkg.trigger(),
			credentialTypes: pkg.credentialTypes,
			credentials,
			parameters: { watch: 'allTasks', statuses: ['COMPLETED'] },
			staticData,
			pollBudgetMs: POLL_BUDGET_MS,
		});
		assert(!result.error, `trigger: ${result.error?.message}`);
		const fired = result.items?.length ?? 0;
		assert(fired === expectedFires, `trigger fired ${fired}, expected ${expectedFires}`);
		staticData = result.staticDataAfterPoll;
	};
}

/** The full n8n installed by ./scripts/start (n8n 2.41.1 and its n8n-nodes-base). */
export const N8N_MODULES = path.join(ROOT, '.tools/n8n/node_modules');

export function packageVersion(name: string, from = ROOT): string | undefined {
	try {
		const file = require.resolve(`${name}/package.json`, { paths: [from] });
		return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
	} catch {
		return undefined;
	}
}

/**
 * n8n's HTTP Request node (the versioned class: the harness runs its newest version, 4.5, what a new node in the
 * editor gets) and the Header Auth credential, from n8n-nodes-base in the installed n8n.
 *
 * Inside n8n there is one n8n-workflow, shared by n8n-core, n8n-nodes-base and community packages (a peer
 * dependency). Here n8n-nodes-base sits in another node_modules tree with its own copy of n8n-workflow (the same
 * version, 2.41.0). With `oneWorkflowCopy` every `require('n8n-workflow')` from that tree is answered with the copy
 * the harness and this package use, so the run has one copy, as in n8n.
 */
export function loadHttpRequestNode(options: { oneWorkflowCopy: boolean }) {
	const base = path.join(N8N_MODULES, 'n8n-nodes-base/dist');
	if (!existsSync(base)) {
		throw new Error(`n8n-nodes-base is not installed at ${base}: npm run bench installs n8n 2.41.1 there first`);
	}
	if (options.oneWorkflowCopy) {
		const ours = require.resolve('n8n-workflow');
		type Resolve = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
		const loader = Module as unknown as { _resolveFilename: Resolve };
		const original = loader._resolveFilename;
		loader._resolveFilename = function (request, parent, ...rest) {
			if (request === 'n8n-workflow' && parent?.filename?.startsWith(N8N_MODULES + path.sep)) return ours;
			return original.call(this, request, parent, ...rest);
		};
	}
	const { HttpRequest } = require(path.join(base, 'nodes/HttpRequest/HttpRequest.node.js')) as {
		HttpRequest: new () => IVersionedNodeType;
	};
	const { HttpHeaderAuth } = require(path.join(base, 'credentials/HttpHeaderAuth.credentials.js')) as {
		HttpHeaderAuth: new () => ICredentialType;
	};
	// n8n's node loader names every node type `<package>.<name>`; n8n-core gives `n8n-nodes-base.httpRequest` access
	// to any credential type (FULL_ACCESS_NODE_TYPES), which is how Header Auth reaches it.
	const httpRequest = () => {
		const node = new HttpRequest();
		for (const description of [node.description, ...Object.values(node.nodeVersions).map((v) => v.description)]) {
			description.name = 'n8n-nodes-base.httpRequest';
		}
		return node;
	};
	const workflowCopies = Object.keys(require.cache).filter((file) =>
		/[\\/]n8n-workflow[\\/]dist[\\/]cjs[\\/]index\.js$/.test(file),
	);
	return { httpRequest, credentialTypes: [new HttpHeaderAuth()], workflowCopies };
}

// ---- worker processes --------------------------------------------------------------------------------------------

/** Called by a worker script: waits for its input from the parent, runs `main`, sends the result back and exits. */
export function worker<I, T>(main: (input: I) => Promise<T>): void {
	process.once('message', (message: { type: string; input: I }) => {
		if (message.type === 'input') void run(message.input);
	});
	const run = (input: I) =>
		main(input).then(
		(result) => {
				process.send!({ type: 'result', result }, () => process.exit(0));
			},
			(error: unknown) => {
				console.error(error);
				process.exit(1);
			},
		);
}

export const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(`Benchmark check failed: ${message}`);
}
