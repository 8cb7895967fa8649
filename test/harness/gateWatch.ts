/** The parts of the request gate and of Auto's pacing that the watch hooks (the TypeScript or the built classes). */
interface GateClass {
	prototype: { holdFor(ms: number): void };
}
interface PacingClass {
	prototype: { started(at: number): void };
}

/** A request as the sandbox recorded it (its clock is the machine's, as the node's). */
interface Received {
	receivedAt: number;
}

/**
 * Watches the request gates from inside the node's process until `stop()`: each hold a 429 set (from when the node read
 * the 429 until its Retry-After ends) and each time a gate let a request start. Measured from the node's side, so a busy
 * machine that makes the node read a 429 late does not count as a request sent while held.
 */
export function watchGates(gateClass: GateClass, pacingClass: PacingClass) {
	const holds: Array<{ from: number; to: number }> = [];
	const starts: number[] = [];
	const { holdFor } = gateClass.prototype;
	const { started } = pacingClass.prototype;
	gateClass.prototype.holdFor = function (this: unknown, ms: number) {
		// The gate reads the clock after this, so its hold ends at `to` or a millisecond later, never sooner.
		const from = Date.now();
		holds.push({ from, to: from + ms });
		holdFor.call(this, ms);
	};
	pacingClass.prototype.started = function (this: unknown, at: number) {
		starts.push(at);
		started.call(this, at);
	};
	const held = (time: number, margin: number) => holds.some(({ from, to }) => time > from + margin && time < to - margin);
	return {
		holds,
		/**
		 * What went out while a Retry-After held: requests a gate started, and requests the sandbox received (a request a
		 * gate started just before the node read the 429 may reach the sandbox up to `marginMs` later).
		 */
		sentWhileHeld<T extends Received>(requests: T[], marginMs = 100): { started: number[]; received: T[] } {
			return {
				started: starts.filter((at) => held(at, 0)),
				received: requests.filter((request) => held(request.receivedAt, marginMs)),
			};
		},
		stop() {
			gateClass.prototype.holdFor = holdFor;
			pacingClass.prototype.started = started;
		},
	};
}
