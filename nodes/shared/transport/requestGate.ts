import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

/** Any n8n context; executions have a cancel signal, polls and editor lookups do not. */
type CancellableContext = object;

/** Requests to Arize one node execution may have open at once when the user did not say (Arize's limits are unpublished). */
export const DEFAULT_MAX_CONCURRENCY = 5;
export const MAX_CONCURRENCY = 100;

/** Thrown to a request that was about to start after the gate closed; the item that closed it has the real error. */
export class RequestsStopped extends Error {
	constructor(reason: string) {
		super(reason);
		this.name = 'RequestsStopped';
	}
}

/**
 * The one gate every request of a node execution (or of one trigger poll) passes: at most `limit` requests in flight,
 * nothing sent while Arize's `Retry-After` holds, and nothing new once the execution is failing. Slots are handed
 * over in the order requests asked for them, so the items of a run are served in input order.
 */
export class RequestGate {
	private inFlight = 0;
	private readonly waiting: Array<() => void> = [];
	private holdUntil = 0;
	/** Requests of items after this index (or of no item) start no more; those of earlier items still may. */
	private stoppedAfter = Number.POSITIVE_INFINITY;
	/** No request starts at or after this time (ms since the epoch). */
	private closesAt = Number.POSITIVE_INFINITY;
	/** The credential, read once for all requests of the gate (so they line up in the order they were asked for). */
	private credentials?: Promise<unknown>;

	/** `stopOnFailure`: a request that fails stops the gate for the items after its own (see stop). */
	constructor(
		readonly limit: number,
		private readonly stopOnFailure = false,
	) {}

	/** Runs `send` in a slot; waits for a free slot and for any rate-limit hold first. */
	async run<T>(context: CancellableContext, send: () => Promise<T>, itemIndex?: number): Promise<T> {
		await this.acquire(context, itemIndex);
		let succeeded = false;
		try {
			const result = await send();
			succeeded = true;
			return result;
		} finally {
			// Before the slot is handed on: the next request in line must already see the gate closed.
			if (!succeeded && this.stopOnFailure) this.stop(itemIndex);
			this.release();
		}
	}

	/** After a 429: no request of this gate starts before `ms` from now (later holds extend, never shorten it). */
	holdFor(ms: number): void {
		this.holdUntil = Math.max(this.holdUntil, Date.now() + ms);
	}

	/**
	 * Item `itemIndex` failed: requests of later items (and of no item) that have not started fail with RequestsStopped;
	 * those in flight finish, and earlier items go on, so the failure that counts is the one a loop over the items in
	 * order would have met first. `stop()` stops every request not started yet.
	 */
	stop(itemIndex = -1): void {
		this.stoppedAfter = Math.min(this.stoppedAfter, itemIndex);
	}

	/** The credential of this execution, read on first use. */
	async credentialsOnce<T>(read: () => Promise<T>): Promise<T> {
		this.credentials ??= read();
		return (await this.credentials) as T;
	}

	/**
	 * Waits until the hold has passed (it may grow meanwhile). Returns false when the execution was cancelled. A hold
	 * that lasts past the gate's closing time stops the request at once rather than waiting for nothing.
	 */
	async waitForHold(context: CancellableContext): Promise<boolean> {
		if (this.holdUntil >= this.closesAt) throw new RequestsStopped('Not sent: Arize asked to wait past the time left');
		for (let wait = this.holdUntil - Date.now(); wait > 0; wait = this.holdUntil - Date.now()) {
			if (!(await pause(context, wait))) return false;
		}
		return !isCancelled(context);
	}

	/** From `time` on (ms since the epoch), requests that have not started fail with RequestsStopped. */
	closeAt(time: number): void {
		this.closesAt = Math.min(this.closesAt, time);
	}

	private async acquire(context: CancellableContext, itemIndex: number | undefined): Promise<void> {
		if (this.inFlight < this.limit && this.waiting.length === 0) this.inFlight++;
		// release() hands its slot straight to the first in line, so a newcomer cannot overtake it.
		else await new Promise<void>((granted) => this.waiting.push(granted));
		let admitted = false;
		try {
			this.throwIfStopped(itemIndex);
			if (!(await this.waitForHold(context))) throw new RequestsStopped('The execution was cancelled');
			this.throwIfStopped(itemIndex);
			admitted = true;
		} finally {
			if (!admitted) this.release();
		}
	}

	private release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.inFlight--;
	}

	private throwIfStopped(itemIndex: number | undefined): void {
		if ((itemIndex ?? Number.POSITIVE_INFINITY) > this.stoppedAfter) {
			throw new RequestsStopped(`Not sent: item ${this.stoppedAfter} failed first`);
		}
		if (Date.now() >= this.closesAt) throw new RequestsStopped('Not sent: the time for these requests is up');
	}
}

export function isCancelled(context: CancellableContext): boolean {
	const signal = (context as Partial<Pick<IExecuteFunctions, 'getExecutionCancelSignal'>>).getExecutionCancelSignal;
	return typeof signal === 'function' && signal.call(context)?.aborted === true;
}

/**
 * Waits, but wakes early when the execution is cancelled (n8n's cancel signal). Returns false if it was cancelled.
 * n8n-workflow's sleep cannot be interrupted, so long waits are taken in short steps.
 */
export async function pause(context: CancellableContext, ms: number): Promise<boolean> {
	const step = 250;
	for (let waited = 0; waited < ms; waited += step) {
		if (isCancelled(context)) return false;
		await sleep(Math.min(step, ms - waited));
	}
	return !isCancelled(context);
}

// One gate per n8n context object: a node execution and an editor lookup each get a context of their own. n8n 1.x and
// the classic scheduler reuse one context for every poll of a trigger; the trigger runs one poll at a time and gives
// each its own gate.
const gates = new WeakMap<object, RequestGate>();

/** The gate of this context; created with the default bound unless `useRequestGate` set one first. */
export function requestGate(context: object): RequestGate {
	let gate = gates.get(context);
	if (!gate) {
		gate = new RequestGate(DEFAULT_MAX_CONCURRENCY);
		gates.set(context, gate);
	}
	return gate;
}

/** Gives this context a fresh gate (called once, before the first request of an execution or poll). */
export function useRequestGate(context: object, limit: number, options: { stopOnFailure: boolean }): RequestGate {
	const gate = new RequestGate(limit, options.stopOnFailure);
	gates.set(context, gate);
	return gate;
}
