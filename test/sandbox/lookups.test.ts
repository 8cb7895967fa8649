import { SEED } from '../../sandbox/index.ts';
import { enc, expectProblem, useSandbox } from './helpers.ts';

// The lookups behind the node's dropdowns, their filters, ordering and 404 rules.

const names = (items: { name: string }[]) => items.map((item) => item.name);

describe('lookup endpoints', () => {
	const ctx = useSandbox();

	describe('GET /v2/spaces', () => {
		it('lists the seed space with the documented fields', async () => {
			const response = await ctx.api.get('/v2/spaces?limit=1');
			expect(response.status).toBe(200);
			expect(response.body).toEqual({
				spaces: [
					{
						id: SEED.spaceId,
						name: 'Production Evals',
						description: expect.any(String),
						is_private: false,
						created_at: expect.stringMatching(/^2026-/),
					},
				],
				pagination: { has_more: false },
			});
		});

		it('GET /v2/spaces/{id} returns one space; 404 for an unknown id', async () => {
			const response = await ctx.api.get(`/v2/spaces/${enc(SEED.spaceId)}`);
			expect(response.status).toBe(200);
			expect(response.body).toEqual({
				id: SEED.spaceId,
				name: 'Production Evals',
				description: 'Online and offline evaluations for customer-facing LLM apps',
				is_private: false,
				created_at: '2026-01-12T09:15:00.000Z',
			});
			expectProblem(await ctx.api.get('/v2/spaces/U3BhY2U6OTk5OTk='), 404, /Space 'U3BhY2U6OTk5OTk=' was not found/);
		});

		it('filters by org_id and name; an unknown org_id is an empty list, not 404 (no 404 declared)', async () => {
			expect((await ctx.api.get(`/v2/spaces?org_id=${enc(SEED.orgId)}`)).body.spaces).toHaveLength(1);
			const unknownOrg = await ctx.api.get('/v2/spaces?org_id=T3JnOjk5OTk=');
			expect(unknownOrg.status).toBe(200);
			expect(unknownOrg.body.spaces).toEqual([]);
			expect((await ctx.api.get('/v2/spaces?name=production')).body.spaces).toHaveLength(1);
			expect((await ctx.api.get('/v2/spaces?name=staging')).body.spaces).toHaveLength(0);
		});

		it('rejects a name filter longer than 255 characters', async () => {
			expectProblem(await ctx.api.get(`/v2/spaces?name=${'x'.repeat(256)}`), 400, /name/);
			expect((await ctx.api.get(`/v2/spaces?name=${'x'.repeat(255)}`)).status).toBe(200);
		});
	});

	describe('GET /v2/projects', () => {
		it('lists both projects with space_id', async () => {
			const response = await ctx.api.get('/v2/projects');
			expect(names(response.body.projects)).toEqual(['support-chatbot', 'rag-search']);
			expect(response.body.projects[0]).toEqual({
				id: SEED.projectIds.supportChatbot,
				name: 'support-chatbot',
				space_id: SEED.spaceId,
				created_at: expect.any(String),
			});
		});

		it('GET /v2/projects/{id} returns one project; 404 for an unknown id', async () => {
			const response = await ctx.api.get(`/v2/projects/${enc(SEED.projectIds.ragSearch)}`);
			expect(response.status).toBe(200);
			expect(response.body).toEqual({ id: SEED.projectIds.ragSearch, name: 'rag-search', space_id: SEED.spaceId, created_at: '2026-02-03T16:40:00.000Z' });
			expectProblem(await ctx.api.get('/v2/projects/UHJvamVjdDo5OTk='), 404, /Project 'UHJvamVjdDo5OTk=' was not found/);
		});

		it('filters by space_id, space_name and name (case-insensitive substrings)', async () => {
			expect((await ctx.api.get(`/v2/projects?space_id=${enc(SEED.spaceId)}`)).body.projects).toHaveLength(2);
			expect((await ctx.api.get('/v2/projects?space_name=PROD')).body.projects).toHaveLength(2);
			expect((await ctx.api.get('/v2/projects?space_name=staging')).body.projects).toHaveLength(0);
			expect(names((await ctx.api.get('/v2/projects?name=RAG')).body.projects)).toEqual(['rag-search']);
			expectProblem(await ctx.api.get(`/v2/projects?space_name=${'a'.repeat(256)}`), 400, /space_name/);
		});

		it('answers 404 for a space_id that does not exist', async () => {
			expectProblem(await ctx.api.get('/v2/projects?space_id=U3BhY2U6OTk5OTk='), 404, /Space/);
		});
	});

	describe('datasets', () => {
		it('lists datasets newest first, without versions', async () => {
			ctx.sandbox.store.datasets.set('RGF0YXNldDoxOm9sZA==', {
				id: 'RGF0YXNldDoxOm9sZA==',
				name: 'old-questions',
				space_id: SEED.spaceId,
				created_at: '2026-01-01T00:00:00.000Z',
				updated_at: '2026-01-01T00:00:00.000Z',
				versions: [],
				examples: [],
			});
			const response = await ctx.api.get('/v2/datasets');
			expect(names(response.body.datasets)).toEqual(['golden-questions', 'old-questions']);
			expect(response.body.datasets[0]).not.toHaveProperty('versions');
			expect(names((await ctx.api.get('/v2/datasets?name=GOLDEN&space_name=evals')).body.datasets)).toEqual(['golden-questions']);
			expectProblem(await ctx.api.get('/v2/datasets?space_id=nope'), 404);
			ctx.sandbox.store.datasets.delete('RGF0YXNldDoxOm9sZA==');
		});

		it('returns one dataset with its versions, and 404 for an unknown id', async () => {
			const response = await ctx.api.get(`/v2/datasets/${enc(SEED.datasetId)}`);
			expect(response.body).toMatchObject({ id: SEED.datasetId, name: 'golden-questions', space_id: SEED.spaceId });
			expect(response.body.versions).toEqual([
				{ id: SEED.datasetVersionIds.v1, name: 'v1', dataset_id: SEED.datasetId, created_at: '2026-03-02T08:30:00.000Z', updated_at: '2026-03-02T08:30:00.000Z' },
				{ id: SEED.datasetVersionIds.v2, name: 'v2 (edge cases added)', dataset_id: SEED.datasetId, created_at: '2026-09-18T13:05:00.000Z', updated_at: '2026-09-18T13:05:00.000Z' },
			]);
			expectProblem(await ctx.api.get('/v2/datasets/RGF0YXNldDo5OTk='), 404);
		});

		it('lists examples, optionally for a version, 404 for a version of nothing', async () => {
			const path = `/v2/datasets/${enc(SEED.datasetId)}/examples`;
			const response = await ctx.api.get(`${path}?dataset_version_id=${enc(SEED.datasetVersionIds.v1)}&limit=2`);
			// The spec's examples carry their times; the seed's were all written with v1.
			expect(response.body.examples[0]).toEqual({
				id: expect.any(String),
				created_at: '2026-03-02T08:30:00.000Z',
				updated_at: '2026-03-02T08:30:00.000Z',
				question: expect.any(String),
				expected_answer: expect.any(String),
			});
			expectProblem(await ctx.api.get(`${path}?dataset_version_id=nope`), 404);
		});
	});

	describe('GET /v2/experiments', () => {
		it('lists the three seed experiments with dataset fields', async () => {
			const response = await ctx.api.get(`/v2/experiments?dataset_id=${enc(SEED.datasetId)}`);
			expect(response.body.experiments).toHaveLength(3);
			expect(response.body.experiments[0]).toEqual({
				id: SEED.experimentIds.baselineGpt4o,
				name: 'baseline-gpt-4o',
				dataset_id: SEED.datasetId,
				dataset_version_id: SEED.datasetVersionIds.v1,
				space_id: SEED.spaceId,
				created_at: '2026-03-05T10:12:00.000Z',
				updated_at: '2026-03-05T10:16:00.000Z',
			});
		});

		it('filters by name and space_id; 404 for a missing dataset or space', async () => {
			expect(names((await ctx.api.get('/v2/experiments?name=SONNET')).body.experiments)).toEqual(['answer-correctness-sonnet']);
			expect((await ctx.api.get(`/v2/experiments?space_id=${enc(SEED.spaceId)}`)).body.experiments).toHaveLength(3);
			expectProblem(await ctx.api.get('/v2/experiments?dataset_id=RGF0YXNldDo5OTk='), 404, /Dataset/);
			expectProblem(await ctx.api.get('/v2/experiments?space_id=U3BhY2U6OTk5OTk='), 404, /Space/);
		});

		it('answers 400 for dataset_id together with space_id (the spec calls it a validation error)', async () => {
			expectProblem(
				await ctx.api.get(`/v2/experiments?dataset_id=${enc(SEED.datasetId)}&space_id=${enc(SEED.spaceId)}`),
				400,
				/either 'dataset_id' or 'space_id', not both/,
			);
		});
	});

	describe('evaluators', () => {
		it('lists evaluators most recently updated first, with type and description', async () => {
			const response = await ctx.api.get('/v2/evaluators');
			expect(names(response.body.evaluators)).toEqual([
				'JSON Format Check',
				'Hallucination Eval',
				'Relevance Eval',
				'Answer Correctness (harness)',
			]);
			expect(response.body.evaluators.map((evaluator: { type: string }) => evaluator.type)).toEqual([
				'CODE',
				'TEMPLATE',
				'TEMPLATE',
				'HARNESS',
			]);
			expect(response.body.evaluators[0]).toHaveProperty('description');
		});

		it('filters by name, space_id and space_name', async () => {
			expect(names((await ctx.api.get('/v2/evaluators?name=eval')).body.evaluators)).toEqual(['Hallucination Eval', 'Relevance Eval']);
			expect((await ctx.api.get(`/v2/evaluators?space_id=${enc(SEED.spaceId)}&space_name=Production`)).body.evaluators).toHaveLength(4);
			expectProblem(await ctx.api.get('/v2/evaluators?space_id=U3BhY2U6OTk5OTk='), 404);
		});

		it('lists an evaluator\'s versions newest first, 404 for an unknown evaluator', async () => {
			const response = await ctx.api.get(`/v2/evaluators/${enc(SEED.evaluatorIds.hallucination)}/versions`);
			expect(response.body.evaluator_versions.map((version: { id: string }) => version.id)).toEqual(
				[...SEED.evaluatorVersionIds.hallucination].reverse(),
			);
			expect(response.body.evaluator_versions[0]).toEqual({
				id: SEED.evaluatorVersionIds.hallucination[2],
				evaluator_id: SEED.evaluatorIds.hallucination,
				commit_hash: expect.stringMatching(/^[0-9a-f]{40}$/),
				commit_message: 'Ask for a one-sentence explanation',
				created_at: '2026-10-02T08:45:00.000Z',
				created_by_user_id: SEED.otherUserId,
				type: 'TEMPLATE',
				template_config: {
					name: 'hallucination',
					template: expect.stringContaining('{output}'),
					classification_choices: { hallucinated: 0, factual: 1 },
					include_explanations: true,
					use_function_calling_if_available: true,
					data_granularity: 'SPAN',
					direction: 'MAXIMIZE',
					llm_config: {
						ai_integration_id: SEED.aiIntegrationIds.openai,
						model_name: 'gpt-4o-mini',
						invocation_parameters: { temperature: 0 },
						provider_parameters: {},
					},
				},
			});
			expectProblem(await ctx.api.get('/v2/evaluators/RXZhbHVhdG9yOjk5/versions'), 404);
		});
	});

	describe('integrations', () => {
		it('lists AI integrations with the spec\'s fields (provider OPEN_AI, the space as a scoping), filtered by name', async () => {
			const response = await ctx.api.get('/v2/ai-integrations');
			expect(response.body.ai_integrations).toEqual([
				{
					id: SEED.aiIntegrationIds.openai,
					name: 'OpenAI Production',
					provider: 'OPEN_AI',
					has_api_key: true,
					model_names: ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini'],
					enable_default_models: true,
					function_calling_enabled: true,
					auth_type: 'DEFAULT',
					scopings: [{ organization_id: SEED.orgId, space_id: SEED.spaceId }],
					created_at: '2026-01-12T09:30:00.000Z',
					updated_at: '2026-06-03T10:12:00.000Z',
					created_by_user_id: SEED.userId,
				},
				expect.objectContaining({ id: SEED.aiIntegrationIds.anthropic, provider: 'ANTHROPIC' }),
			]);
			expect(names((await ctx.api.get('/v2/ai-integrations?name=anthro&space_name=evals')).body.ai_integrations)).toEqual(['Anthropic']);
			expectProblem(await ctx.api.get('/v2/ai-integrations?space_id=nope'), 404);
		});

		it('lists every integration without type, LLM first; 400 for an unknown type or one not in UPPERCASE', async () => {
			const all = await ctx.api.get('/v2/integrations');
			expect(all.body.integrations.map((integration: { id: string; type: string }) => [integration.type, integration.id])).toEqual([
				['LLM', SEED.aiIntegrationIds.openai],
				['LLM', SEED.aiIntegrationIds.anthropic],
				['AGENT', SEED.agentIntegrationId],
			]);
			expectProblem(await ctx.api.get('/v2/integrations?type=ROBOT'), 400, /type/);
			expectProblem(await ctx.api.get('/v2/integrations?type=llm'), 400, /'type' must be one of LLM, AGENT; got 'llm'/);
		});

		it('serves LLM integrations with the ai-integration ids and AGENT integrations separately', async () => {
			const llm = await ctx.api.get('/v2/integrations?type=LLM');
			expect(llm.body.integrations.map((integration: { id: string }) => integration.id)).toEqual([
				SEED.aiIntegrationIds.openai,
				SEED.aiIntegrationIds.anthropic,
			]);
			expect(llm.body.integrations[0]).toEqual({
				id: SEED.aiIntegrationIds.openai,
				name: 'OpenAI Production',
				type: 'LLM',
				scopings: [{ organization_id: SEED.orgId, space_id: SEED.spaceId }],
				created_at: '2026-01-12T09:30:00.000Z',
				updated_at: '2026-06-03T10:12:00.000Z',
				created_by_user_id: SEED.userId,
				config: { provider: 'OPEN_AI', has_api_key: true, is_function_calling_enabled: true },
			});
			const agent = await ctx.api.get(`/v2/integrations?type=AGENT&space_id=${enc(SEED.spaceId)}&name=support`);
			expect(agent.body.integrations).toEqual([
				expect.objectContaining({ id: SEED.agentIntegrationId, type: 'AGENT', description: expect.any(String) }),
			]);
		});
	});
});
