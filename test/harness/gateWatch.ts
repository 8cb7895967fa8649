/** The parts of the request gate and of its pacings that the watch hooks (the TypeScript or the built classes). */
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
 * the 429 until its Retry-After ends) and each time a gate let a request start (`pacingClasses`: Auto and a fixed
 * number, whose `started` every start passes). Measured from the node's side, so a busy
 * machine that makes the node read a 429 late does not count as a request sent while held.
 */
export function watchGates(gateClass: GateClass, pacingClasses: readonly PacingClass[]) {
	const holds: Array<{ from: number; to: number }> = [];
	const starts: number[] = [];
	const { holdFor } = gateClass.prototype;
	const originalStarted = pacingClasses.map((pacingClass) => pacingClass.prototype.started);
	gateClass.prototype.holdFor = function (this: unknown, ms: number) {
		// The gate reads the clock after this, so its hold ends at `to` or a millisecond later, never sooner.
		const from = Date.now();
		holds.push({ from, to: from + ms });
		holdFor.call(this, ms);
	};
	pacingClasses.forEach((pacingClass, index) => {
		pacingClass.prototype.started = function (this: unknown, at: number) {
			starts.push(at);
			originalStarted[index].call(this, at);
		};
	});
	return {
		holds,
		/**
		 * What went out while a Retry-After held: requests a gate started during a hold, and requests the sandbox
		 * received during a hold beyond those already on their way when it began (started by a gate, not yet received:
		 * n8n takes a moment from a request's start to its first byte, more on a busy machine).
		 */
		sentWhileHeld<T extends Received>(requests: T[]): { started: number[]; received: T[] } {
			const during = (time: number, { from, to }: { from: number; to: number }) => time > from && time < to;
			const received = holds.flatMap((hold) => {
				const onTheirWay =
					starts.filter((at) => at <= hold.from).length - requests.filter((request) => request.receivedAt <= hold.from).length;
				return requests.filter((request) => during(request.receivedAt, hold)).slice(Math.max(0, onTheirWay));
			});
			return {
				started: starts.filter((at) => holds.some((hold) => during(at, hold))),
				received: [...new Set(received)],
			};
		},
		stop() {
			gateClass.prototype.holdFor = holdFor;
			pacingClasses.forEach((pacingClass, index) => (pacingClass.prototype.started = originalStarted[index]));
		},
	};
}
