import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { ArizeTasks } from '../../nodes/ArizeTasks/ArizeTasks.node';
import { SEED } from '../../sandbox/seed.ts';
import { credentialTypes, searchList, summary, useArize } from '../arize';
import { runLoadOptions } from '../harness';

const arize = useArize();

const loadOptions = (method: string, parameters?: INodeParameters, path?: string, credentials = arize.credentials) =>
	runLoadOptions({ nodeType: new ArizeTasks(), credentialTypes, credentials, method, parameters, path });

function addDatasets(count: number) {
	for (let i = 1; i <= count; i++) {
		const id = arize.sandbox.store.nextId('Dataset');
		const created_at = new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString();
		arize.sandbox.store.datasets.set(id, {
			id,
			name: `regression-set-${String(i).padStart(3, '0')}`,
			space_id: SEED.spaceId,
			created_at,
			updated_at: created_at,
			versions: [],
			examples: [],
		});
	}
}

describe('List searches (resource locators)', () => {
	it('searchTasks: sends the typed text as the name filter and names each task with its type and the end of its ID (the list shows names only)', async () => {
		const result = await searchList(arize.credentials, 'searchTasks', ' golden ');
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{ method: 'GET', path: '/v2/tasks', query: { name: 'golden', limit: '100' } },
		]);
		expect(result).toEqual({
			results: [
				{ name: 'Golden Questions Relevance (Template Evaluation · …qTiZ0=)', value: 'VGFzazo0MDIwNTqTiZ0=', description: undefined },
				{ name: 'Golden Questions Hallucination (Template Evaluation · …oly+Y=)', value: 'VGFzazo0MDIwNjoly+Y=', description: undefined },
				{ name: 'Golden Questions JSON Format (Code Evaluation · …rfOZE=)', value: 'VGFzazo0MDIwODrfOZE=', description: undefined },
			],
			paginationToken: undefined,
		});
	});

	it('searchTasks: labels the types the same when Arize answers in lowercase', async () => {
		arize.sandbox.setLowercaseEnums(true);
		const { results } = await searchList(arize.credentials, 'searchTasks', 'judge');
		expect(results).toEqual([
			{ name: 'Answer correctness judge (Sonnet) (Run Experiment · …rJu/8=)', value: SEED.taskIds.answerCorrectnessJudge, description: undefined },
		]);
	});

	it('searchTasks: one request per page, following the pagination token', async () => {
		arize.sandbox.store.tasks.clear();
		arize.sandbox.store.addTasks(130, { name: 'Nightly' });
		const first = await searchList(arize.credentials, 'searchTasks', 'nightly');
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toEqual(expect.any(String));
		expect(arize.sandbox.requests).toHaveLength(1);

		const second = await searchList(arize.credentials, 'searchTasks', 'nightly', first.paginationToken as string);
		expect(second.results).toHaveLength(30);
		expect(second.paginationToken).toBeUndefined();
		expect(arize.sandbox.requests.map((request) => request.query)).toEqual([
			{ name: 'nightly', limit: '100' },
			{ name: 'nightly', limit: '100', cursor: first.paginationToken },
		]);
		const names = [...first.results, ...second.results].map((entry) => entry.name);
		expect(new Set(names).size).toBe(130);
		expect(names[0]).toMatch(/^Nightly 0001 \(Template Evaluation · …[A-Za-z0-9+/=]{6}\)$/);
	});

	it('searchTasks: same-name tasks are told apart by as much of the ID end as it takes', async () => {
		arize.sandbox.store.tasks.clear();
		// base64 of Task:12345 and Task:22345: the last 8 characters are the same, the 9th from the end differs.
		const ids = ['VGFzazoxMjM0NQ==', 'VGFzazoyMjM0NQ==', 'VGFzazozMzM0NjQ='];
		for (const [i, id] of ids.entries()) {
			arize.sandbox.store.addTask({
				id,
				name: 'Nightly check',
				type: i === 2 ? 'RUN_EXPERIMENT' : 'TEMPLATE_EVALUATION',
				...(i === 2
					? { dataset_id: SEED.datasetId, run_configuration: { experiment_type: 'LLM_GENERATION', ai_integration_id: SEED.aiIntegrationIds.openai, input_variable_format: 'F_STRING', messages: [{ role: 'USER', content: '{q}' }] } }
					: { project_id: SEED.projectIds.supportChatbot, evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination }] }),
			} as never);
		}
		arize.sandbox.store.addTasks(1, { name: 'Other' });
		const { results } = await searchList(arize.credentials, 'searchTasks');
		expect(results.map((entry) => entry.name)).toEqual([
			'Nightly check (Template Evaluation · …xMjM0NQ==)',
			'Nightly check (Template Evaluation · …yMjM0NQ==)',
			'Nightly check (Run Experiment · …M0NjQ=)',
			expect.stringMatching(/^Other 0001 \(Template Evaluation · …[A-Za-z0-9+/=]{6}\)$/),
		]);
	});

	it('searchProjects: filtered by the typed text; no filter lists all', async () => {
		const filtered = await searchList(arize.credentials, 'searchProjects', 'RAG');
		expect(filtered).toEqual({
			results: [{ name: 'rag-search', value: SEED.projectIds.ragSearch, description: undefined }],
			paginationToken: undefined,
		});
		const all = await searchList(arize.credentials, 'searchProjects');
		expect(all.results.map((entry) => entry.value)).toEqual([SEED.projectIds.supportChatbot, SEED.projectIds.ragSearch]);
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{ method: 'GET', path: '/v2/projects', query: { name: 'RAG', limit: '100' } },
			{ method: 'GET', path: '/v2/projects', query: { limit: '100' } },
		]);
	});

	it('searchDatasets: filtered by the typed text, newest first, one request per page', async () => {
		addDatasets(120);
		const first = await searchList(arize.credentials, 'searchDatasets', 'regression');
		expect(first.results).toHaveLength(100);
		expect(first.results[0]).toEqual({ name: 'regression-set-120', value: expect.any(String), description: undefined });
		const second = await searchList(arize.credentials, 'searchDatasets', 'regression', first.paginationToken as string);
		expect(second.results.map((entry) => entry.name)).toEqual(
			Array.from({ length: 20 }, (_, i) => `regression-set-${String(20 - i).padStart(3, '0')}`),
		);
		expect(second.paginationToken).toBeUndefined();
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{ method: 'GET', path: '/v2/datasets', query: { name: 'regression', limit: '100' } },
			{ method: 'GET', path: '/v2/datasets', query: { name: 'regression', limit: '100', cursor: first.paginationToken } },
		]);

		arize.sandbox.clearRequests();
		const golden = await searchList(arize.credentials, 'searchDatasets', 'golden');
		expect(golden.results).toEqual([{ name: 'golden-questions', value: SEED.datasetId, description: undefined }]);
	});

	it("surfaces Arize's error to the editor (a wrong key)", async () => {
		const credentials = { arizeApi: { ...arize.credentials.arizeApi, apiKey: 'not-a-key' } };
		await expect(searchList(credentials, 'searchProjects')).rejects.toThrow(/\[HTTP 401\]$/);
	});
});

describe('Load options (dropdowns)', () => {
	it('getEvaluators: every evaluator, most recently updated first, with its type and description', async () => {
		const options = await loadOptions('getEvaluators', {}, 'parameters.evaluators.evaluator[0].evaluatorId');
		expect(arize.sandbox.requests.map(summary)).toEqual([{ method: 'GET', path: '/v2/evaluators', query: { limit: '100' } }]);
		expect(options).toEqual([
			{
				name: 'JSON Format Check',
				value: SEED.evaluatorIds.jsonFormat,
				description: 'CODE evaluator · Python check that the output parses as JSON and matches the reply schema.',
			},
			{
				name: 'Hallucination Eval',
				value: SEED.evaluatorIds.hallucination,
				description: 'TEMPLATE evaluator · LLM judge: is the answer supported by the retrieved context?',
			},
			{
				name: 'Relevance Eval',
				value: SEED.evaluatorIds.relevance,
				description: 'TEMPLATE evaluator · LLM judge: does the answer address the question?',
			},
			{
				name: 'Answer Correctness (harness)',
				value: SEED.evaluatorIds.answerCorrectness,
				description: 'HARNESS evaluator · Compares answers with expected_answer from the golden set.',
			},
		]);
	});

	it('getEvaluators for a Template Evaluation task: only TEMPLATE evaluators, each with the variables its latest template expects', async () => {
		const options = await loadOptions(
			'getEvaluators',
			{ resource: 'task', operation: 'create', taskType: 'TEMPLATE_EVALUATION' },
			'parameters.evaluators.evaluator[0].evaluatorId',
		);
		expect(options).toEqual([
			{
				name: 'Hallucination Eval',
				value: SEED.evaluatorIds.hallucination,
				description:
					'TEMPLATE evaluator · expects {input}, {reference}, {output} · LLM judge: is the answer supported by the retrieved context?',
			},
			{
				name: 'Relevance Eval',
				value: SEED.evaluatorIds.relevance,
				description: 'TEMPLATE evaluator · expects {input}, {output} · LLM judge: does the answer address the question?',
			},
		]);
		expect(arize.sandbox.requests.map(summary)).toEqual(
			expect.arrayContaining([
				{ method: 'GET', path: '/v2/evaluators', query: { limit: '100' } },
				{ method: 'GET', path: `/v2/evaluators/${encodeURIComponent(SEED.evaluatorIds.hallucination)}`, query: {} },
				{ method: 'GET', path: `/v2/evaluators/${encodeURIComponent(SEED.evaluatorIds.relevance)}`, query: {} },
			]),
		);
		expect(arize.sandbox.requests).toHaveLength(3);
	});

	it('getEvaluators for a Code Evaluation task (Update): only CODE evaluators, and no template to read', async () => {
		const options = await loadOptions(
			'getEvaluators',
			{ resource: 'task', operation: 'update', taskType: 'CODE_EVALUATION', replaceEvaluators: true },
			'parameters.evaluators.evaluator[0].evaluatorId',
		);
		expect(options).toEqual([
			{
				name: 'JSON Format Check',
				value: SEED.evaluatorIds.jsonFormat,
				description: 'CODE evaluator · Python check that the output parses as JSON and matches the reply schema.',
			},
		]);
		expect(arize.sandbox.requests.map(summary)).toEqual([{ method: 'GET', path: '/v2/evaluators', query: { limit: '100' } }]);
	});

	it('getEvaluators: an evaluator whose template cannot be read is listed without variables', async () => {
		arize.sandbox.faults.inject({ kind: 'malformed-json' }, { path: `/v2/evaluators/${encodeURIComponent(SEED.evaluatorIds.relevance)}` });
		const options = await loadOptions('getEvaluators', { resource: 'task', operation: 'create', taskType: 'TEMPLATE_EVALUATION' });
		expect(options.map((option) => option.description)).toEqual([
			'TEMPLATE evaluator · expects {input}, {reference}, {output} · LLM judge: is the answer supported by the retrieved context?',
			'TEMPLATE evaluator · LLM judge: does the answer address the question?',
		]);
	});

	it('getEvaluators: reads every page (n8n loads a dropdown whole)', async () => {
		for (let i = 0; i < 150; i++) {
			const id = arize.sandbox.store.nextId('Evaluator');
			arize.sandbox.store.evaluators.set(id, {
				id,
				name: `Custom eval ${i}`,
				type: 'CODE',
				description: '',
				space_id: SEED.spaceId,
				created_at: '2025-01-01T00:00:00.000Z',
				updated_at: '2025-01-01T00:00:00.000Z',
				versions: [],
			} as never);
		}
		const options = await loadOptions('getEvaluators');
		expect(options).toHaveLength(154);
		expect(new Set(options.map((option) => option.value)).size).toBe(154);
		expect(options.find((option) => option.name === 'Custom eval 7')?.description).toBe('CODE evaluator');
		expect(arize.sandbox.requests.map((request) => request.query)).toEqual([
			{ limit: '100' },
			{ limit: '100', cursor: expect.any(String) },
		]);
	});

	describe('getDatasetExperiments (depends on the Dataset parameter)', () => {
		const createOnDataset = (datasetId: IDataObject | undefined): INodeParameters => ({
			resource: 'task',
			operation: 'create',
			taskType: 'TEMPLATE_EVALUATION',
			dataSource: 'dataset',
			...(datasetId && { datasetId: datasetId as INodeParameters[string] }),
		});
		const experiments = [
			{ name: 'baseline-gpt-4o', value: SEED.experimentIds.baselineGpt4o },
			{ name: 'answer-correctness-sonnet', value: SEED.experimentIds.answerCorrectnessSonnet },
			{ name: 'gpt-4.1-mini-prompt-v3', value: SEED.experimentIds.gpt41MiniPromptV3 },
		];

		it.each([
			['picked from the list', { __rl: true, mode: 'list', value: SEED.datasetId, cachedResultName: 'golden-questions' }],
			['given by ID', { __rl: true, mode: 'id', value: SEED.datasetId }],
		])('lists the experiments of the dataset %s', async (_mode, datasetId) => {
			const options = await loadOptions('getDatasetExperiments', createOnDataset(datasetId), 'parameters.experimentIds');
			expect(options).toEqual(experiments.map((experiment) => ({ ...experiment, description: undefined })));
			expect(arize.sandbox.requests.map(summary)).toEqual([
				{ method: 'GET', path: '/v2/experiments', query: { dataset_id: SEED.datasetId, limit: '100' } },
			]);
		});

		it('only lists experiments of that dataset', async () => {
			const otherDataset = arize.sandbox.store.nextId('Dataset');
			arize.sandbox.store.datasets.set(otherDataset, {
				...arize.sandbox.store.datasets.get(SEED.datasetId)!,
				id: otherDataset,
				name: 'other',
			});
			const experimentId = arize.sandbox.store.nextId('Experiment');
			arize.sandbox.store.experiments.set(experimentId, {
				id: experimentId,
				name: 'other-experiment',
				dataset_id: otherDataset,
				dataset_version_id: null,
				space_id: SEED.spaceId,
				created_at: '2026-01-01T00:00:00.000Z',
			});
			const options = await loadOptions('getDatasetExperiments', createOnDataset({ __rl: true, mode: 'id', value: otherDataset }));
			expect(options).toEqual([{ name: 'other-experiment', value: experimentId, description: undefined }]);
		});

		it('lists nothing, and asks nothing, while no dataset is chosen', async () => {
			const options = await loadOptions('getDatasetExperiments', createOnDataset(undefined), 'parameters.experimentIds');
			expect(options).toEqual([]);
			expect(arize.sandbox.requests).toEqual([]);
		});
	});

	it('searchAiIntegrations: each LLM integration with its provider and first three models, filtered by name', async () => {
		const all = await searchList(arize.credentials, 'searchAiIntegrations');
		expect(all).toEqual({
			results: [
				{ name: 'OpenAI Production', value: SEED.aiIntegrationIds.openai, description: 'OPEN_AI · gpt-4o · gpt-4o-mini · gpt-4.1' },
				{
					name: 'Anthropic',
					value: SEED.aiIntegrationIds.anthropic,
					description: 'ANTHROPIC · claude-sonnet-4-5 · claude-haiku-4-5 · claude-opus-4-1',
				},
			],
			paginationToken: undefined,
		});
		const filtered = await searchList(arize.credentials, 'searchAiIntegrations', 'anthro');
		expect(filtered.results.map((result) => result.value)).toEqual([SEED.aiIntegrationIds.anthropic]);
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{ method: 'GET', path: '/v2/ai-integrations', query: { limit: '100' } },
			{ method: 'GET', path: '/v2/ai-integrations', query: { name: 'anthro', limit: '100' } },
		]);
	});

	it('searchAgentIntegrations: asks for type AGENT (the list requires a type) and lists the agents only', async () => {
		const result = await searchList(arize.credentials, 'searchAgentIntegrations');
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{ method: 'GET', path: '/v2/integrations', query: { type: 'AGENT', limit: '100' } },
		]);
		expect(result.results).toEqual([
			{
				name: 'Support Agent (staging)',
				value: SEED.agentIntegrationId,
				description: 'LangGraph support agent behind the staging gateway; accepts {"message": string, "session": object}.',
			},
		]);
	});

	it("surfaces Arize's error to the editor", async () => {
		arize.sandbox.faults.inject({ status: 429, retryAfter: 0 }, { times: 6 });
		const error = await loadOptions('getEvaluators').catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toBe(
			'Too many requests. Retry after the number of seconds in the Retry-After header. [HTTP 429]',
		);
		expect(arize.sandbox.requests).toHaveLength(6);
	});
});
