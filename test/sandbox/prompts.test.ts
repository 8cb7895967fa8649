import { SEED, WEBHOOK_SEED } from '../../sandbox/index.ts';
import { enc, expectProblem, readAllPages, useSandbox } from './helpers.ts';
import { useReceiver } from './webhook-receiver.ts';

// Prompts, versions and labels (the 1.28.0 spec) and the prompt.version.* deliveries they cause.

const SUPPORT = WEBHOOK_SEED.promptIds.supportAnswer;
const [V1, V2, V3] = WEBHOOK_SEED.promptVersionIds.supportAnswer;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const NEW_VERSION = {
	commit_message: 'Friendlier tone',
	provider: 'OPEN_AI',
	model: 'gpt-4o',
	messages: [
		{ role: 'SYSTEM', content: 'You are a friendly support agent.' },
		{ role: 'USER', content: 'Hello, {name}!' },
	],
};

describe('prompts', () => {
	const ctx = useSandbox({ webhookRetryDelaysMs: [] });
	afterEach(() => ctx.sandbox.store.reset());

	it('lists the seed prompts, most recently updated first, filtered by space and name', async () => {
		const response = await ctx.api.get('/v2/prompts');
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			prompts: [
				{
					id: SUPPORT,
					name: 'support-answer',
					description: 'Answers a customer question from the help center',
					space_id: SEED.spaceId,
					created_at: expect.stringMatching(ISO),
					updated_at: expect.stringMatching(ISO),
					created_by_user_id: SEED.userId,
				},
				expect.objectContaining({ id: WEBHOOK_SEED.promptIds.ragSummary, name: 'rag-summary', description: null }),
			],
			pagination: { has_more: false },
		});
		expect((await ctx.api.get('/v2/prompts?name=RAG')).body.prompts.map((p: { id: string }) => p.id)).toEqual([WEBHOOK_SEED.promptIds.ragSummary]);
		expect((await ctx.api.get(`/v2/prompts?space_id=${enc(SEED.spaceId)}&limit=1`)).body.pagination.has_more).toBe(true);
		expectProblem(await ctx.api.get('/v2/prompts?space_id=U3BhY2U6OTk='), 404, /Space/);
	});

	it('gets a prompt with its latest version, or by version_id or label; 400 for both, 404 for neither', async () => {
		const latest = await ctx.api.get(`/v2/prompts/${enc(SUPPORT)}`);
		expect(latest.body.version).toEqual({
			id: V3,
			prompt_id: SUPPORT,
			commit_hash: expect.stringMatching(/^[0-9a-f]{40}$/),
			commit_message: 'Shorter answers',
			messages: [
				{ role: 'SYSTEM', content: expect.stringContaining('three sentences') },
				{ role: 'USER', content: '{question}' },
			],
			input_variable_format: 'F_STRING',
			provider: 'OPEN_AI',
			model: 'gpt-4.1-mini',
			invocation_params: { temperature: 0.2 },
			created_at: expect.stringMatching(ISO),
			created_by_user_id: SEED.userId,
			labels: ['staging'],
		});
		expect((await ctx.api.get(`/v2/prompts/${enc(SUPPORT)}?label=production`)).body.version.id).toBe(V2);
		expect((await ctx.api.get(`/v2/prompts/${enc(SUPPORT)}?version_id=${enc(V1)}`)).body.version.id).toBe(V1);
		expect((await ctx.api.get(`/v2/prompts/${enc(SUPPORT)}/labels/production`)).body.id).toBe(V2);
		expect((await ctx.api.get(`/v2/prompt-versions/${enc(V1)}`)).body.labels).toEqual([]);
		expectProblem(await ctx.api.get(`/v2/prompts/${enc(SUPPORT)}?label=production&version_id=${enc(V1)}`), 400, /not both/);
		expectProblem(await ctx.api.get(`/v2/prompts/${enc(SUPPORT)}?label=canary`), 404, /has the label 'canary'/);
		expectProblem(await ctx.api.get(`/v2/prompts/${enc(SUPPORT)}/labels/canary`), 404, /has the label 'canary'/);
		expectProblem(await ctx.api.get('/v2/prompts/UHJvbXB0Ojk5'), 404, /Prompt 'UHJvbXB0Ojk5' was not found/);
		expectProblem(await ctx.api.get('/v2/prompt-versions/UHY6OTk='), 404, /Prompt version 'UHY6OTk=' was not found/);
	});

	it('creates a prompt with its first version; 409 for a name taken in the space; 400 and 422 for bad bodies', async () => {
		const body = { space_id: SEED.spaceId, name: 'triage', description: 'Routes tickets', version: NEW_VERSION };
		const created = await ctx.api.post('/v2/prompts', body);
		expect(created.status).toBe(201);
		expect(created.body).toEqual({
			id: expect.any(String),
			name: 'triage',
			description: 'Routes tickets',
			space_id: SEED.spaceId,
			created_at: expect.stringMatching(ISO),
			updated_at: created.body.created_at,
			created_by_user_id: SEED.userId,
			version: {
				id: expect.any(String),
				prompt_id: created.body.id,
				commit_hash: expect.stringMatching(/^[0-9a-f]{40}$/),
				commit_message: 'Friendlier tone',
				messages: NEW_VERSION.messages,
				input_variable_format: 'F_STRING',
				provider: 'OPEN_AI',
				model: 'gpt-4o',
				created_at: created.body.created_at,
				created_by_user_id: SEED.userId,
				labels: [],
			},
		});
		expectProblem(await ctx.api.post('/v2/prompts', body), 409, /^A prompt named 'triage' already exists in space '.+'\.$/);
		expectProblem(await ctx.api.post('/v2/prompts', { ...body, name: 'x', space_id: 'U3BhY2U6OTk=' }), 422, /does not name a space/);
		expectProblem(await ctx.api.post('/v2/prompts', { space_id: SEED.spaceId, name: 'y' }), 400, /^The 'version' field is required\.$/);
		expectProblem(await ctx.api.post('/v2/prompts', { ...body, name: 'z', version: { ...NEW_VERSION, messages: [] } }), 400, /'version.messages' field must contain at least one message/);
		expectProblem(await ctx.api.post('/v2/prompts', { ...body, name: 'z', version: { ...NEW_VERSION, provider: 'OPENAI' } }), 400, /'version.provider' field must be one of OPEN_AI/);
	});

	it('adds versions (newest first in the list), updates the description only, deletes with versions and subscriptions', async () => {
		const path = `/v2/prompts/${enc(SUPPORT)}`;
		const created = await ctx.api.post(`${path}/versions`, { ...NEW_VERSION, input_variable_format: 'MUSTACHE', model: undefined });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ prompt_id: SUPPORT, input_variable_format: 'MUSTACHE', model: '', labels: [] });
		const all = await readAllPages(ctx.api, `${path}/versions`, 'prompt_versions', 2);
		expect(all.items.map((item) => item.id)).toEqual([created.body.id, V3, V2, V1]);
		expect((await ctx.api.get(path)).body.updated_at).toBe(created.body.created_at);
		expectProblem(await ctx.api.post(`${path}/versions`, { ...NEW_VERSION, commit_message: undefined }), 400, /^The 'commit_message' field is required\.$/);
		expectProblem(await ctx.api.post(`${path}/versions`, { ...NEW_VERSION, commit_hash: 'abc' }), 400, /^'commit_hash' is system-managed/);
		expectProblem(await ctx.api.patch(path, { name: 'renamed' }), 400, /name is immutable/);
		expect((await ctx.api.patch(path, { description: null })).body.description).toBeNull();
		const hook = await ctx.api.post('/v2/webhooks', { organization_id: SEED.orgId, name: 'p', url: 'https://x.example/h' });
		await ctx.api.post('/v2/webhook-subscriptions', { webhook_id: hook.body.id, source_type: 'PROMPT', source_id: SUPPORT, event: 'PROMPT_VERSION_CREATED' });
		expect((await ctx.api.delete(path)).status).toBe(204);
		expectProblem(await ctx.api.get(`/v2/prompt-versions/${enc(V1)}`), 404);
		expect((await ctx.api.get('/v2/webhook-subscriptions')).body.subscriptions).toEqual([]);
	});

	it('PUT …/labels replaces the labels and moves a label from another version; DELETE …/labels/{label} removes one', async () => {
		const put = await ctx.api('PUT', `/v2/prompt-versions/${enc(V1)}/labels`, { labels: ['production', 'canary', 'canary'] });
		expect(put.status).toBe(200);
		expect(put.body.labels).toEqual(['production', 'canary']);
		expect((await ctx.api.get(`/v2/prompt-versions/${enc(V2)}`)).body.labels).toEqual([]);
		expect((await ctx.api.get(`/v2/prompts/${enc(SUPPORT)}/labels/production`)).body.id).toBe(V1);
		const removed = await ctx.api.delete(`/v2/prompt-versions/${enc(V1)}/labels/canary`);
		expect(removed.status).toBe(204);
		expect((await ctx.api.get(`/v2/prompt-versions/${enc(V1)}`)).body.labels).toEqual(['production']);
		expectProblem(await ctx.api.delete(`/v2/prompt-versions/${enc(V1)}/labels/canary`), 404, /has no label 'canary'/);
		expectProblem(await ctx.api('PUT', `/v2/prompt-versions/${enc(V1)}/labels`, {}), 400, /'labels' field is required/);
		expectProblem(await ctx.api('PUT', `/v2/prompt-versions/${enc(V1)}/labels`, { labels: [' '] }), 422, /must not be empty/);
	});
});

describe('prompt.version.* deliveries', () => {
	const ctx = useSandbox({ webhookRetryDelaysMs: [] });
	const hook = useReceiver(ctx);
	let hookId: string;

	beforeEach(async () => {
		const created = await ctx.api.post('/v2/webhooks', {
			organization_id: SEED.orgId,
			name: 'prompt events',
			url: hook.receiver.url,
			auth_token: 'Bearer prompt-token',
		});
		hookId = created.body.id;
		for (const event of ['PROMPT_VERSION_CREATED', 'PROMPT_VERSION_LABELED', 'PROMPT_VERSION_UNLABELED']) {
			const subscribed = await ctx.api.post('/v2/webhook-subscriptions', { webhook_id: hookId, source_type: 'PROMPT', source_id: SUPPORT, event });
			expect(subscribed.status).toBe(201);
		}
	});

	const events = () =>
		hook.receiver.received.map(({ body }) => [body.event, body.version_id, body.label]);

	it('labeling a version sends prompt.version.labeled with the token verbatim and a small payload', async () => {
		await ctx.api('PUT', `/v2/prompt-versions/${enc(V3)}/labels`, { labels: ['staging', 'qa'] });
		await ctx.sandbox.webhooks.idle();
		expect(hook.receiver.received).toHaveLength(1);
		expect(hook.receiver.received[0].headers.authorization).toBe('Bearer prompt-token');
		expect(hook.receiver.received[0].body).toEqual({
			event: 'prompt.version.labeled',
			event_id: expect.any(String),
			occurred_at: expect.stringMatching(ISO),
			prompt_id: SUPPORT,
			version_id: V3,
			label: 'qa',
			space_id: SEED.spaceId,
		});
	});

	it('a new version sends prompt.version.created; a moved label sends unlabeled (old version) and labeled (new)', async () => {
		const created = await ctx.api.post(`/v2/prompts/${enc(SUPPORT)}/versions`, NEW_VERSION);
		await ctx.api('PUT', `/v2/prompt-versions/${enc(created.body.id)}/labels`, { labels: ['production'] });
		await ctx.api('PUT', `/v2/prompt-versions/${enc(created.body.id)}/labels`, { labels: ['production'] });
		await ctx.api.delete(`/v2/prompt-versions/${enc(V3)}/labels/staging`);
		await ctx.sandbox.webhooks.idle();
		expect(events().sort()).toEqual(
			[
				['prompt.version.created', created.body.id, undefined],
				['prompt.version.unlabeled', V2, 'production'],
				['prompt.version.labeled', created.body.id, 'production'],
				['prompt.version.unlabeled', V3, 'staging'],
			].sort(),
		);
	});

	it('events of another prompt and unsubscribed events are not delivered', async () => {
		await ctx.api('PUT', `/v2/prompt-versions/${enc(WEBHOOK_SEED.promptVersionIds.ragSummary[0])}/labels`, { labels: [] });
		await ctx.api.post(`/v2/prompts/${enc(WEBHOOK_SEED.promptIds.ragSummary)}/versions`, NEW_VERSION);
		await ctx.sandbox.webhooks.idle();
		expect(hook.receiver.received).toEqual([]);
		const subscriptions = await ctx.api.get(`/v2/webhook-subscriptions?source_type=PROMPT&source_id=${enc(SUPPORT)}`);
		const created = subscriptions.body.subscriptions.find((s: { event: string }) => s.event === 'PROMPT_VERSION_CREATED');
		await ctx.api.delete(`/v2/webhook-subscriptions/${enc(created.id)}`);
		await ctx.api.post(`/v2/prompts/${enc(SUPPORT)}/versions`, NEW_VERSION);
		await ctx.sandbox.webhooks.idle();
		expect(hook.receiver.received).toEqual([]);
	});
});
