import { SEED } from '../../sandbox/index.ts';
import { apiClient, enc, expectProblem, useSandbox } from './helpers.ts';

// Authentication and ids, errors, and the request log.

describe('sandbox HTTP basics', () => {
	const ctx = useSandbox();

	beforeEach(() => ctx.sandbox.clearRequests());

	describe('authentication', () => {
		it.each([
			['no Authorization header', null],
			['an unknown key', 'not-the-key-123'],
		])('answers 401 problem+json for %s, without echoing the key', async (_label, key) => {
			const response = await apiClient(ctx.sandbox, key).get('/v2/spaces?limit=1');
			const detail = expectProblem(response, 401, /Invalid or missing API key/);
			if (key) {
				expect(detail).not.toContain(key);
				expect(response.text).not.toContain(key);
			}
			expect(response.headers.get('www-authenticate')).toBe('Bearer');
		});

		it('rejects a key sent with another scheme', async () => {
			const response = await apiClient(ctx.sandbox, null)('GET', '/v2/spaces', undefined, {
				headers: { Authorization: 'Token sandbox-api-key' },
			});
			expectProblem(response, 401);
		});

		it('accepts the Bearer scheme in any casing and custom key lists', async () => {
			const response = await apiClient(ctx.sandbox, null)('GET', '/v2/spaces?limit=1', undefined, {
				headers: { Authorization: 'bearer sandbox-api-key' },
			});
			expect(response.status).toBe(200);
		});

		it('authenticates before routing, so an unknown path without a key is 401', async () => {
			expectProblem(await apiClient(ctx.sandbox, null).get('/v2/nothing-here'), 401);
		});
	});

	describe('errors', () => {
		it('answers 404 problem+json with the path as instance for an unknown route', async () => {
			const response = await ctx.api.get('/v2/nothing-here?x=1');
			expectProblem(response, 404);
			expect(response.body.instance).toBe('/v2/nothing-here');
		});

		it('answers 405 with Allow for a known path and the wrong method', async () => {
			const response = await ctx.api('PUT', '/v2/tasks');
			expect(response.status).toBe(405);
			expect(response.headers.get('allow')).toBe('GET, POST');
			expect(response.headers.get('content-type')).toBe('application/problem+json');
		});

		it('answers 400 for a body that is not JSON', async () => {
			const response = await ctx.api('POST', '/v2/tasks', undefined, {
				headers: { 'Content-Type': 'application/json' },
				rawBody: '{"name": ',
			});
			expectProblem(response, 400, /not valid JSON/);
		});

		it('serves success bodies as application/json', async () => {
			const response = await ctx.api.get('/v2/spaces?limit=1');
			expect(response.headers.get('content-type')).toBe('application/json');
		});
	});

	describe('ids with +, / and =', () => {
		it.each(Object.entries(SEED.specialTaskIds))('serves the seed task %s when the id is URL-encoded', async (_label, id) => {
			const response = await ctx.api.get(`/v2/tasks/${enc(id)}`);
			expect(response.status).toBe(200);
			expect(response.body.id).toBe(id);
		});

		it('seed ids really contain the characters that need encoding', () => {
			expect(SEED.specialTaskIds.withPlus).toContain('+');
			expect(SEED.specialTaskIds.withSlash).toContain('/');
			expect(SEED.specialTaskIds.withPadding.endsWith('=')).toBe(true);
			expect(Buffer.from(SEED.specialTaskIds.withPlus, 'base64').toString('latin1')).toMatch(/^Task:\d+:/);
		});

		it('answers 404 when a "/" inside an id is not encoded', async () => {
			const response = await ctx.api.get(`/v2/tasks/${SEED.specialTaskIds.withSlash}`);
			expectProblem(response, 404);
		});

		it('treats an unencoded "+" in a query value as a space, so the scoping filter misses (404)', async () => {
			const projectId = SEED.projectIds.supportChatbot;
			expect(projectId).toContain('+');
			expectProblem(await ctx.api.get(`/v2/tasks?project_id=${projectId}`), 404);
			const encoded = await ctx.api.get(`/v2/tasks?project_id=${enc(projectId)}`);
			expect(encoded.status).toBe(200);
			expect(encoded.body.tasks.length).toBeGreaterThan(0);
		});
	});

	describe('request log', () => {
		it('records method, raw path, decoded query, headers without authorization, body, status and times', async () => {
			const id = SEED.specialTaskIds.withPlus;
			await ctx.api.patch(`/v2/tasks/${enc(id)}?dry=${enc('a b')}`, { name: 'Renamed by the log test' });
			const [record] = ctx.sandbox.requests;
			expect(record).toEqual({
				method: 'PATCH',
				path: `/v2/tasks/${enc(id)}`,
				query: { dry: 'a b' },
				headers: expect.objectContaining({ 'content-type': 'application/json' }),
				body: { name: 'Renamed by the log test' },
				status: 200,
				receivedAt: expect.any(Number),
				answeredAt: expect.any(Number),
			});
			expect(record.answeredAt).toBeGreaterThanOrEqual(record.receivedAt);
			expect(record.headers).not.toHaveProperty('authorization');
			expect(JSON.stringify(ctx.sandbox.requests)).not.toContain('sandbox-api-key');
		});

		it('records rejected requests with their status and clears in place', async () => {
			const log = ctx.sandbox.requests;
			await apiClient(ctx.sandbox, 'wrong').get('/v2/tasks');
			expect(log.map((record) => record.status)).toEqual([401]);
			ctx.sandbox.clearRequests();
			expect(log).toHaveLength(0);
			expect(ctx.sandbox.requests).toBe(log);
		});
	});
});
