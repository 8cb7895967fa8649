import { SEED } from '../../sandbox/index.ts';
import { expectProblem, useSandbox } from './helpers.ts';

// POST /v2/tasks and RunConfiguration. 400 = wrong shape, 422 = values that fail validation
// (the split is the sandbox's, documented in sandbox/rules/task-body.ts).

type Body = Record<string, unknown>;

const projectTask = (overrides: Body = {}): Body => ({
	type: 'TEMPLATE_EVALUATION',
	name: 'Checkout hallucinations',
	project_id: SEED.projectIds.supportChatbot,
	evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination }],
	...overrides,
});

const datasetTask = (overrides: Body = {}): Body => ({
	type: 'CODE_EVALUATION',
	name: 'Golden JSON v2',
	dataset_id: SEED.datasetId,
	experiment_ids: [SEED.experimentIds.baselineGpt4o],
	evaluators: [{ evaluator_id: SEED.evaluatorIds.jsonFormat }],
	...overrides,
});

const llmConfig = (overrides: Body = {}): Body => ({
	experiment_type: 'LLM_GENERATION',
	ai_integration_id: SEED.aiIntegrationIds.openai,
	messages: [{ role: 'USER', content: 'Answer: {question}' }],
	input_variable_format: 'F_STRING',
	...overrides,
});

const runExperimentTask = (config: Body = llmConfig(), overrides: Body = {}): Body => ({
	type: 'RUN_EXPERIMENT',
	name: 'Prompt v4',
	dataset_id: SEED.datasetId,
	run_configuration: config,
	...overrides,
});

describe('POST /v2/tasks', () => {
	const ctx = useSandbox();
	const create = (body: unknown) => ctx.api.post('/v2/tasks', body);

	describe('valid bodies → 201', () => {
		it('creates a project task with every field filled in', async () => {
			const response = await create(
				projectTask({
					sampling_rate: 0.5,
					is_continuous: true,
					query_filter: "metadata.environment = 'production'",
					evaluators: [
						{
							evaluator_id: SEED.evaluatorIds.hallucination,
							query_filter: "span_kind = 'LLM'",
							column_mappings: { input: 'attributes.input.value' },
							evaluator_version_id: SEED.evaluatorVersionIds.hallucination[0],
						},
					],
				}),
			);
			expect(response.status).toBe(201);
			expect(response.body).toEqual({
				id: expect.any(String),
				name: 'Checkout hallucinations',
				type: 'TEMPLATE_EVALUATION',
				project_id: SEED.projectIds.supportChatbot,
				dataset_id: null,
				sampling_rate: 0.5,
				is_continuous: true,
				query_filter: "metadata.environment = 'production'",
				run_configuration: null,
				evaluators: [
					{
						evaluator_id: SEED.evaluatorIds.hallucination,
						evaluator_name: 'Hallucination Eval',
						query_filter: "span_kind = 'LLM'",
						column_mappings: { input: 'attributes.input.value' },
						evaluator_version_id: SEED.evaluatorVersionIds.hallucination[0],
					},
				],
				experiment_ids: [],
				last_run_at: null,
				created_at: expect.any(String),
				updated_at: expect.any(String),
				created_by_user_id: SEED.userId,
			});
			expect((await ctx.api.get(`/v2/tasks/${encodeURIComponent(response.body.id)}`)).body).toEqual(response.body);
		});

		it('fills defaults for omitted optional fields and accepts experiment_ids: [] on a project task', async () => {
			const response = await create(projectTask({ experiment_ids: [] }));
			expect(response.status).toBe(201);
			expect(response.body).toMatchObject({ sampling_rate: 1, is_continuous: false, query_filter: null });
		});

		it('creates a dataset task (is_continuous false is allowed)', async () => {
			const response = await create(datasetTask({ is_continuous: false }));
			expect(response.status).toBe(201);
			expect(response.body).toMatchObject({
				type: 'CODE_EVALUATION',
				project_id: null,
				dataset_id: SEED.datasetId,
				sampling_rate: null,
				is_continuous: false,
				experiment_ids: [SEED.experimentIds.baselineGpt4o],
			});
		});

		it('refuses enum values in another casing (400); the older-docs mode accepts them, stored in UPPERCASE', async () => {
			const lowercaseExperiment = () =>
				create(
					runExperimentTask(llmConfig({ experiment_type: 'llm_generation', input_variable_format: 'mustache', messages: [{ role: 'system', content: 'x' }] }), { type: 'run_experiment', name: 'lowercase' }),
				);
			expectProblem(
				await create(projectTask({ type: 'template_evaluation' })),
				400,
				/'type' field must be one of TEMPLATE_EVALUATION, CODE_EVALUATION, RUN_EXPERIMENT; got "template_evaluation"/,
			);
			expectProblem(await lowercaseExperiment(), 400, /got "run_experiment"/);
			ctx.sandbox.setLowercaseEnums(true);
			let experiment;
			try {
				expect((await create(projectTask({ type: 'template_evaluation' }))).status).toBe(201);
				experiment = await lowercaseExperiment();
				expect(experiment.status).toBe(201);
				expect(experiment.body.type).toBe('run_experiment');
			} finally {
				ctx.sandbox.setLowercaseEnums(false);
			}
			expect((await ctx.api.get(`/v2/tasks/${encodeURIComponent(experiment.body.id)}`)).body.run_configuration).toMatchObject({
				experiment_type: 'LLM_GENERATION',
				input_variable_format: 'MUSTACHE',
				messages: [{ role: 'SYSTEM', content: 'x' }],
			});
		});

		it.each([
			['LLM_GENERATION', llmConfig({ model_name: 'gpt-4o', invocation_parameters: { temperature: 0 }, tool_config: { tools: [] }, prompt_version_id: null })],
			[
				'TEMPLATE_EVALUATION',
				{
					experiment_type: 'TEMPLATE_EVALUATION',
					ai_integration_id: SEED.aiIntegrationIds.anthropic,
					template: 'Is {{output}} correct?',
					provide_explanation: false,
					classification_choices: { correct: 1, incorrect: 0 },
					column_mapping: { output: 'output' },
					evaluator_version_id: SEED.evaluatorVersionIds.answerCorrectness[0],
				},
			],
			['AGENT_CALL', { experiment_type: 'AGENT_CALL', integration_id: SEED.agentIntegrationId, input_template: { message: '{{question}}' } }],
		])('creates a RUN_EXPERIMENT task with a %s run_configuration', async (experimentType, config) => {
			const response = await create(runExperimentTask(config, { name: `RE ${experimentType}` }));
			expect(response.status).toBe(201);
			expect(response.body).toMatchObject({
				type: 'RUN_EXPERIMENT',
				dataset_id: SEED.datasetId,
				project_id: null,
				evaluators: [],
				experiment_ids: [],
				is_continuous: false,
				run_configuration: { ...config, experiment_type: experimentType },
			});
		});
	});

	describe('shape errors → 400', () => {
		it.each<[string, unknown, RegExp]>([
			['no body', undefined, /body is required/],
			['a JSON array', [], /JSON object/],
			['a missing type', { ...projectTask(), type: undefined }, /type/],
			['an unknown type', projectTask({ type: 'SPAN_EVALUATION' }), /type/],
			['a missing name', { ...projectTask(), name: undefined }, /name/],
			['an empty name', projectTask({ name: '' }), /name/],
			['a numeric name', projectTask({ name: 42 }), /name/],
			['both project_id and dataset_id', projectTask({ dataset_id: SEED.datasetId, experiment_ids: [SEED.experimentIds.baselineGpt4o] }), /Exactly one.*both/],
			['neither project_id nor dataset_id', { ...projectTask(), project_id: undefined }, /Exactly one.*neither/],
			['a missing evaluators list', { ...projectTask(), evaluators: undefined }, /evaluators/],
			['an empty evaluators list', projectTask({ evaluators: [] }), /evaluators.*at least 1/],
			['an evaluator without evaluator_id', projectTask({ evaluators: [{ query_filter: 'x' }] }), /evaluator_id/],
			['evaluator_name sent back from a GET', projectTask({ evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination, evaluator_name: 'Hallucination Eval' }] }), /evaluator_name/],
			['a null evaluator query_filter', projectTask({ evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination, query_filter: null }] }), /query_filter.*null/],
			['null column_mappings', projectTask({ evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination, column_mappings: null }] }), /column_mappings/],
			['non-string column_mappings values', projectTask({ evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination, column_mappings: { input: 1 } }] }), /column_mappings/],
			['a string sampling_rate', projectTask({ sampling_rate: '0.5' }), /sampling_rate.*number/],
			['a string is_continuous', projectTask({ is_continuous: 'true' }), /is_continuous.*boolean/],
			['a null task query_filter', projectTask({ query_filter: null }), /query_filter/],
			['non-empty experiment_ids on a project task', projectTask({ experiment_ids: [SEED.experimentIds.baselineGpt4o] }), /experiment_ids/],
			['a dataset task without experiment_ids', { ...datasetTask(), experiment_ids: undefined }, /experiment_ids.*at least 1/],
			['a dataset task with experiment_ids: []', datasetTask({ experiment_ids: [] }), /experiment_ids.*at least 1/],
			['sampling_rate on a dataset task', datasetTask({ sampling_rate: 0.5 }), /sampling_rate.*project/],
			['run_configuration on an eval task', projectTask({ run_configuration: llmConfig() }), /run_configuration.*RUN_EXPERIMENT/],
			['read-only id', projectTask({ id: 'VGFzazox' }), /'id'.*read-only/],
			['read-only created_at', projectTask({ created_at: '2026-01-01T00:00:00Z' }), /created_at.*read-only/],
			['read-only updated_at', projectTask({ updated_at: '2026-01-01T00:00:00Z' }), /updated_at.*read-only/],
			['an unknown field', projectTask({ colour: 'blue' }), /Unknown field 'colour'/],
		])('rejects %s', async (_label, body, detail) => {
			expectProblem(await create(body), 400, detail);
		});

		it.each(['project_id', 'evaluators', 'experiment_ids', 'sampling_rate', 'is_continuous', 'query_filter'])(
			'rejects %s on a RUN_EXPERIMENT task (must be omitted)',
			async (field) => {
				const values: Body = {
					project_id: SEED.projectIds.supportChatbot,
					evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination }],
					experiment_ids: [],
					sampling_rate: 1,
					is_continuous: false,
					query_filter: 'x',
				};
				expectProblem(await create(runExperimentTask(llmConfig(), { [field]: values[field] })), 400, new RegExp(`${field}.*omitted`));
			},
		);

		it.each<[string, Body, RegExp]>([
			['a RUN_EXPERIMENT task without dataset_id', { ...runExperimentTask(), dataset_id: undefined }, /dataset_id/],
			['a RUN_EXPERIMENT task without run_configuration', { ...runExperimentTask(), run_configuration: undefined }, /run_configuration.*required/],
			['a run_configuration that is not an object', runExperimentTask('LLM' as unknown as Body), /run_configuration/],
			['a missing experiment_type', runExperimentTask({ ...llmConfig(), experiment_type: undefined }), /experiment_type/],
			['an unknown experiment_type', runExperimentTask(llmConfig({ experiment_type: 'FINE_TUNE' })), /experiment_type/],
			['LLM_GENERATION without messages', runExperimentTask({ ...llmConfig(), messages: undefined }), /messages/],
			['LLM_GENERATION with no messages', runExperimentTask(llmConfig({ messages: [] })), /messages.*at least 1/],
			['a message without a role', runExperimentTask(llmConfig({ messages: [{ content: 'x' }] })), /role/],
			['a message with an unknown role', runExperimentTask(llmConfig({ messages: [{ role: 'BOT', content: 'x' }] })), /role/],
			['LLM_GENERATION without input_variable_format', runExperimentTask({ ...llmConfig(), input_variable_format: undefined }), /input_variable_format/],
			['an unknown input_variable_format', runExperimentTask(llmConfig({ input_variable_format: 'JINJA' })), /input_variable_format/],
			['LLM_GENERATION without ai_integration_id', runExperimentTask({ ...llmConfig(), ai_integration_id: undefined }), /ai_integration_id/],
			['a field of another variant', runExperimentTask(llmConfig({ template: 'x' })), /template/],
			[
				'column_mappings (plural) in TEMPLATE_EVALUATION',
				runExperimentTask({ experiment_type: 'TEMPLATE_EVALUATION', ai_integration_id: SEED.aiIntegrationIds.openai, template: 'x', provide_explanation: true, column_mappings: {} }),
				/column_mapping.*singular/,
			],
			[
				'TEMPLATE_EVALUATION without provide_explanation',
				runExperimentTask({ experiment_type: 'TEMPLATE_EVALUATION', ai_integration_id: SEED.aiIntegrationIds.openai, template: 'x' }),
				/provide_explanation/,
			],
			[
				'non-numeric classification_choices',
				runExperimentTask({ experiment_type: 'TEMPLATE_EVALUATION', ai_integration_id: SEED.aiIntegrationIds.openai, template: 'x', provide_explanation: true, classification_choices: { yes: 'one' } }),
				/classification_choices/,
			],
			['AGENT_CALL with ai_integration_id', runExperimentTask({ experiment_type: 'AGENT_CALL', ai_integration_id: SEED.aiIntegrationIds.openai, input_template: {} }), /integration_id/],
			['AGENT_CALL without input_template', runExperimentTask({ experiment_type: 'AGENT_CALL', integration_id: SEED.agentIntegrationId }), /input_template/],
		])('rejects %s', async (_label, body, detail) => {
			expectProblem(await create(body), 400, detail);
		});
	});

	describe('validation failures → 422', () => {
		it.each<[string, Body, RegExp]>([
			['a project that does not exist', projectTask({ project_id: 'TW9kZWw6OTk5' }), /project_id/],
			['a dataset that does not exist', datasetTask({ dataset_id: 'RGF0YXNldDo5OTk=' }), /dataset_id/],
			['an evaluator that does not exist', projectTask({ evaluators: [{ evaluator_id: 'RXZhbHVhdG9yOjk5' }] }), /evaluator_id/],
			['an experiment that does not exist', datasetTask({ experiment_ids: ['RXhwZXJpbWVudDo5OTk='] }), /experiment_ids\[0\]/],
			[
				'an evaluator_version_id of another evaluator',
				projectTask({ evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination, evaluator_version_id: SEED.evaluatorVersionIds.relevance[0] }] }),
				/not a version of evaluator/,
			],
			[
				'a duplicate evaluator_id',
				projectTask({ evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination }, { evaluator_id: SEED.evaluatorIds.hallucination }] }),
				/more than once/,
			],
			['sampling_rate above 1', projectTask({ sampling_rate: 1.5 }), /sampling_rate/],
			['sampling_rate below 0', projectTask({ sampling_rate: -0.1 }), /sampling_rate/],
			['is_continuous: true on a dataset task', datasetTask({ is_continuous: true }), /is_continuous/],
			['a RUN_EXPERIMENT dataset that does not exist', runExperimentTask(llmConfig(), { dataset_id: 'RGF0YXNldDo5OTk=' }), /dataset_id/],
			['an AI integration that does not exist', runExperimentTask(llmConfig({ ai_integration_id: 'TGxtOjk5' })), /ai_integration_id/],
			['AGENT_CALL with an LLM integration', runExperimentTask({ experiment_type: 'AGENT_CALL', integration_id: SEED.aiIntegrationIds.openai, input_template: {} }), /AGENT/],
			['AGENT_CALL with an unknown integration', runExperimentTask({ experiment_type: 'AGENT_CALL', integration_id: 'QWdlbnQ6OTk=', input_template: {} }), /integration_id/],
		])('rejects %s', async (_label, body, detail) => {
			expectProblem(await create(body), 422, detail);
		});

		it('rejects an experiment that belongs to another dataset', async () => {
			const store = ctx.sandbox.store;
			const otherDataset = 'RGF0YXNldDo3Nzc6b3RoZXI=';
			store.datasets.set(otherDataset, { id: otherDataset, name: 'other', space_id: SEED.spaceId, created_at: '2026-05-01T00:00:00.000Z', updated_at: '2026-05-01T00:00:00.000Z', versions: [], examples: [] });
			const response = await create(datasetTask({ dataset_id: otherDataset }));
			expectProblem(response, 422, /another dataset/);
		});

		it('reports the shape error first when a body has both kinds of problem', async () => {
			expectProblem(await create(projectTask({ project_id: 'TW9kZWw6OTk5', evaluators: [] })), 400);
		});
	});
});
