import { SEED } from '../../sandbox/index.ts';
import { enc, expectProblem, useSandbox } from './helpers.ts';
import { useReceiver } from './webhook-receiver.ts';

// POST /v2/evaluators/{id}/versions (the 1.28.0 spec) and the evaluator.version.created delivery it causes.

const TEMPLATE_VERSION = {
	commit_message: 'Stricter judge',
	template_config: {
		name: 'hallucination',
		template: 'Given {input} and {output}, is the output a hallucination?',
		include_explanations: true,
		use_function_calling_if_available: true,
		classification_choices: { hallucinated: 0, factual: 1 },
		llm_config: {
			ai_integration_id: SEED.aiIntegrationIds.openai,
			model_name: 'gpt-4o',
			invocation_parameters: { temperature: 0 },
			provider_parameters: {},
		},
	},
};

describe('evaluator versions and evaluator.version.created', () => {
	const ctx = useSandbox({ webhookRetryDelaysMs: [] });
	const hook = useReceiver(ctx);

	async function subscribe(evaluatorId: string): Promise<string> {
		const created = await ctx.api.post('/v2/webhooks', { organization_id: SEED.orgId, name: `evaluator hook ${evaluatorId}`, url: hook.receiver.url, auth_token: 'Bearer ev-token' });
		const subscription = await ctx.api.post('/v2/webhook-subscriptions', {
			webhook_id: created.body.id,
			source_type: 'EVALUATOR',
			source_id: evaluatorId,
			event: 'EVALUATOR_VERSION_CREATED',
		});
		expect(subscription.status).toBe(201);
		return created.body.id;
	}

	it('creates a TEMPLATE version that becomes the latest, and delivers evaluator.version.created', async () => {
		const evaluatorId = SEED.evaluatorIds.hallucination;
		const hookId = await subscribe(evaluatorId);
		await subscribe(SEED.evaluatorIds.relevance);
		const response = await ctx.api.post(`/v2/evaluators/${enc(evaluatorId)}/versions`, TEMPLATE_VERSION);
		expect(response.status).toBe(201);
		expect(response.body).toEqual({
			id: expect.any(String),
			evaluator_id: evaluatorId,
			commit_hash: expect.stringMatching(/^[0-9a-f]{40}$/),
			commit_message: 'Stricter judge',
			created_at: expect.any(String),
			created_by_user_id: SEED.userId,
			type: 'TEMPLATE',
			template_config: {
				...TEMPLATE_VERSION.template_config,
				use_structured_output: true,
				direction: 'MAXIMIZE',
				data_granularity: null,
			},
		});
		const latest = await ctx.api.get(`/v2/evaluators/${enc(evaluatorId)}`);
		expect(latest.body.version.id).toBe(response.body.id);
		expect(latest.body.updated_at).toBe(response.body.created_at);
		await ctx.sandbox.webhooks.idle();
		expect(hook.receiver.received).toHaveLength(1);
		expect(ctx.sandbox.webhooks.deliveries.map((delivery) => delivery.webhook_id)).toEqual([hookId]);
		expect(hook.receiver.received[0].headers.authorization).toBe('Bearer ev-token');
		expect(hook.receiver.received[0].body).toEqual({
			event: 'evaluator.version.created',
			event_id: expect.any(String),
			occurred_at: expect.any(String),
			evaluator_id: evaluatorId,
			version_id: response.body.id,
			space_id: SEED.spaceId,
		});
	});

	it('creates a CODE version; nothing is delivered without a subscription on that evaluator', async () => {
		await subscribe(SEED.evaluatorIds.hallucination);
		const response = await ctx.api.post(`/v2/evaluators/${enc(SEED.evaluatorIds.jsonFormat)}/versions`, {
			commit_message: 'Managed check',
			code_config: { type: 'MANAGED', name: 'json_format', managed_evaluator: 'JSON_PARSEABLE', variables: ['output'] },
		});
		expect(response.status).toBe(201);
		expect(response.body.code_config).toEqual({ type: 'MANAGED', name: 'json_format', managed_evaluator: 'JSON_PARSEABLE', variables: ['output'], data_granularity: null });
		await ctx.sandbox.webhooks.idle();
		expect(hook.receiver.received).toEqual([]);
	});

	it('400 for the shape, 422 for a config of the other type or a bad value, 404 for an unknown evaluator', async () => {
		const path = `/v2/evaluators/${enc(SEED.evaluatorIds.hallucination)}/versions`;
		expectProblem(await ctx.api.post(path, { template_config: TEMPLATE_VERSION.template_config }), 400, /^The 'commit_message' field is required\.$/);
		expectProblem(await ctx.api.post(path, { commit_message: 'x' }), 400, /^Provide exactly one of 'template_config' or 'code_config'\.$/);
		expectProblem(await ctx.api.post(path, { ...TEMPLATE_VERSION, id: 'x' }), 400, /system-managed/);
		const { llm_config: _llm, ...withoutLlm } = TEMPLATE_VERSION.template_config;
		expectProblem(await ctx.api.post(path, { commit_message: 'x', template_config: withoutLlm }), 400, /'template_config.llm_config' field is required/);
		expectProblem(
			await ctx.api.post(path, { commit_message: 'x', template_config: { ...TEMPLATE_VERSION.template_config, name: 'bad/name' } }),
			422,
			/template_config.name 'bad\/name' must match/,
		);
		expectProblem(
			await ctx.api.post(path, {
				commit_message: 'x',
				template_config: { ...TEMPLATE_VERSION.template_config, llm_config: { ...TEMPLATE_VERSION.template_config.llm_config, ai_integration_id: 'TGxtOjk5' } },
			}),
			422,
			/does not name an AI integration/,
		);
		expectProblem(
			await ctx.api.post(path, { commit_message: 'x', code_config: { type: 'CUSTOM', name: 'n', code: 'x', variables: [] } }),
			422,
			/is a TEMPLATE evaluator; send template_config, not code_config/,
		);
		expectProblem(
			await ctx.api.post(`/v2/evaluators/${enc(SEED.evaluatorIds.answerCorrectness)}/versions`, TEMPLATE_VERSION),
			422,
			/is a HARNESS evaluator; only TEMPLATE and CODE evaluators take new versions/,
		);
		expectProblem(await ctx.api.post('/v2/evaluators/RXZhbDo5OTk=/versions', TEMPLATE_VERSION), 404, /Evaluator 'RXZhbDo5OTk=' was not found/);
		expect(ctx.sandbox.store.evaluators.get(SEED.evaluatorIds.hallucination)!.versions).toHaveLength(SEED.evaluatorVersionIds.hallucination.length);
	});
});
