import { startSandbox } from '../../sandbox/index.ts';
import { apiClient, expectProblem, sleep, useSandbox } from './helpers.ts';

// Fault injection: applied before auth and routing, recorded like any request.

describe('fault injection', () => {
	const ctx = useSandbox();

	beforeEach(() => {
		ctx.sandbox.faults.clear();
		ctx.sandbox.clearRequests();
	});

	it('answers 429 with Retry-After in seconds, once by default', async () => {
		ctx.sandbox.faults.inject({ status: 429, retryAfter: 7 });
		expect(ctx.sandbox.faults.pending()).toBe(1);
		const limited = await ctx.api.get('/v2/tasks');
		expectProblem(limited, 429);
		expect(limited.headers.get('retry-after')).toBe('7');
		expect(ctx.sandbox.faults.pending()).toBe(0);
		expect((await ctx.api.get('/v2/tasks')).status).toBe(200);
	});

	it('omits Retry-After when retryAfter is not given', async () => {
		ctx.sandbox.faults.inject({ status: 429 });
		const limited = await ctx.api.get('/v2/tasks');
		expect(limited.status).toBe(429);
		expect(limited.headers.has('retry-after')).toBe(false);
	});

	it.each([500, 502, 503] as const)('answers %i as problem+json', async (status) => {
		ctx.sandbox.faults.inject({ status });
		const response = await ctx.api.get('/v2/spaces');
		expect(response.status).toBe(status);
		expect(response.headers.get('content-type')).toBe('application/problem+json');
		expect(response.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
	});

	it('applies before authentication and routing, and records faulted requests', async () => {
		ctx.sandbox.faults.inject({ status: 503 });
		const response = await apiClient(ctx.sandbox, null).get('/v2/no-such-route');
		expectProblem(response, 503);
		expect(ctx.sandbox.requests.map((record) => [record.path, record.status])).toEqual([['/v2/no-such-route', 503]]);
	});

	it('serves truncated JSON for malformed-json', async () => {
		ctx.sandbox.faults.inject({ kind: 'malformed-json' });
		const response = await fetch(`${ctx.sandbox.url}/v2/tasks`, { headers: { Authorization: 'Bearer sandbox-api-key' } });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json');
		// (Matched by message: jest's sandboxed globals make instanceof SyntaxError unreliable.)
		await expect(response.json()).rejects.toThrow(/JSON/);
		expect(await ctx.api.get('/v2/tasks')).toMatchObject({ status: 200 });
	});

	it('serves a proxy HTML error page (502 by default, or the given status)', async () => {
		ctx.sandbox.faults.inject({ kind: 'html' });
		ctx.sandbox.faults.inject({ kind: 'html', status: 504 });
		const first = await ctx.api.get('/v2/tasks');
		expect(first.status).toBe(502);
		expect(first.headers.get('content-type')).toBe('text/html');
		expect(first.text).toContain('<h1>502 Bad Gateway</h1>');
		const second = await ctx.api.get('/v2/tasks');
		expect(second.status).toBe(504);
		expect(second.text).toContain('<html>');
	});

	it('resets the connection for reset (status 0 in the log)', async () => {
		ctx.sandbox.faults.inject({ kind: 'reset' });
		await expect(ctx.api.get('/v2/tasks')).rejects.toThrow();
		expect(ctx.sandbox.requests[0].status).toBe(0);
		expect((await ctx.api.get('/v2/tasks')).status).toBe(200);
	});

	it('never answers for hang, until the client gives up', async () => {
		ctx.sandbox.faults.inject({ kind: 'hang' });
		const started = Date.now();
		await expect(
			fetch(`${ctx.sandbox.url}/v2/tasks`, { headers: { Authorization: 'Bearer sandbox-api-key' }, signal: AbortSignal.timeout(150) }),
		).rejects.toThrow();
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		expect(ctx.sandbox.requests[0].status).toBe(0);
		expect((await ctx.api.get('/v2/tasks')).status).toBe(200);
	});

	it('counts down times and matches by method and path (string or RegExp)', async () => {
		const faults = ctx.sandbox.faults;
		faults.inject({ status: 503 }, { times: 2, method: 'post', path: '/v2/tasks' });
		faults.inject({ status: 502 }, { path: /\/trigger$/ });
		expect(faults.pending()).toBe(3);
		expect((await ctx.api.get('/v2/tasks')).status).toBe(200);
		expect((await ctx.api.post('/v2/tasks', {})).status).toBe(503);
		expect((await ctx.api.get('/v2/spaces')).status).toBe(200);
		expect((await ctx.api.post('/v2/tasks', {})).status).toBe(503);
		expect((await ctx.api.post('/v2/tasks', {})).status).toBe(400);
		expect((await ctx.api.post('/v2/tasks/abc/trigger', {})).status).toBe(502);
		expect(faults.pending()).toBe(0);
	});

	it('matches a path string against the decoded path as well', async () => {
		ctx.sandbox.faults.inject({ status: 500 }, { path: '/v2/tasks/a+b/c=' });
		expect((await ctx.api.get(`/v2/tasks/${encodeURIComponent('a+b/c=')}`)).status).toBe(500);
	});

	it('clear() drops pending faults; times: Infinity persists', async () => {
		ctx.sandbox.faults.inject({ status: 503 }, { times: Infinity });
		expect((await ctx.api.get('/v2/tasks')).status).toBe(503);
		expect((await ctx.api.get('/v2/tasks')).status).toBe(503);
		ctx.sandbox.faults.clear();
		expect(ctx.sandbox.faults.pending()).toBe(0);
		expect((await ctx.api.get('/v2/tasks')).status).toBe(200);
	});

	it('close() ends hanging sockets so the process can exit', async () => {
		const sandbox = await startSandbox({ port: 0 });
		sandbox.faults.inject({ kind: 'hang' }, { times: 3 });
		const pending = Promise.allSettled(
			[1, 2, 3].map(() => fetch(`${sandbox.url}/v2/tasks`, { headers: { Authorization: 'Bearer sandbox-api-key' } })),
		);
		while (sandbox.requests.length < 3) await sleep(5);
		const started = Date.now();
		await sandbox.close();
		expect(Date.now() - started).toBeLessThan(1000);
		const results = await pending;
		expect(results.every((result) => result.status === 'rejected')).toBe(true);
		await sandbox.close(); // idempotent
	});
});

describe('fault skip', () => {
	it('lets the first matching requests through, then faults', () => {
		const { Faults } = jest.requireActual('../../sandbox/faults.ts');
		const faults = new Faults();
		faults.inject({ status: 503 }, { path: '/v2/tasks', skip: 1, times: 2 });
		const taken = [1, 2, 3, 4].map(() => faults.take('GET', '/v2/tasks'));
		expect(taken).toEqual([undefined, { status: 503 }, { status: 503 }, undefined]);
		expect(faults.take('GET', '/v2/projects')).toBeUndefined();
	});
});
