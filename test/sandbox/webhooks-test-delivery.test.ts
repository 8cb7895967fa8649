import { WEBHOOK_SEED } from '../../sandbox/index.ts';
import { enc, expectProblem, useSandbox } from './helpers.ts';
import { useReceiver } from './webhook-receiver.ts';

// POST /v2/webhooks/{id}/test: one delivery now, its outcome in the answer, never retried and
// never listed in GET /v2/webhooks/{id}/delivery-attempts; the per-test outage switch for 404 and 503.

const TOKEN = 'Bearer n8n-test-token-77';

describe('test deliveries', () => {
	const ctx = useSandbox({ webhookRetryDelaysMs: [5, 5] });
	const hook = useReceiver(ctx);

	async function createWebhook(extra: Record<string, unknown> = {}): Promise<string> {
		const response = await ctx.api.post('/v2/webhooks', {
			organization_id: WEBHOOK_SEED.orgIds.main,
			name: `test hook ${Math.random()}`,
			url: hook.receiver.url,
			auth_token: TOKEN,
			...extra,
		});
		expect(response.status).toBe(201);
		return response.body.id;
	}

	it('POSTs a test event with the token verbatim and the custom headers, and answers the endpoint status', async () => {
		const id = await createWebhook({ headers: { 'X-Workflow': 'wf-1' } });
		const response = await ctx.api.post(`/v2/webhooks/${enc(id)}/test`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({ status_code: 204, error_message: null });
		expect(hook.receiver.received).toHaveLength(1);
		const [delivery] = hook.receiver.received;
		expect(delivery.method).toBe('POST');
		expect(delivery.path).toBe('/hooks/arize');
		expect(delivery.headers.authorization).toBe(TOKEN);
		expect(delivery.headers['x-workflow']).toBe('wf-1');
		expect(delivery.headers['content-type']).toBe('application/json');
		expect(delivery.body).toEqual({
			event: 'webhook.test',
			event_id: expect.any(String),
			occurred_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
			webhook_id: id,
		});
		expect(ctx.sandbox.webhooks.deliveries).toEqual([
			expect.objectContaining({ webhook_id: id, test: true, attempt_number: 1, status_code: 204, error_message: null, payload: delivery.body }),
		]);
		expect(ctx.sandbox.webhooks.deliveries[0].headers.authorization).toBeUndefined();
		const attempts = await ctx.api.get(`/v2/webhooks/${enc(id)}/delivery-attempts`);
		expect(attempts.body).toEqual({ delivery_attempts: [], pagination: { has_more: false } });
	});

	it('a webhook without auth_token sends no Authorization header', async () => {
		const id = await createWebhook({ auth_token: undefined });
		expect((await ctx.api.post(`/v2/webhooks/${enc(id)}/test`)).body.status_code).toBe(204);
		expect(hook.receiver.received[0].headers.authorization).toBeUndefined();
	});

	it('reports an error status once, without retrying it', async () => {
		const id = await createWebhook();
		hook.receiver.answers.push(500);
		const response = await ctx.api.post(`/v2/webhooks/${enc(id)}/test`);
		expect(response.body).toEqual({ status_code: 500, error_message: 'The endpoint answered HTTP 500.' });
		await ctx.sandbox.webhooks.idle();
		expect(hook.receiver.received).toHaveLength(1);
	});

	it('reports 502 when nothing answers: refused, or silent past timeout_ms', async () => {
		const refused = await createWebhook({ url: 'http://127.0.0.1:9/hook' });
		expect((await ctx.api.post(`/v2/webhooks/${enc(refused)}/test`)).body).toEqual({
			status_code: 502,
			error_message: 'No response: ECONNREFUSED.',
		});
		const silent = await createWebhook({ timeout_ms: 1000 });
		hook.receiver.answers.push('hang');
		const started = Date.now();
		expect((await ctx.api.post(`/v2/webhooks/${enc(silent)}/test`)).body).toEqual({
			status_code: 502,
			error_message: 'No response within timeout_ms (1000 ms).',
		});
		expect(Date.now() - started).toBeGreaterThanOrEqual(990);
		expect(ctx.sandbox.webhooks.deliveries.map((delivery) => delivery.status_code)).toEqual([null, null]);
	});

	it('400 for an HMAC_SHA256 webhook, 404 for an unknown one; the outage switch answers 404 or 503 without sending', async () => {
		const hmac = await createWebhook({ auth_type: 'HMAC_SHA256', auth_token: undefined });
		expectProblem(await ctx.api.post(`/v2/webhooks/${enc(hmac)}/test`), 400, /^Test deliveries are not supported for HMAC_SHA256 webhooks\.$/);
		expectProblem(await ctx.api.post('/v2/webhooks/V2ViaG9vazo5OTk=/test'), 404, /Webhook 'V2ViaG9vazo5OTk=' was not found/);
		const id = await createWebhook();
		ctx.sandbox.webhooks.setTestOutage(404);
		expectProblem(await ctx.api.post(`/v2/webhooks/${enc(id)}/test`), 404, /is not available to receive a test/);
		ctx.sandbox.webhooks.setTestOutage(503);
		expectProblem(await ctx.api.post(`/v2/webhooks/${enc(id)}/test`), 503, /^The test delivery could not be sent\. Retry later\.$/);
		expect(hook.receiver.received).toHaveLength(0);
		ctx.sandbox.webhooks.setTestOutage(null);
		expect((await ctx.api.post(`/v2/webhooks/${enc(id)}/test`)).status).toBe(200);
		expect(hook.receiver.received).toHaveLength(1);
	});

	it('GET …/delivery-attempts: 404 for an unknown webhook, 400 for a limit over 500', async () => {
		expectProblem(await ctx.api.get('/v2/webhooks/V2ViaG9vazo5OTk=/delivery-attempts'), 404);
		const id = await createWebhook();
		expectProblem(await ctx.api.get(`/v2/webhooks/${enc(id)}/delivery-attempts?limit=501`), 400, /between 1 and 500/);
		expect((await ctx.api.get(`/v2/webhooks/${enc(id)}/delivery-attempts?limit=500`)).status).toBe(200);
	});
});
