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
 * Auto's first flight (the probe): this many requests at once, and nothing more until every one of them has come back,
 * so that a limit with a small burst refuses only the part of this flight beyond it (otherwise the answers that came
 * back fine would send more before the refusals of the same flight are read). Large enough that, opened to three times
 * itself and tripled every round trip after that, the window reaches the ceiling three round trips in.
 */
const PROBE = 24;
/** A probe that came back fine opens a window of this many (three times the probe)... */
const AFTER_PROBE = 72;
/** ...which each fine answer grows by this much until the first push-back: it triples every round trip. */
const SLOW_START_GROWTH = 2;
/** A push-back halves the window... */
const WINDOW_BACKOFF = 0.5;
/** ...and sets the rate to this share of the rate requests were starting at in the second before it. */
const RATE_BACKOFF = 0.8;
/** The rate of requests is measured over the last second (a rate limit is a number of requests per second or more). */
const RATE_WINDOW_MS = 1000;
/**
 * After a push-back the rate grows again by this share of itself per second of fine answers (each fine answer adds
 * it): about a fifth a second...
 */
const RATE_GROWTH_PER_SECOND = 0.2;
/**
 * ...except between the first 429 and the second: the first estimate counts an execution's first round trips as a
 * whole second (see pushedBack), usually well below the limit, so the rate doubles a second until the limit answers
 * again.
 */
const FIRST_RATE_GROWTH_PER_SECOND = 0.7;
/** Never slower than one request every 2 seconds: Arize's own Retry-After paces anything slower. */
const MIN_RATE = 0.5;
/**
 * What an execution learned is worth as much to the next as Arize's limits stay put. A pace that has started nothing
 * for this long is forgotten: Arize's load, and so its room, may have changed meanwhile.
 */
export const FORGET_PACE_AFTER_MS = 10 * 60_000;

/**
 * Max Requests in Parallel: Auto. Starts with a probe: PROBE requests at once, and no more until all have come back.
 * Fine, the window triples with every round trip while answers come back fine (slow start), up to AUTO_CEILING. The
 * first 429 or 503 ends the slow start and halves the window; a 429 (a rate limit) also spaces requests in time from
 * then on, at four fifths of the rate they were starting at in the second before the push-back, which counts that
 * second whole even when the execution is younger (so the first estimate errs low). Both grow again while answers are
 * fine (the window by one a round trip, the rate by a fifth a second, at first faster), and back off again at the next
 * push-back. A token-bucket limit counts requests per second, which no window alone can follow when answers are
 * quick, so the rate does the real work under a limit and the window keeps a slow Arize from piling up requests.
 *
 * One push-back is reacted to per burst: the answers to requests that had already started when the gate last backed
 * off are the same overshoot, not news.
 *
 * The next execution with the same credential goes on from what this one learnt (see `continuing`): only the first
 * execution in a while learns Arize's room from nothing.
 */
export class AutoPacing implements Pacing {
	/**
	 * A pacing for the next execution of the same account, from what `previous` learnt, unless it has started nothing
	 * for FORGET_PACE_AFTER_MS (Arize's load, and so its room, may have changed meanwhile):
	 * - Arize pushed back: it starts with the window and the rate `previous` stands at, and goes on from there.
	 * - Arize never pushed back: it probes first, as a fresh pacing does, then opens the window `previous` reached. A
	 *   limit that has appeared since refuses only the probe's overshoot, not a whole window.
	 */
	static continuing(previous: AutoPacing | undefined, now: number): AutoPacing {
		const pacing = new AutoPacing();
		if (!previous || now - previous.lastStart >= FORGET_PACE_AFTER_MS) return pacing;
		// Spacing and forgetting run on from the last request before (an execution that sends nothing hands on what the
		// one before it learnt, and when).
		pacing.lastStart = previous.lastStart;
		if (previous.slowStart) {
			pacing.afterProbe = Math.max(AFTER_PROBE, previous.probing ? previous.afterProbe : previous.size);
		} else {
			pacing.probing = false;
			pacing.slowStart = false;
			pacing.size = previous.size;
			pacing.rate = previous.rate;
			pacing.rateLimitsMet = previous.rateLimitsMet;
		}
		return pacing;
	}

	private size = PROBE;
	/** The first flight is out: no request starts beyond it until all of it has come back. */
	private probing = true;
	private probeAnswered = 0;
	/** The window once the probe has come back fine. */
	private afterProbe = AFTER_PROBE;
	private slowStart = true;
	/** Requests per second once Arize has pushed back; undefined: no spacing in time. */
	private rate: number | undefined;
	/** How many times a 429 has set the rate. */
	private rateLimitsMet = 0;
	private lastStart = Number.NEGATIVE_INFINITY;
	private backedOffAt = Number.NEGATIVE_INFINITY;
	/** Start times of the requests of the last RATE_WINDOW_MS, oldest first. */
	private readonly recentStarts: number[] = [];

	get window(): number {
		// While probing, a slot freed by an answer stays shut: the probe's requests are all the gate sends.
		return this.probing ? this.size - this.probeAnswered : Math.floor(this.size);
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
		if (this.probing) {
			if (++this.probeAnswered < this.size) return;
			this.probing = false;
			this.size = Math.min(AUTO_CEILING, this.afterProbe);
			return;
		}
		this.size = Math.min(AUTO_CEILING, this.size + (this.slowStart ? SLOW_START_GROWTH : 1 / this.size));
		if (this.rate !== undefined) this.rate += this.rateLimitsMet > 1 ? RATE_GROWTH_PER_SECOND : FIRST_RATE_GROWTH_PER_SECOND;
	}

	pushedBack(sentAt: number, at: number, why: PushBack): void {
		if (sentAt <= this.backedOffAt) return;
		this.backedOffAt = at;
		this.probing = false;
		this.slowStart = false;
		this.size = Math.max(1, this.size * WINDOW_BACKOFF);
		// An overloaded Arize needs fewer requests at once; only a rate limit says how many a second it takes.
		if (why === 'overloaded') return;
		this.rateLimitsMet++;
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
