import { RateLimit } from '../../sandbox/rateLimit.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { exited, started, useSandboxCli } from './cli.ts';
import { apiClient, useSandbox } from './helpers.ts';

// The sandbox's rate limit: a token bucket in front of the whole API. The bucket's arithmetic is checked with the
// times handed in; over HTTP, what a client sees (429, Retry-After in whole seconds, problem+json) and what the
// sandbox records.

describe('RateLimit: the token bucket', () => {
	it('lets a burst through at once, then one request per 1/perSecond', () => {
		const limit = new RateLimit();
		limit.set({ perSecond: 4, burst: 3 }, 0);
		const passed = (at: number) => limit.take(at) === undefined;
		expect([passed(0), passed(0), passed(0), passed(0)]).toEqual([true, true, true, false]);
		expect(passed(200)).toBe(false); // 0.8 of a token back
		expect(passed(250)).toBe(true); // one whole token after 250 ms
		expect(passed(250)).toBe(false);
		// A quiet spell fills the bucket up to the burst, never beyond.
		expect([passed(10_000), passed(10_000), passed(10_000), passed(10_000)]).toEqual([true, true, true, false]);
	});

	it('answers 429 with Retry-After in whole seconds until a token is back, at least 1', () => {
		const limit = new RateLimit();
		limit.set({ perSecond: 0.25, burst: 1 }, 0);
		expect(limit.take(0)).toBeUndefined();
		const refused = limit.take(0)!;
		expect(refused.status).toBe(429);
		expect(refused.headers).toEqual({ 'Retry-After': '4' });
		expect(limit.take(3500)!.headers).toEqual({ 'Retry-After': '1' });
		limit.set({ perSecond: 40, burst: 10 }, 5000);
		for (let i = 0; i < 10; i++) limit.take(5000);
		expect(limit.take(5000)!.headers).toEqual({ 'Retry-After': '1' });
	});

	it('a changed limit keeps the tokens left; a removed one lets everything through', () => {
		const limit = new RateLimit();
		limit.set({ perSecond: 10 }, 0);
		expect(limit.options).toEqual({ perSecond: 10, burst: 10 });
		for (let i = 0; i < 8; i++) limit.take(0);
		limit.set({ perSecond: 1, burst: 5 }, 0);
		expect([0, 0, 0].map((at) => limit.take(at) === undefined)).toEqual([true, true, false]);
		limit.set(undefined, 0);
		expect(limit.options).toBeUndefined();
		expect(Array.from({ length: 50 }, () => limit.take(0))).toEqual(Array(50).fill(undefined));
	});

	it('refuses a rate or burst that is not a positive number', () => {
		const limit = new RateLimit();
		expect(() => limit.set({ perSecond: 0 }, 0)).toThrow('perSecond must be a number > 0, got 0');
		expect(() => limit.set({ perSecond: 5, burst: 0 }, 0)).toThrow('burst must be a number ≥ 1, got 0');
	});
});

describe('sandbox rate limit over HTTP', () => {
	const ctx = useSandbox({ rateLimit: { perSecond: 1, burst: 2 } });

	it('answers 429 beyond the burst with Retry-After and the problem+json body, and records it', async () => {
		ctx.sandbox.clearRequests();
		const answers = await Promise.all([1, 2, 3].map(() => ctx.api.get('/v2/spaces?limit=1')));
		expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 429]);
		const refused = answers.find((answer) => answer.status === 429)!;
		expect(refused.headers.get('retry-after')).toBe('1');
		expect(refused.headers.get('content-type')).toBe('application/problem+json');
		expect(refused.body).toEqual({
			type: 'https://arize.com/docs/ax/rest-reference/errors#rate-limit-exceeded',
			title: 'Rate limit exceeded',
			status: 429,
			detail: 'Too many requests. Retry after the number of seconds in the Retry-After header.',
			instance: '/v2/spaces',
		});
		const records = ctx.sandbox.requests;
		expect(records.map((record) => [record.status, record.retryAfter])).toEqual(
			expect.arrayContaining([
				[200, undefined],
				[429, 1],
			]),
		);
		expect(records.every((record) => record.receivedAt > 0 && record.answeredAt! >= record.receivedAt)).toBe(true);
	});

	it('limits before authentication and routing, and setRateLimit(undefined) lifts it', async () => {
		// A new limit (after none) starts with a full bucket.
		ctx.sandbox.setRateLimit(undefined);
		ctx.sandbox.setRateLimit({ perSecond: 1, burst: 1 });
		const first = await fetch(`${ctx.sandbox.url}/v2/nowhere`);
		const second = await fetch(`${ctx.sandbox.url}/v2/nowhere`);
		expect([first.status, second.status]).toEqual([401, 429]);
		ctx.sandbox.setRateLimit(undefined);
		const answers = await Promise.all(Array.from({ length: 20 }, () => ctx.api.get('/v2/spaces?limit=1')));
		expect(answers.every((answer) => answer.status === 200)).toBe(true);
	});
});

it('startSandbox refuses a rate limit of 0', async () => {
	await expect(startSandbox({ rateLimit: { perSecond: 0 } })).rejects.toThrow('perSecond must be a number > 0, got 0');
});

describe('node sandbox/cli.ts --rate-limit, --rate-burst and their variables', () => {
	const cli = useSandboxCli();
	const statuses = async (url: string, count: number) => {
		const api = apiClient({ url });
		const answers: number[] = [];
		for (let i = 0; i < count; i++) answers.push((await api.get('/v2/spaces?limit=1')).status);
		return answers;
	};

	// One request a second: the bucket holds the burst, and the requests of a test come well within a second.
	it.each<[string, string[], Record<string, string>, number]>([
		['--rate-limit 1 --rate-burst 3', ['--rate-limit', '1', '--rate-burst', '3'], {}, 3],
		['--rate-limit=1 (a burst of the rate)', ['--rate-limit=1'], {}, 1],
		['SANDBOX_RATE_LIMIT=1 SANDBOX_RATE_BURST=2', [], { SANDBOX_RATE_LIMIT: '1', SANDBOX_RATE_BURST: '2' }, 2],
		['--rate-burst 2 with SANDBOX_RATE_BURST=4 (the option wins)', ['--rate-limit', '1', '--rate-burst', '2'], { SANDBOX_RATE_BURST: '4' }, 2],
	])('%s: says so at start-up and answers 429 beyond the burst', async (_how, args, env, burst) => {
		const { url, output } = await started(cli.spawn(args, env));
		expect(output()).toContain(`Rate limit: 1 requests/s, bursts of ${burst}; beyond that 429 with Retry-After\n`);
		expect(await statuses(url, burst + 1)).toEqual([...Array<number>(burst).fill(200), 429]);
	});

	it('without a rate (or with SANDBOX_RATE_LIMIT empty): no limit', async () => {
		const { url, output } = await started(cli.spawn([], { SANDBOX_RATE_LIMIT: '', SANDBOX_RATE_BURST: '1' }));
		expect(output()).toContain('Rate limit: none\n');
		expect(await statuses(url, 5)).toEqual([200, 200, 200, 200, 200]);
	});

	it.each<[string, string[], Record<string, string>, string]>([
		['--rate-limit 0', ['--rate-limit', '0'], {}, 'Invalid rate limit: 0'],
		['SANDBOX_RATE_LIMIT=fast', [], { SANDBOX_RATE_LIMIT: 'fast' }, 'Invalid rate limit: fast'],
		['--rate-burst 0', ['--rate-limit', '5', '--rate-burst', '0'], {}, 'Invalid rate burst: 0'],
		['--rate-burst 2.5', ['--rate-limit', '5', '--rate-burst', '2.5'], {}, 'Invalid rate burst: 2.5'],
	])('refuses %s: exits 2 with what is wrong, without listening', async (_how, args, env, message) => {
		const { code, stdout, stderr } = await exited(cli.spawn(args, env));
		expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
	});
});
