/**
 * How fast the requests of one request gate may go: how many may be open at once (the window) and, once Arize has
 * pushed back, how many may start per second (the rate). The gate asks; the pacing only counts. Times are ms since
 * the epoch, handed in by the gate, so the pacing itself never reads a clock.
 */
export interface Pacing {
	/** Requests that may be in flight at once now. */
	readonly window: number;
	/** The earliest time the next request may start (at or before now: at once). */
	nextStartAt(): number;
	/** A request started at `at`. */
	started(at: number): void;
	/** The request started at `sentAt` got an answer that is not a push-back (success or an ordinary error). */
	answered(sentAt: number): void;
	/** The request started at `sentAt` was answered at `at` with 429 Too Many Requests or 503 Service Unavailable. */
	pushedBack(sentAt: number, at: number, why: PushBack): void;
}

/** A rate limit (429: too many requests for some time) or an overloaded Arize (503: too many at once). */
export type PushBack = 'rateLimited' | 'overloaded';

/** Max Requests in Parallel set to a number: exactly that many at once, at any rate, whatever Arize answers. */
export class FixedPacing implements Pacing {
	constructor(readonly window: number) {}
	nextStartAt(): number {
		return 0;
	}
	started(): void {}
	answered(): void {}
	pushedBack(): void {}
}

/**
 * The most requests Auto ever has open at once. n8n handles each request and its answer on the execution's one
 * thread; answers that arrive while it is busy wait for it, so a window of W requests takes a round trip plus the CPU
 * of W requests to turn over. To come close to sending everything at once, the window must reach about twice the requests
 * the thread can handle in one round trip, which at the far end of a round trip to Arize's cloud is about this many
 * (BENCHMARKS.md, Request pacing). Beyond that a larger window buys little and only makes a burst bigger.
 */
export const AUTO_CEILING = 250;
/**
 * Auto's first window: a few requests side by side before anything is known about Arize's limits. A slow start from
 * 8 that doubles overshoots a small burst less than one from 4 that triples, and is as fast.
 */
const FIRST_WINDOW = 8;
/** Until the first push-back each fine answer adds this much to the window: it doubles every round trip. */
const SLOW_START_GROWTH = 1;
/** A push-back halves the window... */
const WINDOW_BACKOFF = 0.5;
/** ...and sets the rate to this share of the rate requests were starting at in the second before it. */
const RATE_BACKOFF = 0.8;
/** The rate of requests is measured over the last second (a rate limit is a number of requests per second or more). */
const RATE_WINDOW_MS = 1000;
/** After a push-back the rate grows again by this share of itself per second of fine answers. */
const RATE_GROWTH_PER_SECOND = 0.2;
/** Never slower than one request every 2 seconds: Arize's own Retry-After paces anything slower. */
const MIN_RATE = 0.5;
/**
 * What an execution learned is worth as much to the next as Arize's limits stay put. A pace that has started nothing
 * for this long is forgotten: Arize's load, and so its room, may have changed meanwhile.
 */
export const FORGET_PACE_AFTER_MS = 10 * 60_000;

/**
 * Max Requests in Parallel: Auto. Starts with a small window that doubles with every round trip while answers come
 * back fine (slow start), up to AUTO_CEILING: the window reaches it in five round trips. The first 429 or 503 ends
 * the slow start and halves the window; a 429 (a rate limit) also spaces requests in time from then on, at four
 * fifths of the rate they were starting at in the second before the push-back, which counts that second whole even
 * when the execution is younger (so the first estimate errs low). Both grow slowly again while answers are fine (the
 * rate by a fifth a second), and back off again at the next push-back. A token-bucket limit counts requests per
 * second, which no window alone can follow when answers are quick, so the rate does the real work under a limit and
 * the window keeps a slow Arize from piling up requests.
 *
 * One push-back is reacted to per burst: the answers to requests that had already started when the gate last backed
 * off are the same overshoot, not news.
 *
 * The next execution with the same credential picks up where the last one stands (see `continuing`), the way a
 * workflow that runs every few minutes would want: only the first execution in a while starts small.
 */
export class AutoPacing implements Pacing {
	/**
	 * A pacing for the next execution of the same account: it starts where `previous` stands now (window, rate, slow
	 * start or not), so that each execution does not learn Arize's room from nothing again; fresh when there is no
	 * previous pacing or it has started nothing for FORGET_PACE_AFTER_MS.
	 */
	static continuing(previous: AutoPacing | undefined, now: number): AutoPacing {
		const pacing = new AutoPacing();
		if (previous && now - previous.lastStart < FORGET_PACE_AFTER_MS) {
			pacing.size = previous.size;
			pacing.slowStart = previous.slowStart;
			pacing.rate = previous.rate;
		}
		return pacing;
	}

	private size = FIRST_WINDOW;
	private slowStart = true;
	/** Requests per second once Arize has pushed back; undefined: no spacing in time. */
	private rate: number | undefined;
	private lastStart = Number.NEGATIVE_INFINITY;
	private backedOffAt = Number.NEGATIVE_INFINITY;
	/** Start times of the requests of the last RATE_WINDOW_MS, oldest first. */
	private readonly recentStarts: number[] = [];

	get window(): number {
		return Math.floor(this.size);
	}

	/** Requests per second the gate spaces starts to; undefined while it does not (no push-back yet). */
	get requestsPerSecond(): number | undefined {
		return this.rate;
	}

	nextStartAt(): number {
		return this.rate === undefined ? 0 : this.lastStart + 1000 / this.rate;
	}

	started(at: number): void {
		this.lastStart = at;
		this.recentStarts.push(at);
		this.forgetBefore(at - RATE_WINDOW_MS);
	}

	answered(sentAt: number): void {
		// An answer to a request sent before the last back-off says nothing about the new pace.
		if (sentAt <= this.backedOffAt) return;
		this.size = Math.min(AUTO_CEILING, this.size + (this.slowStart ? SLOW_START_GROWTH : 1 / this.size));
		if (this.rate !== undefined) this.rate += RATE_GROWTH_PER_SECOND;
	}

	pushedBack(sentAt: number, at: number, why: PushBack): void {
		if (sentAt <= this.backedOffAt) return;
		this.backedOffAt = at;
		this.slowStart = false;
		this.size = Math.max(1, this.size * WINDOW_BACKOFF);
		// An overloaded Arize needs fewer requests at once; only a rate limit says how many a second it takes.
		if (why === 'overloaded') return;
		const started = this.recentStarts.filter((time) => time > sentAt - RATE_WINDOW_MS && time <= sentAt).length;
		const measured = (started * 1000) / RATE_WINDOW_MS;
		this.rate = Math.max(MIN_RATE, Math.min(this.rate ?? measured, measured) * RATE_BACKOFF);
	}

	private forgetBefore(time: number): void {
		let old = 0;
		while (old < this.recentStarts.length && this.recentStarts[old] <= time) old++;
		if (old > 0) this.recentStarts.splice(0, old);
	}
}
