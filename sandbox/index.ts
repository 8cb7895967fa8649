import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Faults } from './faults.ts';
import { createRequestListener } from './server.ts';
import type { ExchangeObserver, RecordedRequest, ServerState } from './server.ts';
import { seedStore } from './seed.ts';
import { seedResults } from './seed-results.ts';
import { RUN_ORDERS, Store } from './store.ts';
import type { RunOrder } from './store.ts';
import { seedOrganizationsAndPrompts } from './webhooks/seed.ts';
import { SandboxWebhooks } from './webhooks/events.ts';

// The Arize sandbox: a local, contract-faithful stand-in for Arize AX's v2 REST API (tasks, task runs, the lookup
// lists, and the experiments, spans and evaluator versions a run's results are read from), following Arize's
// published spec (the types `@arizeai/ax-client` ships). Start one per test file with startSandbox({ port: 0 }).

export type { Exchange, ExchangeObserver, RecordedRequest } from './server.ts';
export type { Fault, FaultOptions } from './faults.ts';
export { Faults } from './faults.ts';
export { RUN_ORDERS, Store } from './store.ts';
export type { FinishCounts, RunInput, RunOrder, SpanInput, StoreOptions, TaskInput } from './store.ts';
export { SEED, SEED_EXAMPLE_IDS } from './seed.ts';
export { encodeId } from './ids.ts';
export type * from './types.ts';
export { WEBHOOK_SEED } from './webhooks/seed.ts';
export { DEFAULT_RETRY_DELAYS_MS } from './webhooks/deliveries.ts';
export type { SentDelivery } from './webhooks/deliveries.ts';
export type { SandboxWebhooks } from './webhooks/events.ts';
export type * from './webhooks/types.ts';

export const DEFAULT_API_KEY = 'sandbox-api-key';

/**
 * The seed: spaces, datasets, evaluators, integrations and tasks with their runs, the results those runs left, then
 * the organizations and prompts webhooks are made for.
 */
function loadSeed(store: Store): void {
	seedStore(store);
	seedResults(store);
	seedOrganizationsAndPrompts(store);
}

/** A store as startSandbox makes one: the seed loaded (seed: false leaves it empty), runs 3 s long by default. */
export function createStore(options: { seed?: boolean; runDurationMs?: number } = {}): Store {
	return new Store({ load: options.seed === false ? undefined : loadSeed, runDurationMs: options.runDurationMs });
}

const everySandboxObservers = new Set<ExchangeObserver>();

/**
 * Hands every routed exchange of every sandbox started from now on to `observer` (the test suites' spec recorder);
 * returns the function that stops it.
 */
export function observeEverySandbox(observer: ExchangeObserver): () => void {
	everySandboxObservers.add(observer);
	return () => everySandboxObservers.delete(observer);
}

const DEFAULT_BACKLOG = 2048;

function milliseconds(value: number, name: string): number {
	if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
	return value;
}

function runOrder(order: string): RunOrder {
	if (!(RUN_ORDERS as readonly string[]).includes(order)) {
		throw new RangeError(`runOrder must be one of ${RUN_ORDERS.join(', ')}, got ${order}`);
	}
	return order as RunOrder;
}

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
	/** The order of GET /v2/tasks/{id}/runs: 'newest' first (the default, what Arize documents), 'oldest' or 'shuffled'. */
	runOrder?: RunOrder;
	/**
	 * Simulated network round trip: every answer (normal, problem and injected faults, hang excepted) is written
	 * latencyMs plus a random 0…jitterMs after the request was read; the request is recorded and applied to the store
	 * at once. Default 0 and 0: answers are written at once, without a timer.
	 */
	latencyMs?: number;
	jitterMs?: number;
	/**
	 * The listen backlog: connections the kernel queues before the sandbox accepts them; default 2048 (Linux caps it
	 * at net.core.somaxconn). Node's own default, 511, is less than the 1,000 connections a client opens when it sends
	 * 1,000 requests at once on new connections; the kernel drops the SYNs beyond it and those connects are retried
	 * about a second later.
	 */
	backlog?: number;
	/** Called with every routed request and its answer (see Exchange), besides those of observeEverySandbox. */
	observe?: ExchangeObserver;
	/**
	 * Waits before each retry of a failed webhook delivery (no 2xx answer); its length is the number of retries.
	 * Default DEFAULT_RETRY_DELAYS_MS (1 s, 5 s, 25 s); tests use a few ms. sandbox.webhooks.setRetryDelaysMs changes it.
	 */
	webhookRetryDelaysMs?: number[];
}

export interface Sandbox {
	/** e.g. 'http://127.0.0.1:41233' (no trailing slash). */
	url: string;
	port: number;
	store: Store;
	faults: Faults;
	/** Webhook deliveries and their per-test controls (sandbox/README.md, "Webhooks"). */
	webhooks: SandboxWebhooks;
	/** Every request received, in arrival order (see RecordedRequest). */
	requests: RecordedRequest[];
	/** Empties `requests`; requests still in flight keep counting in inFlight and still get their status and answeredAt. */
	clearRequests(): void;
	/**
	 * The older-docs mode: while on, every enum value in responses is lowercase and requests may spell enums in any
	 * casing, as the older docs did. Off (the default), responses and requests use the spec's UPPERCASE only.
	 */
	setLowercaseEnums(on: boolean): void;
	/** Applies to runs triggered from now on. */
	setRunDurationMs(ms: number): void;
	/** The order of every runs listing from now on (see SandboxOptions.runOrder). */
	setRunOrder(order: RunOrder): void;
	/** Applies to answers that become due from now on (see SandboxOptions.latencyMs); setLatency(0) turns it off. */
	setLatency(latencyMs: number, jitterMs?: number): void;
	/** Requests in flight now: arrived, and their answer not yet fully written (nor their socket closed). */
	readonly inFlight: number;
	/** The most requests in flight at once since the start or the last resetMaxInFlight(). */
	readonly maxInFlight: number;
	/** Starts counting maxInFlight again, from the requests in flight now. */
	resetMaxInFlight(): void;
	/** Stops listening and destroys open (including hanging) sockets. Safe to call twice. */
	close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const store = createStore({ seed: options.seed, runDurationMs: options.runDurationMs });
	store.runOrder = runOrder(options.runOrder ?? 'newest');
	const state: ServerState = {
		store,
		faults: new Faults(),
		requests: [],
		apiKeys: new Set(options.apiKeys ?? [DEFAULT_API_KEY]),
		lowercaseEnums: false,
		latencyMs: milliseconds(options.latencyMs ?? 0, 'latencyMs'),
		jitterMs: milliseconds(options.jitterMs ?? 0, 'jitterMs'),
		inFlight: 0,
		maxInFlight: 0,
		timers: new Set(),
		observers: new Set([...everySandboxObservers, ...(options.observe ? [options.observe] : [])]),
	};
	const webhooks = new SandboxWebhooks(store, options.webhookRetryDelaysMs);
	const server = createServer(createRequestListener(state));
	const host = options.host ?? '127.0.0.1';
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen({ port: options.port ?? 0, host, backlog: options.backlog ?? DEFAULT_BACKLOG }, () => {
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
		webhooks,
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
		setRunOrder: (order) => {
			store.runOrder = runOrder(order);
		},
		setLatency: (latencyMs, jitterMs = 0) => {
			milliseconds(jitterMs, 'jitterMs');
			state.latencyMs = milliseconds(latencyMs, 'latencyMs');
			state.jitterMs = jitterMs;
		},
		get inFlight() {
			return state.inFlight;
		},
		get maxInFlight() {
			return state.maxInFlight;
		},
		resetMaxInFlight: () => {
			state.maxInFlight = state.inFlight;
		},
		close: () => {
			closing ??= new Promise<void>((resolve) => {
				// Answers still waiting for their latency go nowhere: their sockets are destroyed below.
				for (const timer of state.timers) clearTimeout(timer);
				state.timers.clear();
				webhooks.close();
				server.close(() => resolve());
				// Keep-alive and hanging sockets would otherwise keep the server (and jest) alive.
				server.closeAllConnections();
			});
			return closing;
		},
	};
}
