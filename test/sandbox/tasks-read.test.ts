import { SEED } from '../../sandbox/index.ts';
import { enc, expectProblem, useSandbox } from './helpers.ts';

// Task objects, list filters, get, delete.

const TASK_FIELDS = [
	'id',
	'name',
	'type',
	'project_id',
	'dataset_id',
	'sampling_rate',
	'is_continuous',
	'query_filter',
	'evaluators',
	'experiment_ids',
	'run_configuration',
	'last_run_at',
	'created_at',
	'updated_at',
	'created_by_user_id',
];

describe('reading tasks', () => {
	const ctx = useSandbox();
	const list = async (query: string) => (await ctx.api.get(`/v2/tasks?${query}`)).body.tasks as { id: string; name: string; type: string }[];

	it('seeds twelve tasks across the three types', async () => {
		const tasks = await list('limit=100');
		expect(tasks).toHaveLength(12);
		const byType = (type: string) => tasks.filter((task) => task.type === type).length;
		expect([byType('TEMPLATE_EVALUATION'), byType('CODE_EVALUATION'), byType('RUN_EXPERIMENT')]).toEqual([7, 2, 3]);
	});

	it('returns every field, with evaluator_name from the evaluator', async () => {
		const response = await ctx.api.get(`/v2/tasks/${enc(SEED.taskIds.chatbotRelevanceSample)}`);
		expect(response.status).toBe(200);
		expect(Object.keys(response.body).sort()).toEqual([...TASK_FIELDS].sort());
		expect(response.body).toMatchObject({
			type: 'TEMPLATE_EVALUATION',
			project_id: SEED.projectIds.supportChatbot,
			dataset_id: null,
			sampling_rate: 0.1,
			is_continuous: true,
			experiment_ids: [],
		});
		expect(response.body.evaluators).toEqual([
			{
				evaluator_id: SEED.evaluatorIds.relevance,
				evaluator_name: 'Relevance Eval',
				query_filter: expect.any(String),
				column_mappings: { input: 'attributes.input.value', output: 'attributes.output.value' },
				evaluator_version_id: null,
			},
			{
				evaluator_id: SEED.evaluatorIds.hallucination,
				evaluator_name: 'Hallucination Eval',
				query_filter: null,
				column_mappings: null,
				evaluator_version_id: SEED.evaluatorVersionIds.hallucination[1],
			},
		]);
	});

	it('gives RUN_EXPERIMENT tasks their run_configuration, one of each variant, and other tasks null', async () => {
		const runExperiments = await list('type=RUN_EXPERIMENT');
		const variants = [];
		for (const { id } of runExperiments) {
			const task = (await ctx.api.get(`/v2/tasks/${enc(id)}`)).body;
			expect(task).toMatchObject({ evaluators: [], experiment_ids: [], is_continuous: false, dataset_id: SEED.datasetId });
			variants.push(task.run_configuration.experiment_type);
		}
		expect(variants.sort()).toEqual(['AGENT_CALL', 'LLM_GENERATION', 'TEMPLATE_EVALUATION']);
		const evalTask = (await ctx.api.get(`/v2/tasks/${enc(SEED.taskIds.goldenRelevance)}`)).body;
		expect(evalTask.run_configuration).toBeNull();
		expect(evalTask).toMatchObject({ sampling_rate: null, is_continuous: false, project_id: null });
	});

	it('answers 404 for an unknown task', async () => {
		expectProblem(await ctx.api.get(`/v2/tasks/${enc('VGFzazo5OTk5OTo=')}`), 404, /not found/);
	});

	describe('filters', () => {
		it('filters by type in UPPERCASE; another casing or an unknown type is 400', async () => {
			expect(await list('type=CODE_EVALUATION')).toHaveLength(2);
			expect(await list('type=RUN_EXPERIMENT')).toHaveLength(3);
			expectProblem(await ctx.api.get('/v2/tasks?type=code_evaluation'), 400, /'type' must be one of TEMPLATE_EVALUATION, CODE_EVALUATION, RUN_EXPERIMENT; got 'code_evaluation'/);
			expectProblem(await ctx.api.get('/v2/tasks?type=SPAN_EVALUATION'), 400, /type/);
		});

		it('filters by project_id and dataset_id; a missing one is 404', async () => {
			expect(await list(`project_id=${enc(SEED.projectIds.ragSearch)}`)).toHaveLength(2);
			expect(await list(`dataset_id=${enc(SEED.datasetId)}`)).toHaveLength(6);
			expect(await list(`dataset_id=${enc(SEED.datasetId)}&type=RUN_EXPERIMENT`)).toHaveLength(3);
			expectProblem(await ctx.api.get('/v2/tasks?project_id=TW9kZWw6OTk5'), 404, /Project/);
			expectProblem(await ctx.api.get('/v2/tasks?dataset_id=RGF0YXNldDo5OTk='), 404, /Dataset/);
		});

		it('filters by name as a case-insensitive substring (≤255 characters)', async () => {
			expect((await list('name=GOLDEN%20questions')).map((task) => task.name)).toEqual([
				'Golden Questions Relevance',
				'Golden Questions Hallucination',
				'Golden Questions JSON Format',
			]);
			expectProblem(await ctx.api.get(`/v2/tasks?name=${'n'.repeat(256)}`), 400, /name/);
		});

		it('filters by space_id and space_name; an unknown space_id is 404', async () => {
			expect(await list(`space_id=${enc(SEED.spaceId)}`)).toHaveLength(12);
			expect(await list('space_name=production%20EVALS')).toHaveLength(12);
			expect(await list('space_name=other')).toHaveLength(0);
			expectProblem(await ctx.api.get('/v2/tasks?space_id=U3BhY2U6OTk5OTk='), 404, /Space/);
			expectProblem(await ctx.api.get(`/v2/tasks?space_name=${'s'.repeat(256)}`), 400, /space_name/);
		});
	});

	describe('DELETE /v2/tasks/{id}', () => {
		it('answers 204 without a body and deletes the runs too', async () => {
			const taskId = SEED.taskIds.chatbotJsonFormat;
			const runs = (await ctx.api.get(`/v2/tasks/${enc(taskId)}/runs`)).body.task_runs;
			expect(runs.length).toBeGreaterThan(0);
			const response = await ctx.api.delete(`/v2/tasks/${enc(taskId)}`);
			expect(response.status).toBe(204);
			expect(response.text).toBe('');
			expect(response.headers.get('content-type')).toBeNull();
			expectProblem(await ctx.api.get(`/v2/tasks/${enc(taskId)}`), 404);
			expectProblem(await ctx.api.get(`/v2/task-runs/${enc(runs[0].id)}`), 404);
			expectProblem(await ctx.api.delete(`/v2/tasks/${enc(taskId)}`), 404);
		});
	});
});
