import { SEED, WEBHOOK_SEED } from '../../sandbox/index.ts';
import { apiClient, enc, expectProblem, readAllPages, useSandbox } from './helpers.ts';
import type { ApiResponse } from './helpers.ts';

// Arize's webhook API: organizations, webhooks and webhook subscriptions: the exact bodies, the 4xx rules, the lists.

const ORG = WEBHOOK_SEED.orgIds.main;
const OTHER_ORG = WEBHOOK_SEED.orgIds.research;
const TOKEN = 'Bearer n8n-secret-token-3f9a';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('webhook and subscription endpoints', () => {
	const ctx = useSandbox();
	/** Every response body the suite read, to prove auth_token never comes back. */
	const texts: string[] = [];
	let counter = 0;

	const call = async (method: string, path: string, body?: unknown): Promise<ApiResponse> => {
		const response = await ctx.api(method, path, body);
		texts.push(response.text);
		return response;
	};
	const createWebhook = (extra: Record<string, unknown> = {}) =>
		call('POST', '/v2/webhooks', { organization_id: ORG, name: `hook ${++counter}`, url: 'https://n8n.example.com/webhook/abc', ...extra });
	const subscribe = (body: Record<string, unknown>) => call('POST', '/v2/webhook-subscriptions', body);

	afterEach(() => ctx.sandbox.store.reset());

	describe('GET /v2/organizations', () => {
		it('lists the seed organizations with the spec fields, filtered by name', async () => {
			const response = await call('GET', '/v2/organizations');
			expect(response.status).toBe(200);
			expect(response.body).toEqual({
				organizations: [
					{ id: ORG, name: 'Acme Support', description: expect.any(String), created_at: expect.stringMatching(ISO) },
					{ id: OTHER_ORG, name: 'Acme Research', description: '', created_at: expect.stringMatching(ISO) },
				],
				pagination: { has_more: false },
			});
			expect(SEED.orgId).toBe(ORG);
			expect((await call('GET', '/v2/organizations?name=RESEARCH')).body.organizations.map((o: { id: string }) => o.id)).toEqual([OTHER_ORG]);
		});
	});

	describe('POST /v2/webhooks', () => {
		it('creates a BEARER webhook with the defaults; the token is never returned and header values are redacted', async () => {
			const response = await createWebhook({ name: 'n8n: Alerts', auth_token: TOKEN, headers: { 'X-Environment': 'prod' } });
			expect(response.status).toBe(201);
			expect(response.body).toEqual({
				id: expect.any(String),
				organization_id: ORG,
				name: 'n8n: Alerts',
				description: '',
				url: 'https://n8n.example.com/webhook/abc',
				auth_type: 'BEARER',
				timeout_ms: 30000,
				created_at: expect.stringMatching(ISO),
				updated_at: response.body.created_at,
				created_by_user_id: SEED.userId,
				headers: { 'X-Environment': '<redacted>' },
			});
			const stored = ctx.sandbox.store.webhooks.get(response.body.id)!;
			expect(stored.auth_token).toBe(TOKEN);
			expect(stored.headers).toEqual({ 'X-Environment': 'prod' });
			const read = await call('GET', `/v2/webhooks/${enc(response.body.id)}`);
			const { headers: _headers, ...withoutHeaders } = response.body;
			expect(read.body).toEqual(withoutHeaders);
		});

		it('HMAC_SHA256: the signing secret once, in the create response; a hint afterwards', async () => {
			const created = await createWebhook({ auth_type: 'HMAC_SHA256', description: 'signed' });
			expect(created.status).toBe(201);
			expect(created.body.signing_secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
			expect(created.body.signing_secret_hint).toBe(`whsec_…${created.body.signing_secret.slice(-4)}`);
			expect(created.body.auth_type).toBe('HMAC_SHA256');
			const read = await call('GET', `/v2/webhooks/${enc(created.body.id)}`);
			expect(read.body.signing_secret).toBeUndefined();
			expect(read.body.signing_secret_hint).toBe(created.body.signing_secret_hint);
			expect(JSON.stringify((await call('GET', '/v2/webhooks')).body)).not.toContain(created.body.signing_secret);
		});

		it('accepts timeout_ms 1000 and 60000 and 20 headers; rejects 999, 60001 and 21 headers with 422', async () => {
			expect((await createWebhook({ timeout_ms: 1000 })).body.timeout_ms).toBe(1000);
			expect((await createWebhook({ timeout_ms: 60000 })).body.timeout_ms).toBe(60000);
			expectProblem(await createWebhook({ timeout_ms: 999 }), 422, /^timeout_ms must be between 1000 and 60000; got 999\.$/);
			expectProblem(await createWebhook({ timeout_ms: 60001 }), 422, /got 60001/);
			expectProblem(await createWebhook({ timeout_ms: 1500.5 }), 400, /'timeout_ms' field must be an integer/);
			const headers = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-H${i}`, 'v']));
			expect((await createWebhook({ headers: headers(20) })).status).toBe(201);
			expectProblem(await createWebhook({ headers: headers(21) }), 422, /^headers may hold at most 20 entries; got 21\.$/);
		});

		it.each([
			['Host', /'Host' is a connection-management header/],
			['content-length', /'content-length' is a connection-management header/],
			['Connection', /connection-management/],
			['Transfer-Encoding', /connection-management/],
			['Authorization', /'Authorization' is set by auth_token/],
			['Bad Header', /'Bad Header' is not a valid HTTP header name/],
		])('rejects the custom header %s with 422', async (name, detail) => {
			expectProblem(await createWebhook({ headers: { [name]: 'x' } }), 422, detail);
		});

		it('400 for a wrong shape, before anything else', async () => {
			expectProblem(await call('POST', '/v2/webhooks', { name: 'a', url: 'https://x.example' }), 400, /^The 'organization_id' field is required\.$/);
			expectProblem(await call('POST', '/v2/webhooks', { organization_id: ORG, url: 'https://x.example' }), 400, /'name' field is required/);
			expectProblem(await call('POST', '/v2/webhooks', { organization_id: ORG, name: 'a' }), 400, /'url' field is required/);
			expectProblem(await createWebhook({ id: 'x' }), 400, /^'id' is system-managed and cannot be set\.$/);
			expectProblem(await createWebhook({ secret: 'x' }), 400, /Unknown field 'secret'/);
			expectProblem(await createWebhook({ auth_type: 'BASIC' }), 400, /'auth_type' field must be one of BEARER, HMAC_SHA256/);
			expectProblem(await createWebhook({ headers: { 'X-A': 1 } }), 400, /'headers' field must be an object whose values are strings/);
			expectProblem(await createWebhook({ name: '  ' }), 400, /must not be blank/);
			expectProblem(await call('POST', '/v2/webhooks', [1]), 400, /must be a JSON object/);
		});

		it('422 for an auth_token on an HMAC webhook and for a URL that is not http(s); 404 for an unknown organization', async () => {
			expectProblem(await createWebhook({ auth_type: 'HMAC_SHA256', auth_token: TOKEN }), 422, /auth_token is only valid when auth_type is BEARER/);
			expectProblem(await createWebhook({ url: 'ftp://x.example/hook' }), 422, /url must use https/);
			expectProblem(await createWebhook({ url: 'not a url' }), 422, /is not an absolute URL/);
			expectProblem(await createWebhook({ organization_id: 'T3JnOjk5OQ==' }), 404, /Organization 'T3JnOjk5OQ==' was not found/);
		});

		it('409 for a name taken in the organization; the same name in another organization is fine', async () => {
			expect((await createWebhook({ name: 'n8n: wf1/node' })).status).toBe(201);
			expectProblem(await createWebhook({ name: 'n8n: wf1/node' }), 409, /^A webhook named 'n8n: wf1\/node' already exists in organization '.+'\.$/);
			expect((await createWebhook({ name: 'n8n: wf1/node', organization_id: OTHER_ORG })).status).toBe(201);
		});
	});

	describe('GET /v2/webhooks', () => {
		it('lists newest first, filters by org_id and name, pages with limit and cursor; 404 for an unknown org_id', async () => {
			const ids: string[] = [];
			for (let i = 0; i < 5; i++) ids.push((await createWebhook({ name: `page ${i}` })).body.id);
			const other = (await createWebhook({ organization_id: OTHER_ORG, name: 'elsewhere' })).body.id;
			const all = await readAllPages(apiClient(ctx.sandbox), `/v2/webhooks?org_id=${enc(ORG)}`, 'webhooks', 2);
			expect(all.items.map((item) => item.id)).toEqual([...ids].reverse());
			expect(all.pages).toBe(3);
			expect((await call('GET', '/v2/webhooks')).body.webhooks[0].id).toBe(other);
			expect((await call('GET', '/v2/webhooks?name=PAGE 3')).body.webhooks.map((w: { id: string }) => w.id)).toEqual([ids[3]]);
			expectProblem(await call('GET', '/v2/webhooks?org_id=T3JnOjk5OQ=='), 404, /Organization/);
			expectProblem(await call('GET', '/v2/webhooks?limit=101'), 400, /limit/);
			const first = await call('GET', `/v2/webhooks?org_id=${enc(ORG)}&limit=2`);
			expectProblem(await call('GET', `/v2/webhooks?limit=2&cursor=${enc(first.body.pagination.next_cursor)}`), 400, /different endpoint or different filters/);
		});
	});

	describe('PATCH and DELETE /v2/webhooks/{id}', () => {
		it('updates the given fields; headers replace the whole map; the token stays write-only', async () => {
			const created = (await createWebhook({ auth_token: TOKEN, headers: { 'X-A': '1', 'X-B': '2' } })).body;
			const response = await call('PATCH', `/v2/webhooks/${enc(created.id)}`, {
				name: 'renamed',
				description: 'now described',
				url: 'http://127.0.0.1:5678/webhook/x',
				timeout_ms: 5000,
				auth_token: 'Bearer n8n-secret-token-rotated',
				headers: { 'X-C': '3' },
			});
			expect(response.status).toBe(200);
			expect(response.body).toEqual({
				...created,
				headers: undefined,
				name: 'renamed',
				description: 'now described',
				url: 'http://127.0.0.1:5678/webhook/x',
				timeout_ms: 5000,
				updated_at: expect.stringMatching(ISO),
			});
			const stored = ctx.sandbox.store.webhooks.get(created.id)!;
			expect(stored.headers).toEqual({ 'X-C': '3' });
			expect(stored.auth_token).toBe('Bearer n8n-secret-token-rotated');
			expect((await call('PATCH', `/v2/webhooks/${enc(created.id)}`, { description: null })).body.description).toBe('');
		});

		it('400 for an empty body, auth_type or a system field; 422 for a bad value; 409 for a taken name; 404 for an unknown id', async () => {
			const created = (await createWebhook({ name: 'first' })).body;
			await createWebhook({ name: 'second' });
			const path = `/v2/webhooks/${enc(created.id)}`;
			expectProblem(await call('PATCH', path, {}), 400, /^Provide at least one of name, description, url, auth_token, timeout_ms, headers\.$/);
			expectProblem(await call('PATCH', path, { auth_type: 'HMAC_SHA256' }), 400, /'auth_type' cannot be changed after creation/);
			expectProblem(await call('PATCH', path, { created_at: '2026-01-01T00:00:00Z' }), 400, /system-managed/);
			expectProblem(await call('PATCH', path, { timeout_ms: 70000 }), 422, /timeout_ms must be between/);
			expectProblem(await call('PATCH', path, { name: 'second' }), 409, /already exists/);
			expect((await call('PATCH', path, { name: 'first' })).status).toBe(200);
			const hmac = (await createWebhook({ auth_type: 'HMAC_SHA256' })).body;
			expectProblem(await call('PATCH', `/v2/webhooks/${enc(hmac.id)}`, { auth_token: TOKEN }), 422, /only valid for BEARER webhooks/);
			expectProblem(await call('PATCH', '/v2/webhooks/V2ViaG9vazo5OTk=', { name: 'x' }), 404, /Webhook 'V2ViaG9vazo5OTk=' was not found/);
		});

		it('DELETE answers 204, then 404; it detaches the webhook from every subscription', async () => {
			const hook = (await createWebhook()).body;
			const keep = (await createWebhook()).body;
			const source = { source_type: 'PROMPT', source_id: WEBHOOK_SEED.promptIds.supportAnswer };
			const gone = (await subscribe({ webhook_id: hook.id, ...source, event: 'PROMPT_VERSION_LABELED' })).body;
			const kept = (await subscribe({ webhook_id: keep.id, ...source, event: 'PROMPT_VERSION_LABELED' })).body;
			const response = await call('DELETE', `/v2/webhooks/${enc(hook.id)}`);
			expect(response.status).toBe(204);
			expect(response.text).toBe('');
			expectProblem(await call('GET', `/v2/webhooks/${enc(hook.id)}`), 404);
			expectProblem(await call('DELETE', `/v2/webhooks/${enc(hook.id)}`), 404);
			expectProblem(await call('GET', `/v2/webhook-subscriptions/${enc(gone.id)}`), 404);
			const listed = await call('GET', `/v2/webhook-subscriptions?source_type=PROMPT&source_id=${enc(source.source_id)}`);
			expect(listed.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([kept.id]);
			expect([...ctx.sandbox.store.webhookSubscriptions.keys()]).toEqual([kept.id]);
		});
	});

	describe('webhook subscriptions', () => {
		let hookId: string;
		beforeEach(async () => {
			hookId = (await createWebhook({ auth_token: TOKEN })).body.id;
		});

		it.each([
			['PROMPT', 'PROMPT_VERSION_CREATED', () => WEBHOOK_SEED.promptIds.supportAnswer],
			['PROMPT', 'PROMPT_VERSION_LABELED', () => WEBHOOK_SEED.promptIds.supportAnswer],
			['PROMPT', 'PROMPT_VERSION_UNLABELED', () => WEBHOOK_SEED.promptIds.ragSummary],
			['EVALUATOR', 'EVALUATOR_VERSION_CREATED', () => SEED.evaluatorIds.hallucination],
			['ONLINE_TASK (continuous)', 'ONLINE_TASK_RUN_FAILED', () => SEED.taskIds.productionHallucination],
			['ONLINE_TASK (dataset CODE_EVALUATION)', 'ONLINE_TASK_RUN_FAILED', () => SEED.taskIds.goldenJsonFormat],
			['SPACE', 'ONLINE_TASK_RUN_FAILED', () => SEED.spaceId],
		])('creates a %s subscription to %s', async (label, event, sourceId) => {
			const sourceType = label.split(' ')[0];
			const response = await subscribe({ webhook_id: hookId, source_type: sourceType, source_id: sourceId(), event });
			expect(response.status).toBe(201);
			expect(response.body).toEqual({
				id: expect.any(String),
				webhook_id: hookId,
				source_type: sourceType,
				source_id: sourceId(),
				event,
				created_at: expect.stringMatching(ISO),
			});
			expect((await call('GET', `/v2/webhook-subscriptions/${enc(response.body.id)}`)).body).toEqual(response.body);
		});

		it.each([
			['PROMPT_VERSION_CREATED', 'EVALUATOR', () => SEED.evaluatorIds.hallucination, /^Event PROMPT_VERSION_CREATED cannot be subscribed on source_type EVALUATOR; it needs source_type PROMPT\.$/],
			['EVALUATOR_VERSION_CREATED', 'PROMPT', () => WEBHOOK_SEED.promptIds.supportAnswer, /needs source_type EVALUATOR/],
			['ONLINE_TASK_RUN_FAILED', 'PROMPT', () => WEBHOOK_SEED.promptIds.supportAnswer, /needs source_type ONLINE_TASK or SPACE/],
			['PROMPT_VERSION_LABELED', 'SPACE', () => SEED.spaceId, /needs source_type PROMPT/],
			['ONLINE_TASK_RUN_FAILED', 'ONLINE_TASK', () => SEED.taskIds.promptGeneration, /is a RUN_EXPERIMENT task; ONLINE_TASK subscriptions need an evaluation task/],
		])('422 for %s on source_type %s', async (event, sourceType, sourceId, detail) => {
			expectProblem(await subscribe({ webhook_id: hookId, source_type: sourceType, source_id: sourceId(), event }), 422, detail);
		});

		it('409 for the same webhook, source and event; another event or webhook on that source is fine', async () => {
			const body = { webhook_id: hookId, source_type: 'PROMPT', source_id: WEBHOOK_SEED.promptIds.supportAnswer, event: 'PROMPT_VERSION_LABELED' };
			const first = await subscribe(body);
			expect(first.status).toBe(201);
			expectProblem(await subscribe(body), 409, new RegExp(`already subscribed to PROMPT_VERSION_LABELED .*subscription '${first.body.id.replace(/[+/=]/g, '.')}'`));
			expect((await subscribe({ ...body, event: 'PROMPT_VERSION_UNLABELED' })).status).toBe(201);
			const other = (await createWebhook()).body.id;
			expect((await subscribe({ ...body, webhook_id: other })).status).toBe(201);
		});

		it('404 for an unknown webhook, an unknown source, or a webhook of another organization; 400 for a wrong shape', async () => {
			const prompt = WEBHOOK_SEED.promptIds.supportAnswer;
			expectProblem(await subscribe({ webhook_id: 'V2ViaG9vazo5OTk=', source_type: 'PROMPT', source_id: prompt, event: 'PROMPT_VERSION_LABELED' }), 404, /Webhook 'V2ViaG9vazo5OTk=' was not found in the organization of prompt/);
			expectProblem(await subscribe({ webhook_id: hookId, source_type: 'PROMPT', source_id: 'UHJvbXB0Ojk5OQ==', event: 'PROMPT_VERSION_LABELED' }), 404, /^Prompt 'UHJvbXB0Ojk5OQ==' was not found/);
			expectProblem(await subscribe({ webhook_id: hookId, source_type: 'ONLINE_TASK', source_id: 'VGFzazo5OTk=', event: 'ONLINE_TASK_RUN_FAILED' }), 404, /^Task 'VGFzazo5OTk=' was not found/);
			const elsewhere = (await createWebhook({ organization_id: OTHER_ORG })).body.id;
			expectProblem(await subscribe({ webhook_id: elsewhere, source_type: 'PROMPT', source_id: prompt, event: 'PROMPT_VERSION_LABELED' }), 404, /not found in the organization/);
			expectProblem(await subscribe({ webhook_id: hookId, source_type: 'PROMPT', source_id: prompt }), 400, /^The 'event' field is required\. Allowed values: PROMPT_VERSION_CREATED, /);
			expectProblem(await subscribe({ webhook_id: hookId, source_type: 'TASK', source_id: prompt, event: 'PROMPT_VERSION_LABELED' }), 400, /'source_type' field must be one of PROMPT, EVALUATOR, ONLINE_TASK, SPACE/);
			expectProblem(await subscribe({ webhook_id: hookId, source_type: 'PROMPT', source_id: prompt, event: 'PROMPT_DELETED' }), 400, /'event' field must be one of/);
			expectProblem(await subscribe({ webhook_id: hookId, source_type: 'PROMPT', source_id: prompt, event: 'PROMPT_VERSION_LABELED', id: 'x' }), 400, /system-managed/);
		});

		it('a subscription whose source is gone (a deleted task) answers 404 and leaves the lists', async () => {
			const task = ctx.sandbox.store.addTask({ type: 'TEMPLATE_EVALUATION', name: 'short-lived', project_id: SEED.projectIds.supportChatbot, is_continuous: true });
			const subscription = (await subscribe({ webhook_id: hookId, source_type: 'ONLINE_TASK', source_id: task.id, event: 'ONLINE_TASK_RUN_FAILED' })).body;
			expect((await call('DELETE', `/v2/tasks/${enc(task.id)}`)).status).toBe(204);
			expectProblem(await call('GET', `/v2/webhook-subscriptions/${enc(subscription.id)}`), 404);
			expect((await call('GET', '/v2/webhook-subscriptions')).body.subscriptions).toEqual([]);
		});

		it('lists newest first, by source or all; both filters or neither (400); 404 for an unknown source; DELETE 204 then 404', async () => {
			const prompt = WEBHOOK_SEED.promptIds.supportAnswer;
			const created: string[] = [];
			for (const event of ['PROMPT_VERSION_CREATED', 'PROMPT_VERSION_LABELED', 'PROMPT_VERSION_UNLABELED']) {
				created.push((await subscribe({ webhook_id: hookId, source_type: 'PROMPT', source_id: prompt, event })).body.id);
			}
			const onSpace = (await subscribe({ webhook_id: hookId, source_type: 'SPACE', source_id: SEED.spaceId, event: 'ONLINE_TASK_RUN_FAILED' })).body.id;
			const byPrompt = await readAllPages(apiClient(ctx.sandbox), `/v2/webhook-subscriptions?source_type=prompt&source_id=${enc(prompt)}`, 'subscriptions', 2);
			expect(byPrompt.items.map((item) => item.id)).toEqual([...created].reverse());
			expect((await call('GET', '/v2/webhook-subscriptions')).body.subscriptions.map((s: { id: string }) => s.id)).toEqual([onSpace, ...[...created].reverse()]);
			expectProblem(await call('GET', '/v2/webhook-subscriptions?source_type=PROMPT'), 400, /'source_type' and 'source_id' go together/);
			expectProblem(await call('GET', `/v2/webhook-subscriptions?source_id=${enc(prompt)}`), 400, /go together/);
			expectProblem(await call('GET', '/v2/webhook-subscriptions?source_type=PROMPT&source_id=UHJvbXB0Ojk5OQ=='), 404, /not found/);
			expect((await call('DELETE', `/v2/webhook-subscriptions/${enc(created[0])}`)).status).toBe(204);
			expectProblem(await call('DELETE', `/v2/webhook-subscriptions/${enc(created[0])}`), 404, /Webhook subscription '.+' was not found/);
		});
	});

	it('never returned an auth_token in any response of this suite (runs last)', () => {
		expect(texts.length).toBeGreaterThan(100);
		expect(texts.filter((text) => text.includes('n8n-secret-token'))).toEqual([]);
		expect(texts.filter((text) => text.includes('auth_token') && !text.includes('"detail"'))).toEqual([]);
	});
});
