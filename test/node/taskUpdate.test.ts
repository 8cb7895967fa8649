import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { SEED } from '../../sandbox/seed.ts';
import { API_KEY, runTasksNode, searchList, useArize } from '../arize';

const arize = useArize();

const T = SEED.taskIds;
const E = SEED.evaluatorIds;
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

const update = (parameters: IDataObject, options: Parameters<typeof runTasksNode>[2] = {}) =>
	runTasksNode(arize.credentials, { resource: 'task', operation: 'update', ...parameters }, options);

/** A project task (its id contains '+') with a query filter and one evaluator. */
const evalTask = { taskId: byId(T.productionHallucination), taskType: 'TEMPLATE_EVALUATION' };
const experimentTask = { taskId: byId(T.promptGeneration), taskType: 'RUN_EXPERIMENT' };

const patches = () =>
	arize.sandbox.requests.map(({ method, path, body }) => ({ method, path, body }));

async function apiTask(id: string) {
	const response = await fetch(`${arize.sandbox.url}/v2/tasks/${encodeURIComponent(id)}`, {
		headers: { authorization: `Bearer ${API_KEY}` },
	});
	arize.sandbox.clearRequests();
	return (await response.json()) as IDataObject;
}

describe('Task → Update: evaluation task', () => {
	it('sends only the fields that change, to the URL-encoded task, and outputs the updated task', async () => {
		const before = await apiTask(T.productionHallucination);
		const { items, error } = await update({
			...evalTask,
			updateFields: {
				name: '  Production hallucination (v2)  ',
				samplingRate: 0.5,
				isContinuous: false,
				queryFilter: " metadata.environment = 'staging' ",
				clearQueryFilter: false,
			},
		});

		expect(error).toBeUndefined();
		expect(patches()).toEqual([
			{
				method: 'PATCH',
				path: `/v2/tasks/${encodeURIComponent(T.productionHallucination)}`,
				body: {
					name: 'Production hallucination (v2)',
					sampling_rate: 0.5,
					is_continuous: false,
					query_filter: "metadata.environment = 'staging'",
				},
			},
		]);
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json).toEqual({
			...before,
			name: 'Production hallucination (v2)',
			sampling_rate: 0.5,
			is_continuous: false,
			query_filter: "metadata.environment = 'staging'",
			updated_at: expect.any(String),
		});
		expect(items[0].json.updated_at).not.toBe(before.updated_at);
		// Evaluators were not sent, so they are unchanged.
		expect(items[0].json.evaluators).toEqual(before.evaluators);
	});

	it('sends a sampling rate given as text by an expression as a number', async () => {
		const { error } = await update({ ...evalTask, updateFields: { samplingRate: '={{ $json.rate }}' } }, { input: [{ rate: '0.1' }] });
		expect(error).toBeUndefined();
		expect(patches()[0].body).toEqual({ sampling_rate: 0.1 });
	});

	it('Clear Query Filter sends query_filter: null, which removes the filter', async () => {
		const { items, error } = await update({ ...evalTask, updateFields: { clearQueryFilter: true } });
		expect(error).toBeUndefined();
		expect(patches().map((request) => request.body)).toEqual([{ query_filter: null }]);
		expect(items[0].json.query_filter).toBeNull();
		expect((await apiTask(T.productionHallucination)).query_filter).toBeNull();
	});

	it('Replace Evaluators sends the whole new list, which replaces the old one', async () => {
		const { items, error } = await update({
			...evalTask,
			replaceEvaluators: true,
			evaluators: {
				evaluator: [
					{ evaluatorId: E.relevance, columnMappings: { pair: [{ key: 'input', value: 'attributes.input.value' }] } },
					{ evaluatorId: E.hallucination, versionId: SEED.evaluatorVersionIds.hallucination[2] },
				],
			},
		});
		expect(error).toBeUndefined();
		expect(patches().map((request) => request.body)).toEqual([
			{
				evaluators: [
					{ evaluator_id: E.relevance, column_mappings: { input: 'attributes.input.value' } },
					{ evaluator_id: E.hallucination, evaluator_version_id: SEED.evaluatorVersionIds.hallucination[2] },
				],
			},
		]);
		expect(items[0].json.evaluators).toEqual([
			{
				evaluator_id: E.relevance,
				evaluator_name: 'Relevance Eval',
				query_filter: null,
				column_mappings: { input: 'attributes.input.value' },
				evaluator_version_id: null,
			},
			{
				evaluator_id: E.hallucination,
				evaluator_name: 'Hallucination Eval',
				query_filter: null,
				// The old mapping of this evaluator is gone: the list was replaced, not merged.
				column_mappings: null,
				evaluator_version_id: SEED.evaluatorVersionIds.hallucination[2],
			},
		]);
	});

	it('Replace Evaluators takes the list as JSON from an expression', async () => {
		const evaluators = [{ evaluator_id: E.relevance, query_filter: "attributes.llm.model_name = 'gpt-4o'" }];
		const { error } = await update(
			{ ...evalTask, replaceEvaluators: true, evaluatorsInput: 'json', evaluatorsJson: '={{ JSON.stringify($json.evaluators) }}' },
			{ input: [{ evaluators }] },
		);
		expect(error).toBeUndefined();
		expect(patches().map((request) => request.body)).toEqual([{ evaluators }]);
	});

	it("Replace Evaluators takes another task's evaluators from a Task → Get ({{ $json.evaluators }}), sent in the request form", async () => {
		const read = await runTasksNode(arize.credentials, {
			resource: 'task',
			operation: 'get',
			taskId: byId(T.chatbotRelevanceSample),
		});
		arize.sandbox.clearRequests();
		const { items, error } = await update(
			{ ...evalTask, replaceEvaluators: true, evaluatorsInput: 'json', evaluatorsJson: '={{ $json.evaluators }}' },
			{ input: [read.items[0].json] },
		);
		expect(error).toBeUndefined();
		expect(patches()).toEqual([
			{
				method: 'PATCH',
				path: `/v2/tasks/${encodeURIComponent(T.productionHallucination)}`,
				body: {
					evaluators: [
						{
							evaluator_id: E.relevance,
							query_filter: "attributes.llm.model_name = 'gpt-4o'",
							column_mappings: { input: 'attributes.input.value', output: 'attributes.output.value' },
						},
						{ evaluator_id: E.hallucination, evaluator_version_id: SEED.evaluatorVersionIds.hallucination[1] },
					],
				},
			},
		]);
		expect(items[0].json.evaluators).toEqual(read.items[0].json.evaluators);
	});

	it('leaves the evaluators alone while Replace Evaluators is off, even with a list filled in', async () => {
		const { error } = await update({
			...evalTask,
			updateFields: { name: 'Renamed' },
			replaceEvaluators: false,
			evaluators: { evaluator: [{ evaluatorId: E.relevance }] },
		});
		expect(error).toBeUndefined();
		expect(patches().map((request) => request.body)).toEqual([{ name: 'Renamed' }]);
	});

	it('updates a dataset task by name', async () => {
		const { items, error } = await update({
			taskId: byId(T.goldenRelevance),
			taskType: 'TEMPLATE_EVALUATION',
			updateFields: { name: 'Golden relevance' },
		});
		expect(error).toBeUndefined();
		expect(patches()).toEqual([
			{ method: 'PATCH', path: `/v2/tasks/${encodeURIComponent(T.goldenRelevance)}`, body: { name: 'Golden relevance' } },
		]);
		expect(items[0].json).toMatchObject({ id: T.goldenRelevance, name: 'Golden relevance', dataset_id: SEED.datasetId });
	});

	it('retries a PATCH answered 503 (repeating it is harmless) and returns the task', async () => {
		arize.sandbox.faults.inject({ status: 503 }, { method: 'PATCH' });
		const { items, error } = await update({ ...evalTask, updateFields: { name: 'After a hiccup' } });
		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map(({ method, status, body }) => [method, status, body])).toEqual([
			['PATCH', 503, { name: 'After a hiccup' }],
			['PATCH', 200, { name: 'After a hiccup' }],
		]);
		expect(items.map((item) => item.json.name)).toEqual(['After a hiccup']);
	});
});

describe('Task → Update: Run Experiment task', () => {
	it('renames the task and nothing else', async () => {
		const before = await apiTask(T.promptGeneration);
		const { items, error } = await update({ ...experimentTask, updateFields: { name: 'Support prompt v5' } });
		expect(error).toBeUndefined();
		expect(patches()).toEqual([
			{ method: 'PATCH', path: `/v2/tasks/${encodeURIComponent(T.promptGeneration)}`, body: { name: 'Support prompt v5' } },
		]);
		expect(items[0].json).toEqual({ ...before, name: 'Support prompt v5', updated_at: expect.any(String) });
	});

	it('Replace Run Configuration sends a complete configuration, which replaces the stored one', async () => {
		const { items, error } = await update({
			...experimentTask,
			updateFields: { name: 'Judge instead' },
			replaceRunConfiguration: true,
			experimentType: 'TEMPLATE_EVALUATION',
			aiIntegrationId: { __rl: true, mode: 'list', value: SEED.aiIntegrationIds.anthropic },
			template: 'Is {{output}} an answer to {{question}}? Reply yes or no.',
			classificationChoices: { choice: [{ label: 'yes', score: 1 }, { label: 'no', score: 0 }] },
		});
		const runConfiguration = {
			experiment_type: 'TEMPLATE_EVALUATION',
			ai_integration_id: SEED.aiIntegrationIds.anthropic,
			template: 'Is {{output}} an answer to {{question}}? Reply yes or no.',
			provide_explanation: true,
			classification_choices: { yes: 1, no: 0 },
		};
		expect(error).toBeUndefined();
		expect(patches().map((request) => request.body)).toEqual([{ name: 'Judge instead', run_configuration: runConfiguration }]);
		// Nothing of the old LLM Generation configuration (model, messages, …) survives.
		expect(items[0].json.run_configuration).toEqual({ ...runConfiguration, provider_parameters: {} });
	});

	it('Replace Run Configuration takes JSON given by an expression that returns an object', async () => {
		const config = {
			experiment_type: 'AGENT_CALL',
			integration_id: SEED.agentIntegrationId,
			input_template: { message: '{{question}}' },
		};
		const { items, error } = await update(
			{ ...experimentTask, replaceRunConfiguration: true, runConfigurationInput: 'json', runConfigurationJson: '={{ $json.config }}' },
			{ input: [{ config }] },
		);
		expect(error).toBeUndefined();
		expect(patches().map((request) => request.body)).toEqual([{ run_configuration: config }]);
		expect(items[0].json.run_configuration).toEqual(config);
	});

	it('never sends evaluation-only fields for a Run Experiment task', async () => {
		// Left over from when Task Type was an evaluation type: n8n drops them, and the node would ignore them.
		const { error } = await update({
			...experimentTask,
			updateFields: { name: 'Only the name', samplingRate: 0.5, clearQueryFilter: true },
			replaceEvaluators: true,
			evaluators: { evaluator: [{ evaluatorId: E.relevance }] },
		});
		expect(error).toBeUndefined();
		expect(patches().map((request) => request.body)).toEqual([{ name: 'Only the name' }]);
	});
});

describe('Task → Update: checks before sending', () => {
	it.each<[string, IDataObject, IDataObject[] | undefined, string]>([
		['no field at all', { ...evalTask }, undefined, 'Update Fields: choose at least one field to update'],
		[
			'only Clear Query Filter turned off',
			{ ...evalTask, updateFields: { clearQueryFilter: false } },
			undefined,
			'Update Fields: choose at least one field to update',
		],
		[
			'a Run Experiment task with nothing to change',
			{ ...experimentTask, replaceRunConfiguration: false },
			undefined,
			'Update Fields: choose at least one field to update',
		],
		['an empty name', { ...evalTask, updateFields: { name: '  ' } }, undefined, 'Name must not be empty'],
		[
			'both a new Query Filter and Clear Query Filter',
			{ ...evalTask, updateFields: { queryFilter: "a = 'b'", clearQueryFilter: true } },
			undefined,
			'Use either Query Filter or Clear Query Filter, not both',
		],
		[
			'an empty Query Filter',
			{ ...evalTask, updateFields: { queryFilter: '={{ $json.filter }}' } },
			[{ filter: ' ' }],
			'Query Filter is empty',
		],
		[
			'a sampling rate outside 0..1',
			{ ...evalTask, updateFields: { samplingRate: 2 } },
			undefined,
			'Sampling Rate must be a number between 0 and 1 (got 2)',
		],
		[
			'an empty evaluator list',
			{ ...evalTask, replaceEvaluators: true, evaluatorsInput: 'json', evaluatorsJson: '[]' },
			undefined,
			'Evaluators: add at least one evaluator',
		],
		[
			'the same evaluator twice',
			{ ...evalTask, replaceEvaluators: true, evaluators: { evaluator: [{ evaluatorId: E.relevance }, { evaluatorId: E.relevance }] } },
			undefined,
			`Evaluators: evaluator ${E.relevance} is listed twice; each may appear once`,
		],
		[
			'an incomplete run configuration',
			{ ...experimentTask, replaceRunConfiguration: true, experimentType: 'TEMPLATE_EVALUATION', aiIntegrationId: { __rl: true, mode: 'list', value: SEED.aiIntegrationIds.openai }, template: '={{ "" }}' },
			undefined,
			'Template is required for a Template Evaluation experiment',
		],
		[
			'invalid run configuration JSON',
			{ ...experimentTask, replaceRunConfiguration: true, runConfigurationInput: 'json', runConfigurationJson: '{ "experiment_type": ' },
			undefined,
			'Run Configuration (JSON) is not valid JSON',
		],
	])('refuses %s before sending anything', async (_case, parameters, input, message) => {
		const { error } = await update(parameters, { input });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(message);
		expect(arize.sandbox.requests).toEqual([]);
	});
});

describe('Task → Update: what Arize rejects', () => {
	it("explains a Task Type that does not match the stored task (Arize's 400) by naming the field", async () => {
		const { error } = await update({
			taskId: byId(T.goldenRelevance),
			taskType: 'RUN_EXPERIMENT',
			replaceRunConfiguration: true,
			runConfigurationInput: 'json',
			runConfigurationJson: JSON.stringify({ experiment_type: 'AGENT_CALL', integration_id: SEED.agentIntegrationId, input_template: {} }),
		});
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('Task Type is Run Experiment, but the task "Golden Questions Relevance" is a Template Evaluation task');
		expect(error?.description).toBe(
			"Set Task Type to Template Evaluation: it decides which fields this operation sends, and Arize accepts only the fields of the task's own type. Arize answered: The 'run_configuration' field can only be updated on RUN_EXPERIMENT tasks; this task is TEMPLATE_EVALUATION. [HTTP 400]",
		);
		expect(arize.sandbox.requests.map(({ method }) => method)).toEqual(['PATCH', 'GET']);
	});

	it('surfaces a project-only field sent for a dataset task (400) with the detail', async () => {
		const { error } = await update({ taskId: byId(T.goldenRelevance), taskType: 'TEMPLATE_EVALUATION', updateFields: { isContinuous: true } });
		expect(error?.message).toBe(
			"The 'is_continuous' field only applies to project-based tasks; this task is dataset-based. [HTTP 400]",
		);
		expect(error).toBeInstanceOf(NodeApiError);
	});

	it('surfaces a task that does not exist (404)', async () => {
		const { error } = await update({ taskId: byId('VGFzazo5OTk5OTk='), taskType: 'TEMPLATE_EVALUATION', updateFields: { name: 'x' } });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe("Task 'VGFzazo5OTk5OTk=' was not found. [HTTP 404]");
		expect(error?.httpCode).toBe('404');
	});
});

describe('Task → Update: a Task Type that does not fit the task', () => {
	it('picked from the list: sent as it is; Arize rejects the body, one GET finds the real type, the task is unchanged', async () => {
		const { results } = await searchList(arize.credentials, 'searchTasks', 'prompt generation');
		arize.sandbox.clearRequests();
		const before = await apiTask(T.promptGeneration);
		const taskId = { __rl: true, mode: 'list', value: T.promptGeneration, cachedResultName: results[0].name };
		const { error } = await update({ taskId, taskType: 'TEMPLATE_EVALUATION', updateFields: { samplingRate: 0.5 } });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('Task Type is Template Evaluation, but the task "Support prompt generation (gpt-4.1-mini)" is a Run Experiment task');
		expect(patches().map(({ method }) => method)).toEqual(['PATCH', 'GET']);
		expect(await apiTask(T.promptGeneration)).toEqual(before);
	});

	it("by ID: Arize's 400 is explained after one GET of the task, and the task is unchanged", async () => {
		const before = await apiTask(T.promptGeneration);
		const { error } = await update({ taskId: byId(T.promptGeneration), taskType: 'CODE_EVALUATION', updateFields: { samplingRate: 0.5 } });
		expect(error?.message).toBe('Task Type is Code Evaluation, but the task "Support prompt generation (gpt-4.1-mini)" is a Run Experiment task');
		expect(error?.description).toMatch(/^Set Task Type to Run Experiment: .* Arize answered: .*\[HTTP 400\]$/);
		expect(patches().map(({ method, path, body }) => [method, path, body])).toEqual([
			['PATCH', `/v2/tasks/${encodeURIComponent(T.promptGeneration)}`, { sampling_rate: 0.5 }],
			['GET', `/v2/tasks/${encodeURIComponent(T.promptGeneration)}`, undefined],
		]);
		expect(await apiTask(T.promptGeneration)).toEqual(before);
	});
});
