import { SEED, WEBHOOK_SEED } from '../../sandbox/index.ts';
import { enc, sleep, useSandbox } from './helpers.ts';
import { useReceiver } from './webhook-receiver.ts';

// Real events and their deliveries: online_task.run.failed (once per cause), retries with backoff, the delivery
// attempts Arize lists, and that a delivery never holds up the request that caused it.

const TOKEN = 'Bearer n8n-delivery-token-5150';
const TASK = SEED.taskIds.productionHallucination;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('webhook deliveries', () => {
	const ctx = useSandbox({ webhookRetryDelaysMs: [5, 5], runDurationMs: 30 });
	const hook = useReceiver(ctx);
	afterEach(() => ctx.sandbox.webhooks.setRetryDelaysMs([5, 5]));

	async function webhookOn(sources: Array<[string, string]>, extra: Record<string, unknown> = {}): Promise<string> {
		const created = await ctx.api.post('/v2/webhooks', {
			organization_id: WEBHOOK_SEED.orgIds.main,
			name: `deliveries ${Math.random()}`,
			url: hook.receiver.url,
			auth_token: TOKEN,
			...extra,
		});
		expect(created.status).toBe(201);
		for (const [sourceType, sourceId] of sources) {
			const subscribed = await ctx.api.post('/v2/webhook-subscriptions', {
				webhook_id: created.body.id,
				source_type: sourceType,
				source_id: sourceId,
				event: 'ONLINE_TASK_RUN_FAILED',
			});
			expect(subscribed.status).toBe(201);
		}
		return created.body.id;
	}

	const failures = () => hook.receiver.received.map((delivery) => delivery.body.failure_reason);

	describe('online_task.run.failed', () => {
		it('delivers the failure of a continuous evaluation task run: token verbatim, custom headers, JSON payload', async () => {
			await webhookOn([['ONLINE_TASK', TASK]], { headers: { 'X-Source': 'arize' } });
			const run = ctx.sandbox.webhooks.finishTaskRun(TASK, 'LLM provider returned 429 for every request.');
			await ctx.sandbox.webhooks.idle();
			expect(hook.receiver.received).toHaveLength(1);
			const [delivery] = hook.receiver.received;
			expect(delivery.method).toBe('POST');
			expect(delivery.headers.authorization).toBe(TOKEN);
			expect(delivery.headers['x-source']).toBe('arize');
			expect(delivery.headers['content-type']).toBe('application/json');
			expect(delivery.body).toEqual({
				event: 'online_task.run.failed',
				event_id: expect.any(String),
				occurred_at: expect.stringMatching(ISO),
				task_id: TASK,
				task_name: 'Production Hallucination Check',
				space_id: SEED.spaceId,
				run_id: run.id,
				failure_reason: 'LLM provider returned 429 for every request.',
			});
			expect(run.status).toBe('FAILED');
		});

		it('is sent when the task starts failing and again only when the cause changes; a completed run ends the streak', async () => {
			await webhookOn([['ONLINE_TASK', TASK]]);
			const { webhooks } = ctx.sandbox;
			webhooks.finishTaskRun(TASK, 'cause A');
			webhooks.finishTaskRun(TASK, 'cause A');
			webhooks.finishTaskRun(TASK, 'cause B');
			webhooks.finishTaskRun(TASK, 'cause B');
			webhooks.finishTaskRun(TASK, 'cause A');
			webhooks.finishTaskRun(TASK, null);
			webhooks.finishTaskRun(TASK, 'cause A');
			await webhooks.idle();
			expect(failures()).toEqual(['cause A', 'cause B', 'cause A', 'cause A']);
			expect(new Set(hook.receiver.received.map((delivery) => delivery.body.event_id)).size).toBe(4);
		});

		it('a cancelled run neither sends nor ends the failing streak', async () => {
			await webhookOn([['ONLINE_TASK', TASK]]);
			ctx.sandbox.webhooks.finishTaskRun(TASK, 'cause A');
			const task = ctx.sandbox.store.tasks.get(TASK)!;
			const run = ctx.sandbox.store.startRun(task, { data_start_time: null, data_end_time: null });
			ctx.sandbox.store.cancelRun(run.id);
			ctx.sandbox.webhooks.finishTaskRun(TASK, 'cause A');
			await ctx.sandbox.webhooks.idle();
			expect(failures()).toEqual(['cause A']);
		});

		it('reaches subscriptions on the task and on its space; a webhook subscribed through both hears it once', async () => {
			const onTask = await webhookOn([['ONLINE_TASK', TASK]]);
			const onSpace = await webhookOn([['SPACE', SEED.spaceId]]);
			const onBoth = await webhookOn([['ONLINE_TASK', TASK], ['SPACE', SEED.spaceId]]);
			const onOtherTask = await webhookOn([['ONLINE_TASK', SEED.taskIds.chatbotRelevanceSample]]);
			ctx.sandbox.webhooks.finishTaskRun(TASK, 'cause A');
			await ctx.sandbox.webhooks.idle();
			const reached = ctx.sandbox.webhooks.deliveries.map((delivery) => delivery.webhook_id);
			expect(reached.sort()).toEqual([onTask, onSpace, onBoth].sort());
			expect(reached).not.toContain(onOtherTask);
			expect(new Set(hook.receiver.received.map((delivery) => delivery.body.event_id)).size).toBe(1);
		});

		it('is not sent for a task that is not continuous, nor for a RUN_EXPERIMENT task', async () => {
			const datasetTask = SEED.taskIds.goldenJsonFormat;
			await webhookOn([['ONLINE_TASK', datasetTask], ['SPACE', SEED.spaceId]]);
			ctx.sandbox.webhooks.finishTaskRun(datasetTask, 'cause A');
			ctx.sandbox.webhooks.finishTaskRun(SEED.taskIds.promptGeneration, 'cause A');
			await ctx.sandbox.webhooks.idle();
			expect(hook.receiver.received).toEqual([]);
			ctx.sandbox.webhooks.finishTaskRun(TASK, 'cause A');
			await ctx.sandbox.webhooks.idle();
			expect(failures()).toEqual(['cause A']);
		});

		it('is sent when a triggered run fails on its own (a query_filter that does not parse), through the API only', async () => {
			await webhookOn([['SPACE', SEED.spaceId]]);
			const path = `/v2/tasks/${enc(TASK)}`;
			expect((await ctx.api.patch(path, { query_filter: "attributes.llm.model_name = 'gpt-4o" })).status).toBe(200);
			const triggered = await ctx.api.post(`${path}/trigger`, {
				data_start_time: '2026-11-20T00:00:00Z',
				data_end_time: '2026-11-21T00:00:00Z',
			});
			expect(triggered.status).toBe(201);
			await sleep(60);
			const run = await ctx.api.get(`/v2/task-runs/${enc(triggered.body.id)}`);
			expect(run.body.status).toBe('FAILED');
			await ctx.sandbox.webhooks.idle();
			expect(hook.receiver.received.map((delivery) => delivery.body)).toEqual([
				expect.objectContaining({ event: 'online_task.run.failed', run_id: triggered.body.id, failure_reason: run.body.failure_reason }),
			]);
			expect(run.body.failure_reason).toMatch(/query_filter is not a valid filter/);
		});
	});

	describe('retries and delivery attempts', () => {
		it('retries a failed delivery after each configured delay, then lists every attempt most recent first', async () => {
			ctx.sandbox.webhooks.setRetryDelaysMs([60, 180]);
			const id = await webhookOn([['ONLINE_TASK', TASK]]);
			hook.receiver.answers.push(503, 500);
			ctx.sandbox.webhooks.finishTaskRun(TASK, 'cause A');
			await ctx.sandbox.webhooks.idle();
			expect(hook.receiver.received).toHaveLength(3);
			const [first, second, third] = hook.receiver.received.map((delivery) => delivery.receivedAt);
			expect(second - first).toBeGreaterThanOrEqual(55);
			expect(third - second).toBeGreaterThanOrEqual(175);
			const payload = hook.receiver.received[0].body;
			expect(hook.receiver.received.map((delivery) => delivery.body)).toEqual([payload, payload, payload]);
			const attempts = await ctx.api.get(`/v2/webhooks/${enc(id)}/delivery-attempts`);
			expect(attempts.status).toBe(200);
			expect(attempts.body).toEqual({
				delivery_attempts: [
					{ event_id: payload.event_id, attempt_number: 3, payload, status_code: 204, error_message: null, created_at: expect.stringMatching(ISO) },
					{ event_id: payload.event_id, attempt_number: 2, payload, status_code: 500, error_message: 'The endpoint answered HTTP 500.', created_at: expect.stringMatching(ISO) },
					{ event_id: payload.event_id, attempt_number: 1, payload, status_code: 503, error_message: 'The endpoint answered HTTP 503.', created_at: expect.stringMatching(ISO) },
				],
				pagination: { has_more: false },
			});
			expect(attempts.text).not.toContain('n8n-delivery-token');
		});

		it('gives up after the last retry; an endpoint that does not answer has status_code null', async () => {
			const id = await webhookOn([['ONLINE_TASK', TASK]], { url: 'http://127.0.0.1:9/hook' });
			ctx.sandbox.webhooks.finishTaskRun(TASK, 'cause A');
			await ctx.sandbox.webhooks.idle();
			const attempts = (await ctx.api.get(`/v2/webhooks/${enc(id)}/delivery-attempts?limit=2`)).body;
			expect(attempts.delivery_attempts.map((a: { attempt_number: number; status_code: number | null; error_message: string }) => [a.attempt_number, a.status_code, a.error_message])).toEqual([
				[3, null, 'No response: ECONNREFUSED.'],
				[2, null, 'No response: ECONNREFUSED.'],
			]);
			const next = await ctx.api.get(`/v2/webhooks/${enc(id)}/delivery-attempts?limit=2&cursor=${enc(attempts.pagination.next_cursor)}`);
			expect(next.body.delivery_attempts.map((a: { attempt_number: number }) => a.attempt_number)).toEqual([1]);
			expect(next.body.pagination).toEqual({ has_more: false });
			expect(ctx.sandbox.webhooks.deliveries.map((delivery) => [delivery.attempt_number, delivery.status_code])).toEqual([
				[1, null],
				[2, null],
				[3, null],
			]);
		});

		it('stops retrying once the webhook is deleted', async () => {
			// Long enough for the delete to land between the first attempt and the retry, however busy the machine.
			ctx.sandbox.webhooks.setRetryDelaysMs([500, 500]);
			const id = await webhookOn([['ONLINE_TASK', TASK]]);
			hook.receiver.answers.push(500, 500, 500);
			ctx.sandbox.webhooks.finishTaskRun(TASK, 'cause A');
			while (ctx.sandbox.webhooks.deliveries.length === 0) await sleep(5);
			expect((await ctx.api.delete(`/v2/webhooks/${enc(id)}`)).status).toBe(204);
			await ctx.sandbox.webhooks.idle();
			expect(hook.receiver.received).toHaveLength(1);
		});

		it('never holds up the request that caused it: the answer comes while the endpoint is still silent', async () => {
			await webhookOn([['SPACE', SEED.spaceId]], { timeout_ms: 1000 });
			hook.receiver.answers.push('hang');
			ctx.sandbox.setRunDurationMs(0);
			await ctx.api.patch(`/v2/tasks/${enc(TASK)}`, { query_filter: "status_code = 'ERROR" });
			const triggered = await ctx.api.post(`/v2/tasks/${enc(TASK)}/trigger`, {
				data_start_time: '2026-11-20T00:00:00Z',
				data_end_time: '2026-11-21T00:00:00Z',
			});
			const run = await ctx.api.get(`/v2/task-runs/${enc(triggered.body.id)}`);
			expect(run.body.status).toBe('FAILED');
			while (hook.receiver.received.length === 0) await sleep(5);
			// The endpoint has the delivery and has not answered: nothing is recorded as sent yet (a trigger that waited for
			// it would have come back only once the delivery timed out and was recorded).
			expect(ctx.sandbox.webhooks.deliveries).toEqual([]);
			ctx.sandbox.webhooks.setRetryDelaysMs([]);
			await ctx.sandbox.webhooks.idle();
			expect(ctx.sandbox.webhooks.deliveries.map((delivery) => delivery.error_message)).toEqual(['No response within timeout_ms (1000 ms).']);
			ctx.sandbox.setRunDurationMs(30);
		});
	});
});
