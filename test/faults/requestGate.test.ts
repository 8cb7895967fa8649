import type { Pacing } from '../../nodes/shared/transport/pacing';
import { AUTO_CEILING, AutoPacing, FixedPacing, FORGET_PACE_AFTER_MS } from '../../nodes/shared/transport/pacing';
import { forgetLearnedPaces, RequestGate, pacingFor, useRequestGate } from '../../nodes/shared/transport/requestGate';

// The request gate and its pacing as units: how many requests it lets open at once, how that changes with the
// answers, and when it lets them start. The pacing is handed its times, so its arithmetic is checked exactly; the
// gate is driven with requests whose answers the test releases one by one.

/** A request the test answers when it wants: `fine`, `pushBack` (429), `overload` (503) or `fail` (an error thrown). */
interface Pending {
	index: number;
	fine(): void;
	pushBack(): void;
	overload(): void;
	fail(): void;
}

/** Starts `count` requests through the gate; `pending` holds those in flight, in the order they started. */
function drive(gate: RequestGate, count: number) {
	const pending: Pending[] = [];
	const started: number[] = [];
	const startTimes: number[] = [];
	const done = Promise.allSettled(
		Array.from({ length: count }, (_, index) =>
			gate.run(
				{},
				(slot) =>
					new Promise<void>((resolve, reject) => {
						started.push(index);
						startTimes.push(Date.now());
						const settle = (how: 'fine' | 'pushBack' | 'overload' | 'fail') => {
							pending.splice(pending.findIndex((request) => request.index === index), 1);
							if (how === 'pushBack') slot.pushedBack('rateLimited');
							if (how === 'overload') slot.pushedBack('overloaded');
							if (how === 'fail') reject(new Error(`request ${index} failed`));
							else resolve();
						};
						pending.push({
							index,
							fine: () => settle('fine'),
							pushBack: () => settle('pushBack'),
							overload: () => settle('overload'),
							fail: () => settle('fail'),
						});
					}),
				index,
			),
		),
	);
	return { pending, started, startTimes, done };
}

/** Lets the gate's promises (slot hand-overs, turns) run. */
const settle = async () => {
	for (let i = 0; i < 20; i++) await Promise.resolve();
	await new Promise((resolve) => setImmediate(resolve));
};

/** Answers every request in flight now with `how`, then lets the gate admit the next ones. */
async function answerAll(pending: Pending[], how: 'fine' | 'pushBack' | 'overload' | 'fail') {
	for (const request of [...pending]) request[how]();
	await settle();
}

describe('AutoPacing: the arithmetic', () => {
	it('probes with 24 at once, nothing more until all have come back; then opens 72 and triples every round trip', () => {
		const pacing = new AutoPacing();
		expect(pacing.window).toBe(24);
		for (let i = 0; i < 24; i++) pacing.started(0);
		// Each answer of the probe frees its slot without opening it: the window is what is still in flight.
		for (let i = 0; i < 23; i++) pacing.answered(0);
		expect(pacing.window).toBe(1);
		pacing.answered(0);
		const windows = [pacing.window];
		for (let trip = 1; trip < 4; trip++) {
			const window = pacing.window;
			for (let i = 0; i < window; i++) pacing.started(trip * 100);
			for (let i = 0; i < window; i++) pacing.answered(trip * 100);
			windows.push(pacing.window);
		}
		expect(windows).toEqual([72, 216, 250, 250]);
		// No push-back yet: requests are not spaced in time.
		expect(pacing.requestsPerSecond).toBeUndefined();
		expect(pacing.nextStartAt()).toBe(0);
	});

	it(`never goes above its ceiling of ${AUTO_CEILING}`, () => {
		const pacing = new AutoPacing();
		for (let i = 0; i < 10_000; i++) {
			pacing.started(i);
			pacing.answered(i);
		}
		expect(pacing.window).toBe(AUTO_CEILING);
	});

	it('a 503 halves the window and spaces nothing in time: Arize is busy, not counting', () => {
		const pacing = new AutoPacing();
		for (let i = 0; i < 30; i++) {
			pacing.started(i);
			pacing.answered(i);
		}
		expect(pacing.window).toBe(84);
		pacing.pushedBack(30, 40, 'overloaded');
		expect(pacing.window).toBe(42);
		expect(pacing.requestsPerSecond).toBeUndefined();
		// Out of slow start: the window grows by about one a round trip, not three times over.
		for (let i = 0; i < 42; i++) {
			pacing.started(50 + i);
			pacing.answered(50 + i);
		}
		expect(pacing.window).toBe(42);
		pacing.started(100);
		pacing.answered(100);
		expect(pacing.window).toBe(43);
	});

	it('a push-back during the probe ends it: the window is half the probe, and what is still out adds nothing', () => {
		const pacing = new AutoPacing();
		for (let i = 0; i < 24; i++) pacing.started(0);
		for (let i = 0; i < 10; i++) pacing.answered(0);
		pacing.pushedBack(0, 60, 'rateLimited');
		expect(pacing.window).toBe(12);
		// 24 requests started in the second before the refused one: 24 a second, backed off to 4/5.
		expect(pacing.requestsPerSecond).toBeCloseTo(19.2, 10);
		for (let i = 11; i < 24; i++) pacing.answered(0);
		expect(pacing.window).toBe(12);
	});

	it('a 429 halves the window and spaces requests at 4/5 of the rate of the second before it', () => {
		const pacing = new AutoPacing();
		for (let trip = 0; trip < 4; trip++) {
			for (let i = 0; i < 20; i++) pacing.started(1000 + trip * 250 + i);
			for (let i = 0; i < 20; i++) pacing.answered(1000 + trip * 250 + i);
		}
		const before = pacing.window;
		// 80 requests started within the second before the refused one (1000…1769): 80 a second, backed off to 64.
		pacing.pushedBack(1769, 1800, 'rateLimited');
		expect(pacing.window).toBe(Math.floor(before / 2));
		expect(pacing.requestsPerSecond).toBe(64);
		pacing.started(1900);
		expect(pacing.nextStartAt()).toBe(1900 + 1000 / 64);
	});

	it('reacts once to a burst: push-backs of requests started before the back-off change nothing more', () => {
		const pacing = new AutoPacing();
		for (let i = 0; i < 40; i++) pacing.started(i * 10);
		for (let i = 0; i < 30; i++) pacing.answered(i * 10);
		pacing.pushedBack(300, 500, 'rateLimited');
		const after = { window: pacing.window, rate: pacing.requestsPerSecond };
		for (let i = 31; i < 40; i++) pacing.pushedBack(i * 10, 520, 'rateLimited');
		expect({ window: pacing.window, rate: pacing.requestsPerSecond }).toEqual(after);
		// Their fine answers do not grow it either; an answer to a request started after the back-off does.
		pacing.answered(390);
		expect(pacing.requestsPerSecond).toBe(after.rate);
		// After the first push-back the rate doubles a second: each fine answer adds 0.7.
		pacing.started(1600);
		pacing.answered(1600);
		expect(pacing.requestsPerSecond).toBeCloseTo(after.rate! + 0.7, 10);
		// A push-back of a request started after the back-off backs off again, from the lower rate...
		pacing.pushedBack(1600, 1700, 'rateLimited');
		const second = pacing.requestsPerSecond!;
		expect(second).toBeLessThan(after.rate!);
		// ...and from then on the rate grows by a fifth a second: each fine answer adds 0.2.
		pacing.started(1800);
		pacing.answered(1800);
		expect(pacing.requestsPerSecond).toBeCloseTo(second + 0.2, 10);
	});

	it('never spaces requests more than 2 seconds apart, however hard Arize pushes back', () => {
		const pacing = new AutoPacing();
		for (let i = 0; i < 30; i++) {
			pacing.started(i * 5000);
			pacing.pushedBack(i * 5000, i * 5000 + 10, 'rateLimited');
		}
		expect(pacing.window).toBe(1);
		expect(pacing.requestsPerSecond).toBe(0.5);
	});

	it('a fixed number stays that number: no growth, no back-off, no spacing', () => {
		const pacing: Pacing = new FixedPacing(7);
		for (let i = 0; i < 100; i++) {
			pacing.started(i);
			pacing.answered(i);
			pacing.pushedBack(i, i + 1, 'rateLimited');
		}
		expect(pacing.window).toBe(7);
		expect(pacing.nextStartAt()).toBe(0);
		expect(pacingFor(7)).toBeInstanceOf(FixedPacing);
		expect(pacingFor('auto')).toBeInstanceOf(AutoPacing);
	});
});

describe('AutoPacing: what the next execution with the same credential starts from', () => {
	/** A pacing whose probe met a 429 at 80 requests a second. */
	function experienced(): AutoPacing {
		const pacing = new AutoPacing();
		for (let i = 0; i < 20; i++) pacing.started(i * 10);
		for (let i = 0; i < 20; i++) pacing.answered(i * 10);
		for (let i = 20; i < 80; i++) pacing.started(i * 10);
		pacing.pushedBack(790, 800, 'rateLimited');
		return pacing;
	}

	const state = (pacing: AutoPacing) => ({ window: pacing.window, rate: pacing.requestsPerSecond });

	it('starts with the window and the rate the last pacing stands at, and goes on from there', () => {
		const last = experienced();
		expect(state(last)).toEqual({ window: 12, rate: 64 });
		const next = AutoPacing.continuing(last, 60_000);
		expect(state(next)).toEqual({ window: 12, rate: 64 });
		// No probe, past the slow start: a fine answer grows the rate as it would have grown the last one's, and a 429
		// backs off from the learnt rate.
		next.started(60_000);
		next.answered(60_000);
		expect(next.requestsPerSecond).toBeCloseTo(64.7, 10);
		next.pushedBack(60_000, 60_050, 'rateLimited');
		expect(next.window).toBe(6);
	});

	it('when Arize never pushed back, probes first, then opens the window the last one reached', () => {
		const last = new AutoPacing();
		for (let i = 0; i < 100; i++) {
			last.started(i);
			last.answered(i);
		}
		// 72 after its probe of 24, then 2 more for each of the other 76 answers.
		expect(last.window).toBe(224);
		const next = AutoPacing.continuing(last, 1000);
		expect(next.window).toBe(24);
		for (let i = 0; i < 24; i++) next.started(1000);
		for (let i = 0; i < 24; i++) next.answered(1000);
		expect(next.window).toBe(224);
		// A limit that appeared meanwhile refuses a probe, not a window of 224.
		const limited = AutoPacing.continuing(last, 1000);
		for (let i = 0; i < 24; i++) limited.started(1000);
		limited.pushedBack(1000, 1050, 'rateLimited');
		expect(limited.window).toBe(12);
		// An execution that sent nothing, or whose probe is still out, hands on what the one before it learnt.
		const third = AutoPacing.continuing(AutoPacing.continuing(last, 1000), 2000);
		expect(third.window).toBe(24);
		for (let i = 0; i < 24; i++) third.answered(2000);
		expect(third.window).toBe(224);
	});

	it(`starts from nothing when the last pacing started nothing for ${FORGET_PACE_AFTER_MS / 60_000} minutes, or there is none`, () => {
		const last = experienced();
		const fresh = { window: 24, rate: undefined };
		// Its last request started at 790.
		expect(state(AutoPacing.continuing(last, 790 + FORGET_PACE_AFTER_MS - 1))).toEqual({ window: 12, rate: 64 });
		expect(state(AutoPacing.continuing(last, 790 + FORGET_PACE_AFTER_MS))).toEqual(fresh);
		expect(state(AutoPacing.continuing(undefined, 0))).toEqual(fresh);
	});

	it('is kept per credential ID: another credential, no credential or a fixed number start as always', () => {
		forgetLearnedPaces();
		const first = pacingFor('auto', 'credential-a') as AutoPacing;
		for (let i = 0; i < 40; i++) {
			first.started(Date.now());
			first.answered(Date.now());
		}
		// The window each opens after its probe of 24: credential-a's first reached 72 + 2 × 16.
		const afterProbe = (pacing: Pacing) => {
			for (let i = 0; i < 24; i++) (pacing as AutoPacing).answered(Date.now());
			return pacing.window;
		};
		expect(afterProbe(pacingFor('auto', 'credential-a'))).toBe(104);
		expect(afterProbe(pacingFor('auto', 'credential-b'))).toBe(72);
		expect(afterProbe(pacingFor('auto'))).toBe(72);
		expect(pacingFor(5, 'credential-a').window).toBe(5);
		forgetLearnedPaces();
		expect(afterProbe(pacingFor('auto', 'credential-a'))).toBe(72);
	});
});

describe('RequestGate with Auto', () => {
	it('lets 24 requests open first and no more until all have come back, then 72, then three times as many a round, in input order', async () => {
		const gate = new RequestGate(new AutoPacing());
		const { pending, started, done } = drive(gate, 500);
		await settle();
		expect(pending).toHaveLength(24);
		// Half the probe back: the freed slots stay shut.
		for (const request of pending.slice(0, 12)) request.fine();
		await settle();
		expect(pending).toHaveLength(12);
		expect(started).toHaveLength(24);
		await answerAll(pending, 'fine');
		const inFlight: number[] = [];
		for (let round = 0; round < 3; round++) {
			await settle();
			inFlight.push(pending.length);
			await answerAll(pending, 'fine');
		}
		// The last round is what is left: 500 − 24 − 72 − 216.
		expect(inFlight).toEqual([72, 216, 188]);
		while (pending.length) await answerAll(pending, 'fine');
		await done;
		expect(started).toEqual(Array.from({ length: 500 }, (_, index) => index));
	});

	it('a 429 halves how many are open at once; errors thrown neither grow nor shrink it', async () => {
		const gate = new RequestGate(new AutoPacing());
		const { pending, done } = drive(gate, 400);
		for (let round = 0; round < 2; round++) {
			await settle();
			await answerAll(pending, 'fine');
		}
		await settle();
		expect(pending).toHaveLength(216);
		// One push-back among the 216; the rest of that burst answers fine, which the gate does not count as news.
		pending[0].pushBack();
		await answerAll(pending, 'fine');
		expect(gate.pacing.window).toBe(108);
		expect(pending.length).toBeLessThanOrEqual(108);
		const windowBefore = gate.pacing.window;
		await answerAll(pending, 'fail');
		expect(gate.pacing.window).toBe(windowBefore);
		gate.stop();
		await answerAll(pending, 'fine');
		await done;
	});

	it('after a push-back, requests start one after the other at the learnt rate, none before its time', async () => {
		const pacing = new AutoPacing();
		const gate = new RequestGate(pacing);
		const { pending, startTimes, done } = drive(gate, 12);
		await settle();
		pending[0].pushBack();
		await answerAll(pending, 'fine');
		const rate = pacing.requestsPerSecond!;
		expect(rate).toBeGreaterThan(0);
		const firstPaced = startTimes.length;
		while (pending.length || startTimes.length < 12) {
			await new Promise((resolve) => setTimeout(resolve, 5));
			await answerAll(pending, 'fine');
		}
		await done;
		const paced = startTimes.slice(firstPaced - 1);
		// Each start waits for the one before plus the interval of the rate at that moment (which only grows: the
		// interval of the final rate is the smallest).
		for (let i = 1; i < paced.length; i++) {
			expect(paced[i] - paced[i - 1]).toBeGreaterThanOrEqual(Math.floor(1000 / pacing.requestsPerSecond!) - 1);
		}
	});

	/** Sends `count` requests through the gate, answering each fine as it starts; resolves with the first start. */
	async function firstStart(gate: RequestGate, count: number): Promise<number> {
		const { pending, startTimes, done } = drive(gate, count);
		while (startTimes.length < count) {
			await new Promise((resolve) => setTimeout(resolve, 20));
			await answerAll(pending, 'fine');
		}
		await answerAll(pending, 'fine');
		await done;
		return Math.min(...startTimes);
	}

	it("honours a 429's Retry-After for every request, not just the one refused", async () => {
		const gate = new RequestGate(new AutoPacing());
		gate.holdFor(300);
		const holdEnds = Date.now() + 300;
		expect(await firstStart(gate, 6)).toBeGreaterThanOrEqual(holdEnds - 1);
	});

	it("holds every gate of the same credential to a 429's Retry-After (running or started after it), not another credential's", async () => {
		forgetLearnedPaces();
		const execution = (credentialId?: string, concurrency: 'auto' | number = 'auto') =>
			useRequestGate({ getNode: () => ({ credentials: credentialId ? { arizeApi: { id: credentialId, name: 'Arize' } } : {} }) } as never, concurrency, {
				stopOnFailure: false,
			});
		const running = execution('account-a');
		execution('account-a', 5).holdFor(1000);
		const holdEnds = Date.now() + 1000;
		const later = execution('account-a');
		const starts = async (gate: RequestGate) => await firstStart(gate, 2);
		const [runningStart, laterStart, otherStart, noCredentialStart] = await Promise.all([
			starts(running),
			starts(later),
			starts(execution('account-b')),
			starts(execution()),
		]);
		expect(runningStart).toBeGreaterThanOrEqual(holdEnds - 1);
		expect(laterStart).toBeGreaterThanOrEqual(holdEnds - 1);
		expect(otherStart).toBeLessThan(holdEnds - 500);
		expect(noCredentialStart).toBeLessThan(holdEnds - 500);
		// Forgetting what was learnt forgets the hold too.
		execution('account-a').holdFor(60_000);
		forgetLearnedPaces();
		const forgotten = Date.now();
		expect((await starts(execution('account-a'))) - forgotten).toBeLessThan(1000);
	});
});

describe('RequestGate with a fixed number', () => {
	it('keeps exactly that many open whatever the answers, and starts them at once', async () => {
		const gate = new RequestGate(new FixedPacing(5));
		const { pending, started, done } = drive(gate, 40);
		const inFlight: number[] = [];
		for (let round = 0; round < 7; round++) {
			await settle();
			inFlight.push(pending.length);
			await answerAll(pending, round === 2 ? 'pushBack' : round === 4 ? 'fail' : 'fine');
		}
		expect(inFlight).toEqual([5, 5, 5, 5, 5, 5, 5]);
		while (pending.length) await answerAll(pending, 'fine');
		await done;
		expect(started).toEqual(Array.from({ length: 40 }, (_, index) => index));
	});
});
