import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Faults } from './faults.ts';
import { createRequestListener } from './server.ts';
import type { RecordedRequest, ServerState } from './server.ts';
import { Store } from './store.ts';

// The Arize sandbox: a local, contract-faithful stand-in for Arize AX's v2 REST API (tasks, task runs and the
// lookup lists), following /work/shared/api/tasks-api.md. Start one per test file with startSandbox({ port: 0 }).

export type { RecordedRequest } from './server.ts';
export type { Fault, FaultOptions } from './faults.ts';
export { Faults } from './faults.ts';
export { Store, createStore } from './store.ts';
export type { FinishCounts, RunInput, StoreOptions, TaskInput } from './store.ts';
export { SEED, SEED_EXAMPLE_IDS } from './seed.ts';
export { encodeId } from './ids.ts';
export type * from './types.ts';

export const DEFAULT_API_KEY = 'sandbox-api-key';

export interface SandboxOptions {
	/** Default 0 (an ephemeral port); the CLI uses 4010. */
	port?: number;
	/** Default '127.0.0.1'. */
	host?: string;
	/** Accepted Bearer keys; default ['sandbox-api-key']. */
	apiKeys?: string[];
	/** Load the realistic seed data; default true. */
	seed?: boolean;
	/** How long a triggered run takes from PENDING through RUNNING to COMPLETED; default 3000. */
	runDurationMs?: number;
}

export interface Sandbox {
	/** e.g. 'http://127.0.0.1:41233' (no trailing slash). */
	url: string;
	port: number;
	store: Store;
	faults: Faults;
	/** Every request received, in arrival order (see RecordedRequest). */
	requests: RecordedRequest[];
	clearRequests(): void;
	/** When on, every enum value in responses is lowercase, like the older docs; requests accept any casing anyway. */
	setLowercaseEnums(on: boolean): void;
	/** Applies to runs triggered from now on. */
	setRunDurationMs(ms: number): void;
	/** Stops listening and destroys open (including hanging) sockets. Safe to call twice. */
	close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const store = new Store({ seed: options.seed ?? true, runDurationMs: options.runDurationMs ?? 3000 });
	const state: ServerState = {
		store,
		faults: new Faults(),
		requests: [],
		apiKeys: new Set(options.apiKeys ?? [DEFAULT_API_KEY]),
		lowercaseEnums: false,
	};
	const server = createServer(createRequestListener(state));
	const host = options.host ?? '127.0.0.1';
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	let closing: Promise<void> | undefined;

	return {
		url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
		port,
		store,
		faults: state.faults,
		requests: state.requests,
		clearRequests: () => {
			// In place, so references to sandbox.requests stay live.
			state.requests.length = 0;
		},
		setLowercaseEnums: (on) => {
			state.lowercaseEnums = on;
		},
		setRunDurationMs: (ms) => {
			store.runDurationMs = ms;
		},
		close: () => {
			closing ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				// Keep-alive and hanging sockets would otherwise keep the server (and jest) alive.
				server.closeAllConnections();
			});
			return closing;
		},
	};
}
