import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from './credentials';
import type { Pacing, PushBack } from './pacing';
import { AutoPacing, FixedPacing } from './pacing';

/** Any n8n context; executions have a cancel signal, polls and editor lookups do not. */
type CancellableContext = object;

/**
 * Max Requests in Parallel: `auto` (the pacing learns what Arize allows, see AutoPacing) or a fixed number of requests
 * open at once, from 1 to MAX_CONCURRENCY.
 */
export type Concurrency = number | 'auto';
/** When the user did not say: Arize publishes no limits for its REST API, so the gate learns them. */
export const DEFAULT_CONCURRENCY: Concurrency = 'auto';
export const MAX_CONCURRENCY = 100;

/** What a request tells the gate about its answer, from inside its slot. */
export interface GateSlot {
	/** Arize answered 429 Too Many Requests or 503 Service Unavailable: the gate slows down (when it is Auto). */
	pushedBack(why: PushBack): void;
}

/** Thrown to a request that was about to start after the gate closed; the item that closed it has the real error. */
export class RequestsStopped extends Error {
	constructor(reason: string) {
		super(reason);
		this.name = 'RequestsStopped';
	}
}

/**
 * The one gate every request of a node execution (or of one trigger poll) passes: at most the pacing's window of
 * requests in flight, no faster than its rate, nothing sent while Arize's `Retry-After` holds, and nothing new once
 * the execution is failing. Slots and start times are handed out in the order requests asked for them, so the items
 * of a run are served in input order.
 */
export class RequestGate {
	private inFlight = 0;
	private readonly waiting: Array<() => void> = [];
	/** Settles when the request before in line has started (when the pacing spaces requests in time). */
	private previousTurn: Promise<void> = Promise.resolve();
	private turnsWaiting = 0;
	/** Requests of items after this index (or of no item) start no more; those of earlier items still may. */
	private stoppedAfter = Number.POSITIVE_INFINITY;
	/** No request starts at or after this time (ms since the epoch). */
	private closesAt = Number.POSITIVE_INFINITY;
	/** The credential, read once for all requests of the gate (so they line up in the order they were asked for). */
	private credentials?: Promise<unknown>;

	/**
	 * `stopOnFailure`: a request that fails stops the gate for the items after its own (see stop). `hold`: until when
	 * Arize's last Retry-After holds; shared by the gates of one account (see accountHold).
	 */
	constructor(
		readonly pacing: Pacing,
		private readonly stopOnFailure = false,
		private readonly hold: AccountHold = { until: 0 },
	) {}

	/**
	 * Runs `send` in a slot; waits for a free slot, for any rate-limit hold and for its turn in time first. What `send`
	 * resolves with counts as a fine answer for the pacing unless it reported a push-back; what it throws counts as
	 * neither.
	 */
	async run<T>(context: CancellableContext, send: (slot: GateSlot) => Promise<T>, itemIndex?: number): Promise<T> {
		const sentAt = await this.acquire(context, itemIndex);
		let succeeded = false;
		let pushedBack: PushBack | undefined;
		try {
			const result = await send({ pushedBack: (why) => (pushedBack = why) });
			succeeded = true;
			return result;
		} finally {
			if (pushedBack) this.pacing.pushedBack(sentAt, Date.now(), pushedBack);
			else if (succeeded) this.pacing.answered(sentAt);
			// Before the slot is handed on: the next request in line must already see the gate closed.
			if (!succeeded && this.stopOnFailure) this.stop(itemIndex);
			this.release();
		}
	}

	/**
	 * After a 429: no request of this gate, nor of another gate of the same account, starts before `ms` from now (later
	 * holds extend, never shorten it).
	 */
	holdFor(ms: number): void {
		this.hold.until = Math.max(this.hold.until, Date.now() + ms);
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
		if (this.hold.until >= this.closesAt) throw new RequestsStopped('Not sent: Arize asked to wait past the time left');
		for (let wait = this.hold.until - Date.now(); wait > 0; wait = this.hold.until - Date.now()) {
			if (!(await pause(context, wait))) return false;
		}
		return !isCancelled(context);
	}

	/** From `time` on (ms since the epoch), requests that have not started fail with RequestsStopped. */
	closeAt(time: number): void {
		this.closesAt = Math.min(this.closesAt, time);
	}

	/** Waits for a slot, the hold and the request's turn in time; returns when it starts (ms since the epoch). */
	private async acquire(context: CancellableContext, itemIndex: number | undefined): Promise<number> {
		if (this.inFlight < this.pacing.window && this.waiting.length === 0) this.inFlight++;
		// Freed slots go to the first in line (admitWaiting), so a newcomer cannot overtake them.
		else await new Promise<void>((granted) => this.waiting.push(granted));
		let admitted = false;
		try {
			this.throwIfStopped(itemIndex);
			if (!(await this.waitForHold(context))) throw new RequestsStopped('The execution was cancelled');
			const sentAt = await this.waitForTurn(context, itemIndex);
			admitted = true;
			return sentAt;
		} finally {
			if (!admitted) this.release();
		}
	}

	/**
	 * Waits until the pacing lets the next request start (and no hold is on), one request after the other in the order
	 * they came; returns the start time, already told to the pacing so that the next in line waits from it.
	 */
	private async waitForTurn(context: CancellableContext, itemIndex: number | undefined): Promise<number> {
		const now = Date.now();
		if (this.turnsWaiting === 0 && this.pacing.nextStartAt() <= now && this.hold.until <= now) {
			this.throwIfStopped(itemIndex);
			this.pacing.started(now);
			return now;
		}
		this.turnsWaiting++;
		const previous = this.previousTurn;
		let done!: () => void;
		this.previousTurn = new Promise<void>((resolve) => (done = resolve));
		try {
			await previous;
			for (;;) {
				const startAt = Math.max(this.pacing.nextStartAt(), this.hold.until);
				if (startAt >= this.closesAt) throw new RequestsStopped('Not sent: the time for these requests is up');
				const wait = startAt - Date.now();
				if (wait <= 0) break;
				if (!(await pause(context, wait))) throw new RequestsStopped('The execution was cancelled');
			}
			if (isCancelled(context)) throw new RequestsStopped('The execution was cancelled');
			this.throwIfStopped(itemIndex);
			const startedAt = Date.now();
			this.pacing.started(startedAt);
			return startedAt;
		} finally {
			this.turnsWaiting--;
			done();
		}
	}

	private release(): void {
		this.inFlight--;
		this.admitWaiting();
	}

	/** Hands free slots to the first in line; the window may have grown or shrunk since. */
	private admitWaiting(): void {
		while (this.waiting.length > 0 && this.inFlight < this.pacing.window) {
			this.inFlight++;
			this.waiting.shift()!();
		}
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

/**
 * The last Auto pacing of each Arize account, by n8n credential ID: a credential holds one API key for one host, and
 * Arize's limits are the account's, whichever workflow sends. Only a number of requests is kept, never the credential.
 */
const lastAutoPacing = new Map<string, AutoPacing>();

/**
 * The pacing for a Max Requests in Parallel setting; Auto with a credential ID continues from what the last execution
 * with that credential learned.
 */
export function pacingFor(concurrency: Concurrency, credentialId?: string): Pacing {
	if (concurrency !== 'auto') return new FixedPacing(concurrency);
	if (credentialId === undefined) return new AutoPacing();
	const pacing = AutoPacing.continuing(lastAutoPacing.get(credentialId), Date.now());
	lastAutoPacing.set(credentialId, pacing);
	return pacing;
}

/** Until when Arize's last Retry-After for an account holds (ms since the epoch). */
export interface AccountHold {
	until: number;
}

/**
 * The Retry-After of each Arize account, by n8n credential ID: Arize's limits are the account's, so a 429 holds every
 * execution and poll with that credential (those running at once, and those that start before it has passed).
 */
const accountHolds = new Map<string, AccountHold>();

function accountHold(credentialId: string | undefined): AccountHold {
	if (credentialId === undefined) return { until: 0 };
	let hold = accountHolds.get(credentialId);
	if (!hold) accountHolds.set(credentialId, (hold = { until: 0 }));
	return hold;
}

/** Forgets what every Auto pacing learned and every Retry-After: the next executions start small and at once. */
export function forgetLearnedPaces(): void {
	lastAutoPacing.clear();
	accountHolds.clear();
}

/** The gate of this context; created with the default pacing unless `useRequestGate` set one first. */
export function requestGate(context: object): RequestGate {
	let gate = gates.get(context);
	if (!gate) {
		gate = new RequestGate(pacingFor(DEFAULT_CONCURRENCY));
		gates.set(context, gate);
	}
	return gate;
}

/** Gives this context a fresh gate (called once, before the first request of an execution or poll). */
export function useRequestGate(
	context: { getNode(): INode },
	concurrency: Concurrency,
	options: { stopOnFailure: boolean },
): RequestGate {
	const credentialId = context.getNode().credentials?.[CREDENTIAL_TYPE]?.id ?? undefined;
	const gate = new RequestGate(pacingFor(concurrency, credentialId), options.stopOnFailure, accountHold(credentialId));
	gates.set(context, gate);
	return gate;
}
