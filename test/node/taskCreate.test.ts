import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { createTaskProblem } from '../../nodes/ArizeTasks/helpers/rules';
import { SEED } from '../../sandbox/seed.ts';
import { API_KEY, missingParameterText, runTasksNode, useArize } from '../arize';

const arize = useArize();

const rl = (value: string, mode: 'list' | 'id' = 'list') => ({ __rl: true, mode, value });

const create = (parameters: IDataObject, options: Parameters<typeof runTasksNode>[2] = {}) =>
	runTasksNode(arize.credentials, { resource: 'task', operation: 'create', ...parameters }, options);

/** The bodies of the requests the node sent, in order. */
const sentBodies = () => arize.sandbox.requests.map((request) => request.body);

/** The sandbox's own answer for a task, to compare node output with (its request is not recorded). */
async function apiTask(id: string) {
	const response = await fetch(`${arize.sandbox.url}/v2/tasks/${encodeURIComponent(id)}`, {
		headers: { authorization: `Bearer ${API_KEY}` },
	});
	arize.sandbox.clearRequests();
	return (await response.json()) as IDataObject;
}

const E = SEED.evaluatorIds;
const X = SEED.experimentIds;

const projectTask = {
	name: 'Checkout hallucination',
	taskType: 'TEMPLATE_EVALUATION',
	dataSource: 'project',
	projectId: rl(SEED.projectIds.supportChatbot),
};

const datasetTask = {
	name: 'Golden JSON format',
	taskType: 'CODE_EVALUATION',
	dataSource: 'dataset',
	datasetId: rl(SEED.datasetId),
	experimentIds: [X.baselineGpt4o, X.gpt41MiniPromptV3],
	evaluators: { evaluator: [{ evaluatorId: E.jsonFormat }] },
};

const runExperimentTask = { name: 'Prompt v4', taskType: 'RUN_EXPERIMENT', datasetId: rl(SEED.datasetId) };

describe('Task → Create: evaluation task on a project', () => {
	it('sends every field of the form and outputs the created task', async () => {
		const { items, error } = await create({
			...projectTask,
			name: '  Checkout hallucination  ',
			evaluators: {
				evaluator: [
					{
						evaluatorId: E.hallucination,
						columnMappings: {
							pair: [
								{ key: 'input', value: 'attributes.input.value' },
								{ key: ' output ', value: 'attributes.output.value' },
								{ key: '', value: 'ignored: a row without a template variable' },
							],
						},
						versionId: ` ${SEED.evaluatorVersionIds.hallucination[1]} `,
					},
					{ evaluatorId: E.relevance, queryFilter: " attributes.llm.model_name = 'gpt-4o' " },
				],
			},
			options: { samplingRate: 0.25, isContinuous: true, queryFilter: " metadata.environment = 'production' " },
		});

		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map(({ method, path }) => ({ method, path }))).toEqual([
			{ method: 'POST', path: '/v2/tasks' },
		]);
		expect(sentBodies()).toEqual([
			{
				type: 'TEMPLATE_EVALUATION',
				name: 'Checkout hallucination',
				project_id: SEED.projectIds.supportChatbot,
				sampling_rate: 0.25,
				is_continuous: true,
				query_filter: "metadata.environment = 'production'",
				evaluators: [
					{
						evaluator_id: E.hallucination,
						column_mappings: { input: 'attributes.input.value', output: 'attributes.output.value' },
						evaluator_version_id: SEED.evaluatorVersionIds.hallucination[1],
					},
					{ evaluator_id: E.relevance, query_filter: "attributes.llm.model_name = 'gpt-4o'" },
				],
			},
		]);
		expect(arize.sandbox.requests[0].headers['content-type']).toContain('application/json');

		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		const task = items[0].json;
		expect(task).toEqual({
			id: expect.any(String),
			name: 'Checkout hallucination',
			type: 'TEMPLATE_EVALUATION',
			project_id: SEED.projectIds.supportChatbot,
			dataset_id: null,
			sampling_rate: 0.25,
			is_continuous: true,
			query_filter: "metadata.environment = 'production'",
			evaluators: [
				{
					evaluator_id: E.hallucination,
					evaluator_name: 'Hallucination Eval',
					query_filter: null,
					column_mappings: { input: 'attributes.input.value', output: 'attributes.output.value' },
					evaluator_version_id: SEED.evaluatorVersionIds.hallucination[1],
				},
				{
					evaluator_id: E.relevance,
					evaluator_name: 'Relevance Eval',
					query_filter: "attributes.llm.model_name = 'gpt-4o'",
					column_mappings: null,
					evaluator_version_id: null,
				},
			],
			experiment_ids: [],
			run_configuration: null,
			last_run_at: null,
			created_at: expect.any(String),
			updated_at: expect.any(String),
			created_by_user_id: SEED.userId,
		});
		// The output is the task as Arize stored it, nothing added or dropped.
		expect(task).toEqual(await apiTask(task.id as string));
	});

	it('leaves out the options that were not added, and blank per-evaluator fields', async () => {
		const { items, error } = await create({
			...projectTask,
			taskType: 'CODE_EVALUATION',
			evaluators: { evaluator: [{ evaluatorId: E.jsonFormat, columnMappings: {}, queryFilter: '  ', versionId: '' }] },
		});

		expect(error).toBeUndefined();
		expect(sentBodies()).toEqual([
			{
				type: 'CODE_EVALUATION',
				name: 'Checkout hallucination',
				project_id: SEED.projectIds.supportChatbot,
				evaluators: [{ evaluator_id: E.jsonFormat }],
			},
		]);
		// What Arize fills in for what was left out (the sandbox: all data, not continuous, no filter).
		expect(items[0].json).toMatchObject({ type: 'CODE_EVALUATION', sampling_rate: 1, is_continuous: false, query_filter: null });
	});

	it('sends a sampling rate given as text by an expression as a number', async () => {
		const { error } = await create(
			{
				...projectTask,
				evaluators: { evaluator: [{ evaluatorId: E.relevance }] },
				options: { samplingRate: '={{ $json.rate }}' },
			},
			{ input: [{ rate: '0.25' }] },
		);
		expect(error).toBeUndefined();
		expect((sentBodies()[0] as IDataObject).sampling_rate).toBe(0.25);
	});

	it('sends Run Continuously given as text ("TRUE") by an expression as a boolean', async () => {
		const { error } = await create(
			{
				...projectTask,
				evaluators: { evaluator: [{ evaluatorId: E.relevance }] },
				options: { isContinuous: '={{ $json.continuous }}' },
			},
			{ input: [{ continuous: 'TRUE' }] },
		);
		expect(error).toBeUndefined();
		expect((sentBodies()[0] as IDataObject).is_continuous).toBe(true);
	});

	it('outputs UPPERCASE enums when Arize answers in lowercase', async () => {
		arize.sandbox.setLowercaseEnums(true);
		const { items } = await create({ ...projectTask, evaluators: { evaluator: [{ evaluatorId: E.relevance }] } });
		expect(items[0].json.type).toBe('TEMPLATE_EVALUATION');
		expect((await apiTask(items[0].json.id as string)).type).toBe('template_evaluation');
	});
});

describe('Task → Create: evaluation task on a dataset', () => {
	it('sends the dataset and the chosen experiments', async () => {
		const { items, error } = await create(datasetTask);

		expect(error).toBeUndefined();
		expect(sentBodies()).toEqual([
			{
				type: 'CODE_EVALUATION',
				name: 'Golden JSON format',
				dataset_id: SEED.datasetId,
				experiment_ids: [X.baselineGpt4o, X.gpt41MiniPromptV3],
				evaluators: [{ evaluator_id: E.jsonFormat }],
			},
		]);
		expect(items[0].json).toEqual({
			id: expect.any(String),
			name: 'Golden JSON format',
			type: 'CODE_EVALUATION',
			project_id: null,
			dataset_id: SEED.datasetId,
			sampling_rate: null,
			is_continuous: false,
			query_filter: null,
			evaluators: [
				{
					evaluator_id: E.jsonFormat,
					evaluator_name: 'JSON Format Check',
					query_filter: null,
					column_mappings: null,
					evaluator_version_id: null,
				},
			],
			experiment_ids: [X.baselineGpt4o, X.gpt41MiniPromptV3],
			run_configuration: null,
			last_run_at: null,
			created_at: expect.any(String),
			updated_at: expect.any(String),
			created_by_user_id: SEED.userId,
		});
	});

	it('takes the dataset by ID and experiment IDs from an expression as comma-separated text', async () => {
		const { error } = await create(
			{ ...datasetTask, datasetId: rl('={{ $json.dataset }}', 'id'), experimentIds: '={{ $json.experiments }}' },
			{ input: [{ dataset: SEED.datasetId, experiments: ` ${X.answerCorrectnessSonnet} ,\n${X.gpt41MiniPromptV3},` }] },
		);
		expect(error).toBeUndefined();
		expect(sentBodies()).toEqual([
			expect.objectContaining({
				dataset_id: SEED.datasetId,
				experiment_ids: [X.answerCorrectnessSonnet, X.gpt41MiniPromptV3],
			}),
		]);
	});

	it('never sends project-only options for a dataset task (n8n drops the hidden options)', async () => {
		// Set while the data source was Project, then switched to Dataset: the editor hides them and n8n drops them.
		const { error } = await create({ ...datasetTask, options: { samplingRate: 0.5, isContinuous: true, queryFilter: "output != ''" } });
		expect(error).toBeUndefined();
		expect(sentBodies()).toEqual([
			{
				type: 'CODE_EVALUATION',
				name: 'Golden JSON format',
				dataset_id: SEED.datasetId,
				experiment_ids: [X.baselineGpt4o, X.gpt41MiniPromptV3],
				query_filter: "output != ''",
				evaluators: [{ evaluator_id: E.jsonFormat }],
			},
		]);
	});
});

describe('Task → Create: Run Experiment task, field by field', () => {
	it('LLM Generation: integration, model, messages in order, variable format and invocation parameters', async () => {
		const { items, error } = await create({
			...runExperimentTask,
			experimentType: 'LLM_GENERATION',
			aiIntegrationId: { __rl: true, mode: 'list', value: SEED.aiIntegrationIds.openai },
			modelName: ' gpt-4.1-mini ',
			messages: {
				message: [
					{ role: 'SYSTEM', content: 'You are a concise support assistant.' },
					{ role: 'USER', content: 'Question: {{question}}' },
				],
			},
			inputVariableFormat: 'MUSTACHE',
			invocationParameters: '{ "temperature": 0.2, "max_tokens": 256 }',
		});

		expect(error).toBeUndefined();
		const runConfiguration = {
			experiment_type: 'LLM_GENERATION',
			ai_integration_id: SEED.aiIntegrationIds.openai,
			model_name: 'gpt-4.1-mini',
			invocation_parameters: { temperature: 0.2, max_tokens: 256 },
			messages: [
				{ role: 'SYSTEM', content: 'You are a concise support assistant.' },
				{ role: 'USER', content: 'Question: {{question}}' },
			],
			input_variable_format: 'MUSTACHE',
		};
		expect(sentBodies()).toEqual([
			{ type: 'RUN_EXPERIMENT', name: 'Prompt v4', dataset_id: SEED.datasetId, run_configuration: runConfiguration },
		]);
		expect(items[0].json).toEqual({
			id: expect.any(String),
			name: 'Prompt v4',
			type: 'RUN_EXPERIMENT',
			project_id: null,
			dataset_id: SEED.datasetId,
			sampling_rate: null,
			is_continuous: false,
			query_filter: null,
			evaluators: [],
			experiment_ids: [],
			// Arize stores provider_parameters as {} when none are sent.
			run_configuration: { ...runConfiguration, provider_parameters: {} },
			last_run_at: null,
			created_at: expect.any(String),
			updated_at: expect.any(String),
			created_by_user_id: SEED.userId,
		});
	});

	it('LLM Generation with the defaults: F-String and no invocation parameters', async () => {
		const { error } = await create({
			...runExperimentTask,
			aiIntegrationId: { __rl: true, mode: 'list', value: SEED.aiIntegrationIds.anthropic },
			messages: { message: [{ role: 'USER', content: '{question}' }] },
		});
		expect(error).toBeUndefined();
		expect((sentBodies()[0] as IDataObject).run_configuration).toEqual({
			experiment_type: 'LLM_GENERATION',
			ai_integration_id: SEED.aiIntegrationIds.anthropic,
			messages: [{ role: 'USER', content: '{question}' }],
			input_variable_format: 'F_STRING',
		});
	});

	it('Template Evaluation: template, choices with scores, explanation and column mapping (singular)', async () => {
		const template = 'Question: {{question}}\nAnswer: {{answer}}\nReply "correct" or "incorrect".';
		const { items, error } = await create({
			...runExperimentTask,
			experimentType: 'TEMPLATE_EVALUATION',
			aiIntegrationId: { __rl: true, mode: 'list', value: SEED.aiIntegrationIds.anthropic },
			modelName: 'claude-sonnet-4-5',
			template,
			classificationChoices: {
				choice: [
					{ label: 'correct', score: 1 },
					{ label: ' incorrect ', score: 0 },
					{ label: '', score: 5 },
				],
			},
			provideExplanation: false,
			templateColumnMapping: {
				pair: [
					{ key: 'question', value: 'question' },
					{ key: 'answer', value: 'output' },
				],
			},
		});

		expect(error).toBeUndefined();
		const runConfiguration = {
			experiment_type: 'TEMPLATE_EVALUATION',
			ai_integration_id: SEED.aiIntegrationIds.anthropic,
			model_name: 'claude-sonnet-4-5',
			template,
			provide_explanation: false,
			classification_choices: { correct: 1, incorrect: 0 },
			column_mapping: { question: 'question', answer: 'output' },
		};
		expect(sentBodies()).toEqual([
			{ type: 'RUN_EXPERIMENT', name: 'Prompt v4', dataset_id: SEED.datasetId, run_configuration: runConfiguration },
		]);
		expect(items[0].json.run_configuration).toEqual({ ...runConfiguration, provider_parameters: {} });
	});

	it('Agent Call: the agent integration and the input template as an object', async () => {
		const { items, error } = await create({
			...runExperimentTask,
			experimentType: 'AGENT_CALL',
			agentIntegrationId: { __rl: true, mode: 'list', value: SEED.agentIntegrationId },
			inputTemplate: '{ "message": "{{question}}", "session": { "channel": "n8n" } }',
		});

		expect(error).toBeUndefined();
		const runConfiguration = {
			experiment_type: 'AGENT_CALL',
			integration_id: SEED.agentIntegrationId,
			input_template: { message: '{{question}}', session: { channel: 'n8n' } },
		};
		expect(sentBodies()).toEqual([
			{ type: 'RUN_EXPERIMENT', name: 'Prompt v4', dataset_id: SEED.datasetId, run_configuration: runConfiguration },
		]);
		expect(items[0].json.run_configuration).toEqual(runConfiguration);
		expect(items[0].json).toEqual(await apiTask(items[0].json.id as string));
	});

	it('outputs the run configuration enums in UPPERCASE when Arize answers in lowercase', async () => {
		arize.sandbox.setLowercaseEnums(true);
		const { items } = await create({
			...runExperimentTask,
			aiIntegrationId: { __rl: true, mode: 'list', value: SEED.aiIntegrationIds.openai },
			messages: { message: [{ role: 'SYSTEM', content: 'Be brief.' }, { role: 'USER', content: '{question}' }] },
		});
		expect(items[0].json).toMatchObject({
			type: 'RUN_EXPERIMENT',
			run_configuration: {
				experiment_type: 'LLM_GENERATION',
				input_variable_format: 'F_STRING',
				messages: [
					{ role: 'SYSTEM', content: 'Be brief.' },
					{ role: 'USER', content: '{question}' },
				],
			},
		});
	});
});

describe('Task → Create: JSON fields', () => {
	const evaluatorsJson = [
		{ evaluator_id: E.relevance, column_mappings: { input: 'attributes.input.value' }, query_filter: "status = 'ok'" },
		{ evaluator_id: E.hallucination, evaluator_version_id: SEED.evaluatorVersionIds.hallucination[0] },
	];

	it('sends evaluators written as JSON exactly as written', async () => {
		const { items, error } = await create({
			...projectTask,
			evaluatorsInput: 'json',
			evaluatorsJson: JSON.stringify(evaluatorsJson, null, 2),
		});
		expect(error).toBeUndefined();
		expect(sentBodies()).toEqual([
			{ type: 'TEMPLATE_EVALUATION', name: 'Checkout hallucination', project_id: SEED.projectIds.supportChatbot, evaluators: evaluatorsJson },
		]);
		expect((items[0].json.evaluators as IDataObject[]).map((evaluator) => evaluator.evaluator_name)).toEqual([
			'Relevance Eval',
			'Hallucination Eval',
		]);
	});

	it('takes evaluators per item from an expression that builds JSON text', async () => {
		const { items, error } = await create(
			{ ...projectTask, name: '={{ $json.name }}', evaluatorsInput: 'json', evaluatorsJson: '={{ JSON.stringify($json.evaluators) }}' },
			{
				input: [
					{ name: 'First', evaluators: [evaluatorsJson[0]] },
					{ name: 'Second', evaluators: evaluatorsJson },
				],
			},
		);
		expect(error).toBeUndefined();
		expect(sentBodies().map((body) => (body as IDataObject).evaluators)).toEqual([[evaluatorsJson[0]], evaluatorsJson]);
		expect(items.map((item) => [item.json.name, item.pairedItem])).toEqual([
			['First', { item: 0 }],
			['Second', { item: 1 }],
		]);
	});

	it('takes evaluators from an expression that returns the list itself', async () => {
		const { error } = await create(
			{ ...projectTask, evaluatorsInput: 'json', evaluatorsJson: '={{ $json.evaluators }}' },
			{ input: [{ evaluators: evaluatorsJson }] },
		);
		expect(error).toBeUndefined();
		expect((sentBodies()[0] as IDataObject).evaluators).toEqual(evaluatorsJson);
	});

	it("takes the evaluators of a Task → Get as they are (read form): sends them without evaluator_name and null keys", async () => {
		const read = await runTasksNode(arize.credentials, {
			resource: 'task',
			operation: 'get',
			taskId: rl(SEED.taskIds.chatbotRelevanceSample, 'id'),
		});
		expect(read.items[0].json.evaluators).toEqual([
			{
				evaluator_id: E.relevance,
				evaluator_name: 'Relevance Eval',
				query_filter: "attributes.llm.model_name = 'gpt-4o'",
				column_mappings: { input: 'attributes.input.value', output: 'attributes.output.value' },
				evaluator_version_id: null,
			},
			{
				evaluator_id: E.hallucination,
				evaluator_name: 'Hallucination Eval',
				query_filter: null,
				column_mappings: null,
				evaluator_version_id: SEED.evaluatorVersionIds.hallucination[1],
			},
		]);
		arize.sandbox.clearRequests();

		const { items, error } = await create(
			{ ...projectTask, evaluatorsInput: 'json', evaluatorsJson: '={{ $json.evaluators }}' },
			{ input: [read.items[0].json] },
		);
		expect(error).toBeUndefined();
		expect(sentBodies()).toEqual([
			{
				type: 'TEMPLATE_EVALUATION',
				name: 'Checkout hallucination',
				project_id: SEED.projectIds.supportChatbot,
				evaluators: [
					{
						evaluator_id: E.relevance,
						query_filter: "attributes.llm.model_name = 'gpt-4o'",
						column_mappings: { input: 'attributes.input.value', output: 'attributes.output.value' },
					},
					{ evaluator_id: E.hallucination, evaluator_version_id: SEED.evaluatorVersionIds.hallucination[1] },
				],
			},
		]);
		expect(items[0].json.evaluators).toEqual(read.items[0].json.evaluators);
	});

	it('sends a run configuration written as JSON, with the experiment type in UPPERCASE', async () => {
		const config = {
			experiment_type: 'llm_generation',
			ai_integration_id: SEED.aiIntegrationIds.openai,
			input_variable_format: 'F_STRING',
			messages: [{ role: 'USER', content: '{question}' }],
			tool_config: { tools: [] },
		};
		const { items, error } = await create({
			...runExperimentTask,
			runConfigurationInput: 'json',
			runConfigurationJson: JSON.stringify(config),
		});
		expect(error).toBeUndefined();
		expect(sentBodies()).toEqual([
			{
				type: 'RUN_EXPERIMENT',
				name: 'Prompt v4',
				dataset_id: SEED.datasetId,
				run_configuration: { ...config, experiment_type: 'LLM_GENERATION' },
			},
		]);
		expect(items[0].json.run_configuration).toMatchObject({ experiment_type: 'LLM_GENERATION', tool_config: { tools: [] } });
	});

	it('takes a run configuration from an expression that returns an object', async () => {
		const config = {
			experiment_type: 'AGENT_CALL',
			integration_id: SEED.agentIntegrationId,
			input_template: { message: '{{question}}' },
		};
		const { error } = await create(
			{ ...runExperimentTask, runConfigurationInput: 'json', runConfigurationJson: '={{ $json.config }}' },
			{ input: [{ config }] },
		);
		expect(error).toBeUndefined();
		expect((sentBodies()[0] as IDataObject).run_configuration).toEqual(config);
	});

	it.each([
		['Evaluators (JSON)', { ...projectTask, evaluatorsInput: 'json', evaluatorsJson: '[{ "evaluator_id": }]' }],
		['Run Configuration (JSON)', { ...runExperimentTask, runConfigurationInput: 'json', runConfigurationJson: "{ experiment_type: 'AGENT_CALL' }" }],
		[
			'Input Template',
			{ ...runExperimentTask, experimentType: 'AGENT_CALL', agentIntegrationId: { __rl: true, mode: 'list', value: SEED.agentIntegrationId }, inputTemplate: '{ "message": {{question}} }' },
		],
		[
			'Invocation Parameters',
			{
				...runExperimentTask,
				aiIntegrationId: { __rl: true, mode: 'list', value: SEED.aiIntegrationIds.openai },
				messages: { message: [{ role: 'USER', content: '{question}' }] },
				invocationParameters: '{ "temperature": 0.2, }',
			},
		],
	])('names %s when it is not valid JSON, and sends nothing', async (label, parameters) => {
		const { error } = await create(parameters);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(`${label} is not valid JSON`);
		// The parser's own words, so the user can find the mistake.
		expect(error?.description).toMatch(/JSON/);
		expect(arize.sandbox.requests).toEqual([]);
	});

	it.each([
		[
			'Evaluators (JSON) must be a JSON list of evaluators',
			{ ...projectTask, evaluatorsInput: 'json', evaluatorsJson: JSON.stringify(evaluatorsJson[0]) },
		],
		[
			'Run Configuration (JSON) must be a JSON object',
			{ ...runExperimentTask, runConfigurationInput: 'json', runConfigurationJson: '[]' },
		],
		[
			'Input Template must be a JSON object',
			{ ...runExperimentTask, experimentType: 'AGENT_CALL', agentIntegrationId: { __rl: true, mode: 'list', value: SEED.agentIntegrationId }, inputTemplate: '"{{question}}"' },
		],
	])('refuses JSON of the wrong shape: %s', async (message, parameters) => {
		const { error } = await create(parameters);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(message);
		expect(arize.sandbox.requests).toEqual([]);
	});
});

describe('Task → Create: checks before sending', () => {
	const oneEvaluator = { evaluators: { evaluator: [{ evaluatorId: E.relevance }] } };

	it.each<[string, IDataObject, IDataObject[] | undefined, string]>([
		['an empty name', { ...projectTask, ...oneEvaluator, name: '={{ $json.name }}' }, [{ name: '   ' }], 'Name must not be empty'],
		[
			'no project',
			{ ...projectTask, ...oneEvaluator, projectId: rl('={{ $json.project }}', 'id') },
			[{ project: '' }],
			'Choose a Project or a Dataset as the data source',
		],
		[
			'a dataset task without experiments',
			{ ...datasetTask, experimentIds: '={{ $json.experiments }}' },
			[{ experiments: [] }],
			'Experiments: choose at least one experiment of the dataset to evaluate',
		],
		[
			'a sampling rate above 1',
			{ ...projectTask, ...oneEvaluator, options: { samplingRate: 1.5 } },
			undefined,
			'Sampling Rate must be a number between 0 and 1 (got 1.5)',
		],
		[
			'a sampling rate below 0',
			{ ...projectTask, ...oneEvaluator, options: { samplingRate: '={{ $json.rate }}' } },
			[{ rate: -0.1 }],
			'Sampling Rate must be a number between 0 and 1 (got -0.1)',
		],
		[
			'a sampling rate that is not a number',
			{ ...projectTask, ...oneEvaluator, options: { samplingRate: '={{ $json.rate }}' } },
			[{ rate: 'half' }],
			'Sampling Rate must be a number between 0 and 1 (got half)',
		],
		['no evaluators', { ...projectTask }, undefined, 'Evaluators: add at least one evaluator'],
		[
			'an empty evaluator list in JSON',
			{ ...projectTask, evaluatorsInput: 'json', evaluatorsJson: '[]' },
			undefined,
			'Evaluators: add at least one evaluator',
		],
		[
			'an evaluator without an ID',
			{ ...projectTask, evaluators: { evaluator: [{ evaluatorId: E.relevance }, { evaluatorId: '={{ $json.id }}' }] } },
			[{ id: '' }],
			'Evaluators: every evaluator needs an Evaluator (ID)',
		],
		[
			'the same evaluator twice',
			{ ...projectTask, evaluators: { evaluator: [{ evaluatorId: E.relevance }, { evaluatorId: E.hallucination }, { evaluatorId: ` ${E.relevance}` }] } },
			undefined,
			`Evaluators: evaluator ${E.relevance} is listed twice; each may appear once`,
		],
		[
			'the same evaluator twice in JSON',
			{ ...datasetTask, evaluatorsInput: 'json', evaluatorsJson: JSON.stringify([{ evaluator_id: E.jsonFormat }, { evaluator_id: E.jsonFormat }]) },
			undefined,
			`Evaluators: evaluator ${E.jsonFormat} is listed twice; each may appear once`,
		],
		[
			'a Run Experiment task without a dataset',
			{ ...runExperimentTask, datasetId: rl('={{ $json.dataset }}', 'id'), aiIntegrationId: { __rl: true, mode: 'list', value: SEED.aiIntegrationIds.openai }, messages: { message: [{ role: 'USER', content: 'x' }] } },
			[{ dataset: ' ' }],
			'Dataset is required for a Run Experiment task',
		],
		[
			'an LLM Generation without messages',
			{ ...runExperimentTask, aiIntegrationId: { __rl: true, mode: 'list', value: SEED.aiIntegrationIds.openai } },
			undefined,
			'Messages: add at least one message for an LLM Generation experiment',
		],
		[
			'an unknown experiment type in JSON',
			{ ...runExperimentTask, runConfigurationInput: 'json', runConfigurationJson: '{ "experiment_type": "CODE_CALL" }' },
			undefined,
			'Experiment Type must be LLM_GENERATION, TEMPLATE_EVALUATION or AGENT_CALL (got CODE_CALL)',
		],
	])('refuses %s with a message naming the field, and sends nothing', async (_case, parameters, input, message) => {
		const { items, error } = await create(parameters, { input });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(message);
		expect(items).toEqual([]);
		expect(arize.sandbox.requests).toEqual([]);
	});

	it('does not even start when the Name is left empty in the form (n8n refuses the workflow)', async () => {
		const { error } = await create({ ...projectTask, ...oneEvaluator, name: '' });
		expect(error?.name).toBe('WorkflowHasIssuesError');
		expect(error?.message).toContain(missingParameterText('Name'));
		expect(arize.sandbox.requests).toEqual([]);
	});

	// The form offers one data source at a time and hides the project-only options for a dataset task (n8n drops
	// them, see above), so these rules cannot be reached through the node; they guard the body all the same.
	describe('rules the form cannot reach (createTaskProblem)', () => {
		const evaluators = [{ evaluator_id: E.relevance }];
		it.each<[string, IDataObject, string]>([
			[
				'both a project and a dataset',
				{ type: 'TEMPLATE_EVALUATION', name: 'n', project_id: 'p', dataset_id: 'd', experiment_ids: ['x'], evaluators },
				'Choose either a Project or a Dataset as the data source, not both',
			],
			[
				'neither',
				{ type: 'CODE_EVALUATION', name: 'n', evaluators },
				'Choose a Project or a Dataset as the data source',
			],
			[
				'continuous on a dataset',
				{ type: 'TEMPLATE_EVALUATION', name: 'n', dataset_id: 'd', experiment_ids: ['x'], is_continuous: true, evaluators },
				'Run Continuously is only possible for a task on a project',
			],
			[
				'a sampling rate on a dataset',
				{ type: 'TEMPLATE_EVALUATION', name: 'n', dataset_id: 'd', experiment_ids: ['x'], sampling_rate: 0.5, evaluators },
				'Sampling Rate is only possible for a task on a project',
			],
			[
				'a project for a Run Experiment task',
				{ type: 'RUN_EXPERIMENT', name: 'n', project_id: 'p', dataset_id: 'd', run_configuration: {} },
				'A Run Experiment task runs on a dataset, not a project',
			],
		])('%s', (_case, body, message) => {
			expect(createTaskProblem(body)).toBe(message);
		});

		it('accepts continuous: false on a dataset (the API allows false)', () => {
			expect(
				createTaskProblem({ type: 'TEMPLATE_EVALUATION', name: 'n', dataset_id: 'd', experiment_ids: ['x'], is_continuous: false, evaluators }),
			).toBeUndefined();
		});
	});
});

describe('Task → Create: what Arize rejects', () => {
	it("surfaces an unknown evaluator (422) with Arize's detail and the status", async () => {
		const unknown = 'RXZhbHVhdG9yOjk5OTk6AAAA';
		const { error } = await create({ ...projectTask, evaluators: { evaluator: [{ evaluatorId: unknown }] } });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(`evaluators[0].evaluator_id '${unknown}' does not name an evaluator. [HTTP 422]`);
		expect(error?.description).toBe('One or more fields failed validation');
		expect(error?.httpCode).toBe('422');
		expect(arize.sandbox.requests.map((request) => request.status)).toEqual([422]);
	});

	it('surfaces a version that belongs to another evaluator (422)', async () => {
		const { error } = await create({
			...projectTask,
			evaluators: { evaluator: [{ evaluatorId: E.relevance, versionId: SEED.evaluatorVersionIds.hallucination[0] }] },
		});
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(
			`evaluators[0].evaluator_version_id '${SEED.evaluatorVersionIds.hallucination[0]}' is not a version of evaluator 'Relevance Eval' (${E.relevance}). [HTTP 422]`,
		);
	});

	it('surfaces an agent call pointed at an LLM integration (422)', async () => {
		const { error } = await create({
			...runExperimentTask,
			experimentType: 'AGENT_CALL',
			agentIntegrationId: { __rl: true, mode: 'list', value: SEED.aiIntegrationIds.openai },
			inputTemplate: '{ "message": "{{question}}" }',
		});
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(
			`run_configuration.integration_id '${SEED.aiIntegrationIds.openai}' is an LLM integration; AGENT_CALL needs an integration of type AGENT. [HTTP 422]`,
		);
		expect(error?.httpCode).toBe('422');
	});

	it('does not repeat a create answered 503 (it could create the task twice)', async () => {
		arize.sandbox.faults.inject({ status: 503 }, { method: 'POST', path: '/v2/tasks' });
		const { error } = await create({ ...projectTask, evaluators: { evaluator: [{ evaluatorId: E.relevance }] } });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.httpCode).toBe('503');
		expect(error?.message).toBe('The service failed to handle the request (injected fault). [HTTP 503]');
		expect(arize.sandbox.requests.map(({ method, status }) => [method, status])).toEqual([['POST', 503]]);
	});
});
