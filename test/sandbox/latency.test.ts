import { SEED, startSandbox } from '../../sandbox/index.ts';
import { enc, sleep, useSandbox } from './helpers.ts';

// Simulated network latency (every answer written latencyMs + 0…jitterMs after the request was read) and the
// in-flight counters. Timing assertions are lower bounds with generous upper bounds: a loaded 2-core machine may be
// slow, never early.

const now = () => performance.timeOrigin + performance.now();
const KEY = { Authorization: 'Bearer sandbox-api-key' };

/** Waits (up to 2 s) until `condition` holds; the answer's last byte and the 'finish' event are not one instant. */
async function until(condition: () => boolean): Promise<void> {
	for (const deadline = Date.now() + 2000; !condition(); ) {
		if (Date.now() > deadline) throw new Error('condition not met within 2 s');
		await sleep(5);
	}
}

describe('sandbox latency and in-flight counters', () => {
	const ctx = useSandbox();

	beforeEach(async () => {
		await until(() => ctx.sandbox.inFlight === 0);
		ctx.sandbox.setLatency(0);
		ctx.sandbox.faults.clear();
		ctx.sandbox.clearRequests();
		ctx.sandbox.resetMaxInFlight();
	});

	afterEach(() => {
		jest.restoreAllMocks();
	});

	const timed = async (path: string) => {
		const start = performance.now();
		const response = await ctx.api.get(path);
		return { response, ms: performance.now() - start };
	};

	it('delays an answer by latencyMs', async () => {
		ctx.sandbox.setLatency(50);
		const { response, ms } = await timed('/v2/spaces');
		expect(response.status).toBe(200);
		expect(ms).toBeGreaterThanOrEqual(50);
		expect(ms).toBeLessThan(2000);
		const [record] = ctx.sandbox.requests;
		expect(record.answeredAt! - record.receivedAt).toBeGreaterThanOrEqual(50);
	});

	it('takes the latency from startSandbox options', async () => {
		const sandbox = await startSandbox({ port: 0, latencyMs: 40 });
		try {
			const start = performance.now();
			const response = await fetch(`${sandbox.url}/v2/spaces`, { headers: KEY });
			await response.text();
			expect(response.status).toBe(200);
			expect(performance.now() - start).toBeGreaterThanOrEqual(40);
		} finally {
			await sandbox.close();
		}
	});

	it('adds up to jitterMs on top, never less than latencyMs', async () => {
		ctx.sandbox.setLatency(20, 30);
		const responses = await Promise.all(Array.from({ length: 10 }, () => ctx.api.get('/v2/spaces')));
		expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
		const delays = ctx.sandbox.requests.map((record) => record.answeredAt! - record.receivedAt);
		expect(delays).toHaveLength(10);
		for (const delay of delays) {
			expect(delay).toBeGreaterThanOrEqual(20);
			expect(delay).toBeLessThan(20 + 30 + 1000);
		}
	});

	it('draws the jitter per answer (random 1 → latencyMs + jitterMs)', async () => {
		ctx.sandbox.setLatency(10, 60);
		jest.spyOn(Math, 'random').mockReturnValue(1);
		const { ms } = await timed('/v2/spaces');
		jest.restoreAllMocks();
		expect(ms).toBeGreaterThanOrEqual(70);
		const [record] = ctx.sandbox.requests;
		expect(record.answeredAt! - record.receivedAt).toBeGreaterThanOrEqual(70);
	});

	it('at 0 ms schedules no timer and adds nothing measurable', async () => {
		const timers = jest.spyOn(globalThis, 'setTimeout');
		for (let i = 0; i < 20; i++) expect((await ctx.api.get('/v2/spaces')).status).toBe(200);
		const sandboxTimers = timers.mock.calls.length;
		// The spy does see the sandbox's timers: 1 ms of latency sets one.
		ctx.sandbox.setLatency(1);
		await ctx.api.get('/v2/spaces');
		const withLatency = timers.mock.calls.length - sandboxTimers;
		timers.mockRestore();
		expect(sandboxTimers).toBe(0);
		expect(withLatency).toBeGreaterThanOrEqual(1);
		const delays = ctx.sandbox.requests.slice(0, 20).map((record) => record.answeredAt! - record.receivedAt).sort((a, b) => a - b);
		expect(delays).toHaveLength(20);
		expect(delays[10]).toBeLessThan(10);
	});

	it('does not block other requests: 10 GETs at 100 ms overlap', async () => {
		ctx.sandbox.setLatency(100);
		const start = performance.now();
		const responses = await Promise.all(Array.from({ length: 10 }, () => ctx.api.get('/v2/spaces')));
		const ms = performance.now() - start;
		expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
		expect(ms).toBeGreaterThanOrEqual(100);
		expect(ms).toBeLessThan(700); // one after the other would be ≥ 1,000
		expect(ctx.sandbox.maxInFlight).toBe(10);
		await until(() => ctx.sandbox.inFlight === 0);
		expect(ctx.sandbox.maxInFlight).toBe(10);
	});

	it('counts requests in flight and resets the maximum to the requests in flight now', async () => {
		ctx.sandbox.setLatency(300);
		const pending = Promise.all(Array.from({ length: 3 }, () => ctx.api.get('/v2/spaces')));
		await until(() => ctx.sandbox.inFlight === 3);
		expect(ctx.sandbox.maxInFlight).toBe(3);
		ctx.sandbox.resetMaxInFlight();
		expect(ctx.sandbox.maxInFlight).toBe(3);
		await pending;
		await until(() => ctx.sandbox.inFlight === 0);
		ctx.sandbox.resetMaxInFlight();
		expect(ctx.sandbox.maxInFlight).toBe(0);
		ctx.sandbox.setLatency(0);
		await ctx.api.get('/v2/spaces');
		expect(ctx.sandbox.maxInFlight).toBe(1);
	});

	it('records receivedAt on arrival and answeredAt when the answer is written', async () => {
		ctx.sandbox.setLatency(30);
		const before = now();
		await ctx.api.get('/v2/spaces');
		const after = now();
		const [record] = ctx.sandbox.requests;
		expect(record.receivedAt).toBeGreaterThanOrEqual(before);
		expect(record.answeredAt).toBeGreaterThanOrEqual(record.receivedAt + 30);
		expect(record.answeredAt).toBeLessThanOrEqual(after);
	});

	it('records and applies the request on arrival; only the answer waits', async () => {
		ctx.sandbox.setLatency(300);
		const taskId = SEED.taskIds.productionHallucination;
		const patched = ctx.api.patch(`/v2/tasks/${enc(taskId)}`, { name: 'Renamed While In Flight' });
		await until(() => ctx.sandbox.inFlight === 1 && ctx.sandbox.requests[0]?.body !== undefined);
		const [record] = ctx.sandbox.requests;
		expect(record).toMatchObject({ method: 'PATCH', body: { name: 'Renamed While In Flight' }, status: 0, answeredAt: undefined });
		expect(ctx.sandbox.store.tasks.get(taskId)?.name).toBe('Renamed While In Flight');

		// Clearing the record list does not lose track of a request in flight.
		ctx.sandbox.clearRequests();
		expect(ctx.sandbox.inFlight).toBe(1);
		const response = await patched;
		expect(response.status).toBe(200);
		expect(response.body.name).toBe('Renamed While In Flight');
		expect(record.status).toBe(200);
		expect(record.answeredAt! - record.receivedAt).toBeGreaterThanOrEqual(300);
		await until(() => ctx.sandbox.inFlight === 0);
		expect(ctx.sandbox.requests).toEqual([]);
	});

	it('delays injected faults too (429)', async () => {
		ctx.sandbox.setLatency(50);
		ctx.sandbox.faults.inject({ status: 429, retryAfter: 1 });
		const { response, ms } = await timed('/v2/tasks');
		expect(response.status).toBe(429);
		expect(response.headers.get('retry-after')).toBe('1');
		expect(ms).toBeGreaterThanOrEqual(50);
		expect(ctx.sandbox.requests[0].answeredAt! - ctx.sandbox.requests[0].receivedAt).toBeGreaterThanOrEqual(50);
	});

	it('delays a reset fault', async () => {
		ctx.sandbox.setLatency(50);
		ctx.sandbox.faults.inject({ kind: 'reset' });
		const start = performance.now();
		await expect(fetch(`${ctx.sandbox.url}/v2/tasks`, { headers: KEY })).rejects.toThrow();
		expect(performance.now() - start).toBeGreaterThanOrEqual(50);
		expect(ctx.sandbox.requests[0]).toMatchObject({ status: 0, answeredAt: expect.any(Number) });
		await until(() => ctx.sandbox.inFlight === 0);
	});

	it('keeps a hanging request in flight until the client gives up, never answered', async () => {
		ctx.sandbox.setLatency(10);
		ctx.sandbox.faults.inject({ kind: 'hang' });
		const abort = new AbortController();
		const hanging = fetch(`${ctx.sandbox.url}/v2/tasks`, { headers: KEY, signal: abort.signal });
		await until(() => ctx.sandbox.inFlight === 1);
		await sleep(50);
		expect(ctx.sandbox.inFlight).toBe(1);
		abort.abort();
		await expect(hanging).rejects.toThrow();
		await until(() => ctx.sandbox.inFlight === 0);
		expect(ctx.sandbox.requests[0]).toMatchObject({ status: 0, answeredAt: undefined });
	});

	it('rejects a negative or non-finite latency', () => {
		expect(() => ctx.sandbox.setLatency(-1)).toThrow(RangeError);
		expect(() => ctx.sandbox.setLatency(10, Number.NaN)).toThrow(RangeError);
		expect(() => ctx.sandbox.setLatency(Number.POSITIVE_INFINITY)).toThrow(RangeError);
	});

	it('closes at once with answers still waiting for their latency', async () => {
		const sandbox = await startSandbox({ port: 0, latencyMs: 10_000 });
		const waiting = fetch(`${sandbox.url}/v2/spaces`, { headers: KEY }).then(
			() => 'answered',
			() => 'failed',
		);
		await until(() => sandbox.inFlight === 1);
		const start = performance.now();
		await sandbox.close();
		expect(performance.now() - start).toBeLessThan(2000);
		expect(await waiting).toBe('failed');
		expect(sandbox.requests[0]).toMatchObject({ status: 0, answeredAt: undefined });
	});
});
