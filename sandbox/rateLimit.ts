// A rate limit in front of the whole API, the way an API gateway enforces one: a token bucket that holds up to
// `burst` requests and refills at `perSecond`. Every request takes a token on arrival (before authentication,
// routing and injected faults); without one it is answered 429 with Retry-After in whole seconds (Arize:
// "429 … with a Retry-After header") and the problem+json body of every other error.

import { ApiError } from './problems.ts';

export interface RateLimitOptions {
	/** Requests per second the bucket refills with (> 0). */
	perSecond: number;
	/** Requests the bucket holds, i.e. how many may arrive at once after a quiet spell; default perSecond (at least 1). */
	burst?: number;
}

export const RATE_LIMIT_DETAIL = 'Too many requests. Retry after the number of seconds in the Retry-After header.';

export class RateLimit {
	#perSecond = 0;
	#burst = 0;
	#tokens = 0;
	#refilledAt = 0;

	/** The limit in force, or undefined when there is none. */
	get options(): Required<RateLimitOptions> | undefined {
		return this.#perSecond > 0 ? { perSecond: this.#perSecond, burst: this.#burst } : undefined;
	}

	/**
	 * Sets the limit from now on (undefined: none). A new limit starts with a full bucket; a change of an existing one
	 * keeps the tokens left (capped at the new burst), as a gateway whose configuration changes under load would.
	 */
	set(options: RateLimitOptions | undefined, now: number): void {
		if (options === undefined) {
			this.#perSecond = 0;
			return;
		}
		const { perSecond } = options;
		const burst = options.burst ?? Math.max(1, perSecond);
		if (!Number.isFinite(perSecond) || perSecond <= 0) throw new RangeError(`perSecond must be a number > 0, got ${perSecond}`);
		if (!Number.isFinite(burst) || burst < 1) throw new RangeError(`burst must be a number ≥ 1, got ${burst}`);
		const had = this.options !== undefined;
		if (had) this.#refill(now);
		this.#perSecond = perSecond;
		this.#burst = burst;
		this.#tokens = had ? Math.min(this.#tokens, burst) : burst;
		this.#refilledAt = now;
	}

	/**
	 * Takes a token for a request arriving at `now` (ms). Returns undefined when the request may pass, or the 429 to
	 * answer: Retry-After is the whole seconds until a token is back, at least 1.
	 */
	take(now: number): ApiError | undefined {
		if (this.#perSecond <= 0) return undefined;
		this.#refill(now);
		if (this.#tokens >= 1) {
			this.#tokens -= 1;
			return undefined;
		}
		const seconds = Math.max(1, Math.ceil((1 - this.#tokens) / this.#perSecond));
		return new ApiError(429, RATE_LIMIT_DETAIL, { 'Retry-After': String(seconds) });
	}

	#refill(now: number): void {
		const elapsed = Math.max(0, now - this.#refilledAt) / 1000;
		this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perSecond);
		this.#refilledAt = now;
	}
}
