// Fault injection: make the next matching request(s) fail the way real networks and gateways fail. Faults are
// consulted before authentication and routing, so they hit any path, even an unknown one.

export type Fault =
	| { status: 429; retryAfter?: number }
	| { status: 500 | 502 | 503 }
	| { kind: 'hang' }
	| { kind: 'reset' }
	| { kind: 'malformed-json' }
	| { kind: 'html'; status?: number };

export interface FaultOptions {
	/** How many matching requests the fault applies to. Default 1; Infinity keeps it until clear(). */
	times?: number;
	/** How many matching requests pass untouched before the fault starts (to hit the middle of a sequence). Default 0. */
	skip?: number;
	/** Only requests with this method (any casing). */
	method?: string;
	/** Only requests whose path (without query string, raw or percent-decoded) equals this string or matches this RegExp. */
	path?: string | RegExp;
}

interface FaultEntry {
	fault: Fault;
	remaining: number;
	skip: number;
	method?: string;
	path?: string | RegExp;
}

function decodedOrRaw(path: string): string {
	try {
		return decodeURIComponent(path);
	} catch {
		return path;
	}
}

function pathMatches(pattern: string | RegExp, rawPath: string): boolean {
	const decoded = decodedOrRaw(rawPath);
	if (typeof pattern === 'string') return pattern === rawPath || pattern === decoded;
	return pattern.test(rawPath) || pattern.test(decoded);
}

export class Faults {
	#entries: FaultEntry[] = [];

	inject(fault: Fault, options: FaultOptions = {}): void {
		const times = options.times ?? 1;
		if (!(times > 0)) throw new Error('faults.inject: times must be at least 1');
		this.#entries.push({
			fault,
			remaining: times,
			skip: options.skip ?? 0,
			method: options.method?.toUpperCase(),
			path: options.path,
		});
	}

	clear(): void {
		this.#entries = [];
	}

	/** Requests still to be faulted (Infinity when a fault was injected with times: Infinity). */
	pending(): number {
		return this.#entries.reduce((sum, entry) => sum + entry.remaining, 0);
	}

	/** The fault for this request, if any, consuming one use of it. Earlier injections win. */
	take(method: string, rawPath: string): Fault | undefined {
		const index = this.#entries.findIndex(
			(entry) =>
				(!entry.method || entry.method === method.toUpperCase()) && (!entry.path || pathMatches(entry.path, rawPath)),
		);
		if (index < 0) return undefined;
		const entry = this.#entries[index];
		if (entry.skip > 0) {
			entry.skip -= 1;
			return undefined;
		}
		entry.remaining -= 1;
		if (entry.remaining <= 0) this.#entries.splice(index, 1);
		return entry.fault;
	}
}
