import { SEED } from '../../sandbox/index.ts';
import { enc, expectProblem, useSandbox } from './helpers.ts';

// PATCH /v2/tasks/{id}: type comes from the stored task; omitted fields stay; {} is rejected.

const t = SEED.taskIds;

describe('PATCH /v2/tasks/{id}', () => {
	const ctx = useSandbox();
	const patch = (taskId: string, body: unknown) => ctx.api.patch(`/v2/tasks/${enc(taskId)}`, body);

	it('updates the given fields, keeps the others and moves updated_at', async () => {
		const before = (await ctx.api.get(`/v2/tasks/${enc(t.productionHallucination)}`)).body;
		const response = await patch(t.productionHallucination, { name: 'Updated Task Name', sampling_rate: 0.5, query_filter: "metadata.environment = 'staging'" });
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			...before,
			name: 'Updated Task Name',
			sampling_rate: 0.5,
			query_filter: "metadata.environment = 'staging'",
			updated_at: expect.any(String),
		});
		expect(response.body.updated_at > before.updated_at).toBe(true);
	});

	it('clears query_filter with null', async () => {
		const response = await patch(t.productionHallucination, { query_filter: null });
		expect(response.status).toBe(200);
		expect(response.body.query_filter).toBeNull();
	});

	it('replaces the whole evaluator list', async () => {
		const response = await patch(t.chatbotRelevanceSample, {
			evaluators: [{ evaluator_id: SEED.evaluatorIds.jsonFormat, column_mappings: { output: 'attributes.output.value' } }],
		});
		expect(response.status).toBe(200);
		expect(response.body.evaluators).toEqual([
			{
				evaluator_id: SEED.evaluatorIds.jsonFormat,
				evaluator_name: 'JSON Format Check',
				query_filter: null,
				column_mappings: { output: 'attributes.output.value' },
				evaluator_version_id: null,
			},
		]);
	});

	it('sets is_continuous on a project task', async () => {
		expect((await patch(t.chatbotRelevancePaused, { is_continuous: true })).body.is_continuous).toBe(true);
	});

	it('updates name and replaces run_configuration of a RUN_EXPERIMENT task atomically', async () => {
		const config = {
			experiment_type: 'AGENT_CALL',
			integration_id: SEED.agentIntegrationId,
			input_template: { message: '{{question}}' },
		};
		const response = await patch(t.promptGeneration, { name: 'Now an agent call', run_configuration: config });
		expect(response.status).toBe(200);
		expect(response.body.name).toBe('Now an agent call');
		expect(response.body.run_configuration).toEqual(config);
	});

	it.each<[string, string, unknown, RegExp]>([
		['an empty body', t.productionHallucination, {}, /at least one/],
		['no body', t.productionHallucination, undefined, /body/],
		['a non-object body', t.productionHallucination, 'name', /JSON object/],
		['run_configuration on an eval task', t.productionHallucination, { run_configuration: { experiment_type: 'AGENT_CALL' } }, /run_configuration.*RUN_EXPERIMENT/],
		['evaluators on a RUN_EXPERIMENT task', t.answerCorrectnessJudge, { evaluators: [{ evaluator_id: SEED.evaluatorIds.relevance }] }, /evaluators.*RUN_EXPERIMENT/],
		['sampling_rate on a RUN_EXPERIMENT task', t.answerCorrectnessJudge, { sampling_rate: 1 }, /sampling_rate/],
		['query_filter on a RUN_EXPERIMENT task', t.answerCorrectnessJudge, { query_filter: 'x' }, /query_filter/],
		['an empty body on a RUN_EXPERIMENT task', t.answerCorrectnessJudge, {}, /name, run_configuration/],
		['sampling_rate on a dataset task', t.goldenRelevance, { sampling_rate: 0.5 }, /sampling_rate.*project-based/],
		['is_continuous on a dataset task', t.goldenRelevance, { is_continuous: false }, /is_continuous.*project-based/],
		['evaluators: []', t.productionHallucination, { evaluators: [] }, /evaluators.*at least 1/],
		['an empty name', t.productionHallucination, { name: '' }, /name/],
		['type', t.productionHallucination, { type: 'CODE_EVALUATION' }, /type.*cannot be changed/],
		['id', t.productionHallucination, { id: 'x' }, /read-only/],
		['created_at', t.productionHallucination, { created_at: '2026-01-01T00:00:00Z' }, /read-only/],
		['updated_at', t.productionHallucination, { updated_at: '2026-01-01T00:00:00Z' }, /read-only/],
		['project_id', t.productionHallucination, { project_id: SEED.projectIds.ragSearch }, /data source/],
		['dataset_id', t.goldenRelevance, { dataset_id: SEED.datasetId }, /data source/],
		['experiment_ids', t.goldenRelevance, { experiment_ids: [SEED.experimentIds.baselineGpt4o] }, /data source/],
		['an unknown field', t.productionHallucination, { priority: 1 }, /Unknown field/],
		['an incomplete run_configuration', t.promptGeneration, { run_configuration: { ai_integration_id: SEED.aiIntegrationIds.openai } }, /experiment_type/],
	])('answers 400 for %s', async (_label, taskId, body, detail) => {
		expectProblem(await patch(taskId, body), 400, detail);
	});

	it.each<[string, string, unknown, RegExp]>([
		['sampling_rate outside 0..1', t.productionHallucination, { sampling_rate: 2 }, /sampling_rate/],
		['an unknown evaluator', t.productionHallucination, { evaluators: [{ evaluator_id: 'RXZhbHVhdG9yOjk5' }] }, /evaluator_id/],
		['duplicate evaluators', t.productionHallucination, { evaluators: [{ evaluator_id: SEED.evaluatorIds.relevance }, { evaluator_id: SEED.evaluatorIds.relevance }] }, /more than once/],
		[
			'a version of another evaluator',
			t.productionHallucination,
			{ evaluators: [{ evaluator_id: SEED.evaluatorIds.relevance, evaluator_version_id: SEED.evaluatorVersionIds.jsonFormat[0] }] },
			/not a version/,
		],
	])('answers 422 for %s', async (_label, taskId, body, detail) => {
		expectProblem(await patch(taskId, body), 422, detail);
	});

	it('changes nothing when the body is rejected', async () => {
		const before = (await ctx.api.get(`/v2/tasks/${enc(t.ragRetrievalRelevance)}`)).body;
		expectProblem(await patch(t.ragRetrievalRelevance, { name: 'half-applied?', sampling_rate: 7 }), 422);
		expect((await ctx.api.get(`/v2/tasks/${enc(t.ragRetrievalRelevance)}`)).body).toEqual(before);
	});

	it('answers 404 for an unknown task', async () => {
		expectProblem(await patch('VGFzazo5OTk5OTo=', { name: 'x' }), 404);
	});
});
