import {
	cancelTaskRun,
	createClient,
	createCodeEvaluatorVersion,
	createPrompt,
	createPromptVersion,
	createTemplateEvaluatorVersion,
	deletePrompt,
	deletePromptVersionLabel,
	getPrompt,
	getPromptVersion,
	getPromptVersionByLabel,
	listOrganizations,
	listPrompts,
	listPromptVersions,
	setPromptVersionLabels,
	updatePrompt,
	createEvaluationTask,
	createRunExperimentTask,
	createTask,
	deleteTask,
	getAiIntegration,
	getDataset,
	getEvaluator,
	getEvaluatorVersion,
	getExperiment,
	getIntegration,
	getProject,
	getSpace,
	getTask,
	getTaskRun,
	listAiIntegrations,
	listDatasetExamples,
	listDatasets,
	listEvaluators,
	listEvaluatorVersions,
	listExperimentRuns,
	listExperiments,
	listIntegrations,
	listProjects,
	listSpaces,
	listSpans,
	listTaskRuns,
	listTasks,
	triggerTaskRun,
	updateTask,
	waitForTaskRun,
} from '@arizeai/ax-client';
import type { PaginatedResponse } from '@arizeai/ax-client';

import { DEFAULT_API_KEY, SEED, SEED_EXAMPLE_IDS, startSandbox, WEBHOOK_SEED } from '../../sandbox/index.ts';
import type { Sandbox } from '../../sandbox/index.ts';
import { routes } from '../../sandbox/routes/index.ts';
import { SpecRecorder } from './recorder.ts';

// Arize's own TypeScript client, pinned at the version whose spec the sandbox follows, drives a sandbox through every
// client function that reads or writes what the sandbox serves. Each call must succeed: the client parses what it
// gets (dates, nested configs) and throws on a shape it does not know. Every exchange is also held to the spec.

// The client prints a one-time "pre-release API" warning per function; it says nothing about the sandbox.
process.env.DISABLE_PRERELEASE_WARNING = 'true';

const recorder = new SpecRecorder();
let sandbox: Sandbox;
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
	sandbox = await startSandbox({ runDurationMs: 300, observe: (exchange) => recorder.check(exchange) });
	// getEnvironmentOptions: no ARIZE_API_KEY / ARIZE_BASE_URL from the environment may point the client elsewhere.
	client = createClient({ baseUrl: sandbox.url, apiKey: DEFAULT_API_KEY, getEnvironmentOptions: () => ({}) });
});

afterAll(async () => {
	await sandbox?.close();
});

afterEach(() => {
	expect(recorder.report()).toBe('');
});

/** Every page of a list, following the client's own cursor; the page count shows pagination was exercised. */
async function allPages<T>(read: (cursor: string | undefined) => Promise<PaginatedResponse<T>>): Promise<{ items: T[]; pages: number }> {
	const items: T[] = [];
	let cursor: string | undefined;
	let pages = 0;
	do {
		const page = await read(cursor);
		items.push(...page.data);
		pages += 1;
		cursor = page.pagination.hasMore ? page.pagination.nextCursor : undefined;
	} while (cursor);
	return { items, pages };
}

describe("Arize's client (@arizeai/ax-client) against the sandbox", () => {
	it('spaces: lists, reads by id and by name', async () => {
		expect((await listSpaces({ client })).data.map((space) => space.id)).toEqual([SEED.spaceId]);
		expect(await getSpace({ client, space: SEED.spaceId })).toMatchObject({ id: SEED.spaceId, name: 'Production Evals', isPrivate: false });
		expect((await getSpace({ client, space: 'Production Evals' })).id).toBe(SEED.spaceId);
	});

	it('projects: lists a space, reads by id and by name', async () => {
		expect((await listProjects({ client, space: SEED.spaceId })).data.map((project) => project.name)).toEqual(['support-chatbot', 'rag-search']);
		expect((await getProject({ client, project: SEED.projectIds.ragSearch })).name).toBe('rag-search');
		expect((await getProject({ client, project: 'support-chatbot', space: SEED.spaceId })).id).toBe(SEED.projectIds.supportChatbot);
	});

	it('datasets and examples: lists, reads with versions, pages through the examples', async () => {
		expect((await listDatasets({ client, space: SEED.spaceId })).data.map((dataset) => dataset.id)).toContain(SEED.datasetId);
		const dataset = await getDataset({ client, dataset: SEED.datasetId });
		expect(dataset.versions?.map((version) => version.id)).toEqual([SEED.datasetVersionIds.v1, SEED.datasetVersionIds.v2]);
		const examples = await allPages((cursor) =>
			listDatasetExamples({ client, dataset: SEED.datasetId, datasetVersionId: SEED.datasetVersionIds.v2, limit: 6, cursor }),
		);
		expect({ count: examples.items.length, pages: examples.pages }).toEqual({ count: SEED.exampleCount, pages: 4 });
	});

	it('experiments and their runs: lists by dataset and by space, reads one, pages through its runs', async () => {
		expect((await listExperiments({ client, dataset: SEED.datasetId })).data).toHaveLength(3);
		expect((await listExperiments({ client, space: SEED.spaceId })).data).toHaveLength(3);
		expect((await getExperiment({ client, experiment: SEED.experimentIds.answerCorrectnessSonnet })).name).toBe('answer-correctness-sonnet');
		const runs = await allPages((cursor) => listExperimentRuns({ client, experiment: SEED.experimentIds.baselineGpt4o, limit: 8, cursor }));
		expect({ count: runs.items.length, pages: runs.pages }).toEqual({ count: SEED.experimentRunCounts.baselineGpt4o, pages: 3 });
	});

	it('spans: pages through a window, with and without a filter', async () => {
		const window = { startTime: new Date(SEED.spanWindow.start), endTime: new Date(SEED.spanWindow.end) };
		const spans = await allPages((cursor) => listSpans({ client, project: SEED.projectIds.ragSearch, ...window, limit: 50, cursor }));
		expect({ count: spans.items.length, pages: spans.pages }).toEqual({ count: SEED.traceCounts.ragSearch * 3, pages: 3 });
		const retrievers = await listSpans({ client, project: SEED.projectIds.ragSearch, ...window, filter: "kind = 'RETRIEVER'", limit: 100 });
		expect(retrievers.data).toHaveLength(SEED.traceCounts.ragSearch);
	});

	it('evaluators and versions: every type read whole, a pinned version, the version list and one version', async () => {
		expect((await listEvaluators({ client, space: SEED.spaceId })).data).toHaveLength(4);
		const template = await getEvaluator({ client, evaluator: SEED.evaluatorIds.hallucination });
		expect(template.version).toMatchObject({ type: 'TEMPLATE', templateConfig: { llmConfig: { aiIntegrationId: SEED.aiIntegrationIds.openai } } });
		const code = await getEvaluator({ client, evaluator: SEED.evaluatorIds.jsonFormat });
		expect(code.version).toMatchObject({ type: 'CODE', codeConfig: { type: 'CUSTOM', variables: ['output'] } });
		expect((await getEvaluator({ client, evaluator: SEED.evaluatorIds.answerCorrectness })).version.type).toBe('HARNESS');
		const pinned = await getEvaluator({ client, evaluator: SEED.evaluatorIds.relevance, versionId: SEED.evaluatorVersionIds.relevance[0] });
		expect(pinned.version.id).toBe(SEED.evaluatorVersionIds.relevance[0]);
		const versions = await allPages((cursor) => listEvaluatorVersions({ client, evaluator: SEED.evaluatorIds.hallucination, limit: 2, cursor }));
		expect(versions.items.map((version) => version.id)).toEqual([...SEED.evaluatorVersionIds.hallucination].reverse());
		expect((await getEvaluatorVersion({ client, versionId: SEED.evaluatorVersionIds.jsonFormat[0] })).id).toBe(SEED.evaluatorVersionIds.jsonFormat[0]);
	});

	it('organizations: listed', async () => {
		expect((await listOrganizations({ client })).data.map((organization) => organization.id)).toContain(SEED.orgId);
	});

	it('evaluator versions: a new TEMPLATE and a new CODE version, each then the latest', async () => {
		const template = await createTemplateEvaluatorVersion({
			client,
			evaluator: SEED.evaluatorIds.relevance,
			commitMessage: 'Conformance: stricter rubric',
			templateConfig: {
				name: SEED.evaluationNames.relevance,
				template: 'Question: {input}\nAnswer: {output}\nReply "relevant" or "irrelevant".',
				includeExplanations: true,
				useFunctionCallingIfAvailable: true,
				classificationChoices: { relevant: 1, irrelevant: 0 },
				llmConfig: { aiIntegrationId: SEED.aiIntegrationIds.openai, modelName: 'gpt-4o', invocationParameters: {}, providerParameters: {} },
			},
		});
		expect((await getEvaluator({ client, evaluator: SEED.evaluatorIds.relevance })).version.id).toBe(template.id);
		const code = await createCodeEvaluatorVersion({
			client,
			evaluator: SEED.evaluatorIds.jsonFormat,
			commitMessage: 'Conformance: managed JSON check',
			codeConfig: { type: 'MANAGED', name: SEED.evaluationNames.jsonFormat, managedEvaluator: 'JSON_PARSEABLE', variables: ['output'] },
		});
		expect((await getEvaluator({ client, evaluator: SEED.evaluatorIds.jsonFormat })).version).toMatchObject({
			id: code.id,
			codeConfig: { type: 'MANAGED', managedEvaluator: 'JSON_PARSEABLE' },
		});
	});

	it('prompts and versions: listed, read by version and label, created, versioned, labelled, unlabelled, deleted', async () => {
		expect((await listPrompts({ client, space: SEED.spaceId })).data.map((prompt) => prompt.id)).toEqual(
			expect.arrayContaining([WEBHOOK_SEED.promptIds.supportAnswer, WEBHOOK_SEED.promptIds.ragSummary]),
		);
		const support = WEBHOOK_SEED.promptIds.supportAnswer;
		expect((await getPrompt({ client, prompt: support })).version.id).toBe(WEBHOOK_SEED.promptVersionIds.supportAnswer[2]);
		expect((await getPrompt({ client, prompt: support, label: 'production' })).version.id).toBe(WEBHOOK_SEED.promptVersionIds.supportAnswer[1]);
		expect((await getPromptVersionByLabel({ client, prompt: support, labelName: 'staging' })).id).toBe(WEBHOOK_SEED.promptVersionIds.supportAnswer[2]);
		const versions = await allPages((cursor) => listPromptVersions({ client, prompt: support, limit: 2, cursor }));
		expect(versions.items).toHaveLength(3);
		expect((await getPromptVersion({ client, versionId: WEBHOOK_SEED.promptVersionIds.supportAnswer[0] })).promptId).toBe(support);

		const version = {
			commitMessage: 'First',
			inputVariableFormat: 'F_STRING' as const,
			provider: 'OPEN_AI' as const,
			model: 'gpt-4o-mini',
			messages: [{ role: 'USER' as const, content: 'Summarise: {text}' }],
		};
		const created = await createPrompt({ client, space: SEED.spaceId, name: 'conformance-summary', description: 'made by the client', version });
		const second = await createPromptVersion({ client, prompt: created.id, ...version, commitMessage: 'Second', model: 'gpt-4o' });
		expect((await setPromptVersionLabels({ client, versionId: second.id, labels: ['production'] })).labels).toEqual(['production']);
		await deletePromptVersionLabel({ client, versionId: second.id, labelName: 'production' });
		expect((await getPromptVersion({ client, versionId: second.id })).labels ?? []).toEqual([]);
		expect((await updatePrompt({ client, prompt: created.id, description: 'changed' })).description).toBe('changed');
		await deletePrompt({ client, prompt: created.id });
		expect((await listPrompts({ client, name: 'conformance' })).data).toEqual([]);
	});

	it('integrations: AI integrations and integrations of both types, listed and read', async () => {
		expect((await listAiIntegrations({ client })).data.map((integration) => integration.provider)).toEqual(['OPEN_AI', 'ANTHROPIC']);
		expect((await getAiIntegration({ client, integration: SEED.aiIntegrationIds.anthropic })).name).toBe('Anthropic');
		expect((await listIntegrations({ client })).data.map((integration) => integration.type)).toEqual(['LLM', 'LLM', 'AGENT']);
		expect((await listIntegrations({ client, type: 'AGENT', space: SEED.spaceId })).data).toHaveLength(1);
		expect((await getIntegration({ client, integration: SEED.agentIntegrationId })).type).toBe('AGENT');
		// By name (not every name works: the client takes any name that decodes from base64 to text with ':' for an id).
		expect((await getIntegration({ client, integration: 'Support Agent (staging)', type: 'AGENT', space: SEED.spaceId })).id).toBe(SEED.agentIntegrationId);
		expect((await getIntegration({ client, integration: SEED.aiIntegrationIds.openai })).type).toBe('LLM');
	});

	it('tasks: pages through the list, filters it, reads one of each type', async () => {
		const tasks = await allPages((cursor) => listTasks({ client, limit: 5, cursor }));
		expect(tasks.pages).toBe(3);
		expect(new Set(tasks.items.map((task) => task.type))).toEqual(new Set(['TEMPLATE_EVALUATION', 'CODE_EVALUATION', 'RUN_EXPERIMENT']));
		expect((await listTasks({ client, type: 'RUN_EXPERIMENT', dataset: SEED.datasetId })).data).toHaveLength(3);
		expect((await listTasks({ client, project: SEED.projectIds.supportChatbot, space: SEED.spaceId })).data.length).toBeGreaterThan(0);
		for (const id of [SEED.taskIds.productionHallucination, SEED.taskIds.goldenJsonFormat, SEED.taskIds.supportAgentRegression]) {
			expect((await getTask({ client, task: id })).id).toBe(id);
		}
	});

	it('evaluation tasks: created, updated, triggered on a window, waited for, listed and deleted', async () => {
		const task = await createEvaluationTask({
			client,
			name: 'Conformance hallucinations',
			type: 'TEMPLATE_EVALUATION',
			project: SEED.projectIds.supportChatbot,
			samplingRate: 1,
			evaluators: [{ evaluatorId: SEED.evaluatorIds.hallucination, queryFilter: "kind = 'LLM'" }],
		});
		expect(task).toMatchObject({ type: 'TEMPLATE_EVALUATION', runConfiguration: null });
		expect(await updateTask({ client, task: task.id, name: 'Conformance hallucinations (half)', samplingRate: 0.5 })).toMatchObject({ samplingRate: 0.5 });
		const run = await triggerTaskRun({
			client,
			task: task.id,
			dataStartTime: new Date(SEED.spanWindow.start),
			dataEndTime: new Date(SEED.spanWindow.end),
			maxSpans: 100,
			overrideEvaluations: true,
		});
		expect((await getTaskRun({ client, runId: run.id })).taskId).toBe(task.id);
		expect((await waitForTaskRun({ client, runId: run.id, pollInterval: 50, timeout: 10_000 })).status).toBe('COMPLETED');
		expect((await listTaskRuns({ client, task: task.id, status: 'COMPLETED' })).data.map((item) => item.id)).toEqual([run.id]);

		const datasetTask = await createTask({
			client,
			name: 'Conformance JSON format',
			type: 'CODE_EVALUATION',
			dataset: SEED.datasetId,
			experimentIds: [SEED.experimentIds.baselineGpt4o],
			evaluators: [{ evaluatorId: SEED.evaluatorIds.jsonFormat }],
		});
		const datasetRun = await triggerTaskRun({ client, task: datasetTask.id, experimentIds: [SEED.experimentIds.gpt41MiniPromptV3] });
		expect((await waitForTaskRun({ client, runId: datasetRun.id, pollInterval: 50, timeout: 10_000 })).status).toBe('COMPLETED');

		await deleteTask({ client, task: task.id });
		await deleteTask({ client, task: datasetTask.id });
		expect((await listTasks({ client, name: 'Conformance' })).data).toEqual([]);
	});

	it('run-experiment tasks: created, reconfigured, triggered, cancelled, and their experiment read', async () => {
		const task = await createRunExperimentTask({
			client,
			name: 'Conformance prompt',
			dataset: SEED.datasetId,
			runConfiguration: {
				experiment_type: 'LLM_GENERATION',
				ai_integration_id: SEED.aiIntegrationIds.openai,
				model_name: 'gpt-4o-mini',
				messages: [{ role: 'USER', content: 'Answer: {question}' }],
				input_variable_format: 'F_STRING',
				provider_parameters: {},
			},
		});
		expect(task.runConfiguration).toMatchObject({ experiment_type: 'LLM_GENERATION', model_name: 'gpt-4o-mini' });
		// The client's updateTask sends no run configuration, so the change goes through its raw PATCH.
		const patched = await client.PATCH('/v2/tasks/{task_id}', {
			params: { path: { task_id: task.id } },
			body: {
				run_configuration: {
					experiment_type: 'LLM_GENERATION',
					ai_integration_id: SEED.aiIntegrationIds.anthropic,
					model_name: 'claude-haiku-4-5',
					messages: [{ role: 'USER', content: 'Answer briefly: {question}' }],
					input_variable_format: 'F_STRING',
					provider_parameters: {},
				},
			},
		});
		expect(patched.error).toBeUndefined();
		expect((await getTask({ client, task: task.id })).runConfiguration).toMatchObject({ model_name: 'claude-haiku-4-5' });

		// The client's triggerTaskRun has no Run Experiment fields (experiment_name, max_examples…): raw POST.
		const trigger = (experiment_name: string) =>
			client.POST('/v2/tasks/{task_id}/trigger', {
				params: { path: { task_id: task.id } },
				body: { experiment_name, dataset_version_id: SEED.datasetVersionIds.v2, max_examples: 5 },
			});
		const started = await trigger('conformance-haiku');
		expect(started.error).toBeUndefined();
		const finished = await waitForTaskRun({ client, runId: started.data!.id, pollInterval: 50, timeout: 10_000 });
		expect(finished.status).toBe('COMPLETED');
		const experiment = await getExperiment({ client, experiment: finished.experimentId! });
		expect(experiment.name).toBe('conformance-haiku');
		expect((await listExperimentRuns({ client, experiment: experiment.id })).data).toHaveLength(5);

		const second = await trigger('conformance-haiku-2');
		expect((await cancelTaskRun({ client, runId: second.data!.id })).status).toBe('CANCELLED');
		await deleteTask({ client, task: task.id });
	});

	it.each([
		[
			'TEMPLATE_EVALUATION',
			{
				experiment_type: 'TEMPLATE_EVALUATION' as const,
				ai_integration_id: SEED.aiIntegrationIds.anthropic,
				model_name: 'claude-haiku-4-5',
				template: 'Question: {question}\nAnswer: {output}\nReply "correct" or "incorrect".',
				provide_explanation: false,
				classification_choices: { correct: 1, incorrect: 0 },
				provider_parameters: {},
			},
		],
		[
			'AGENT_CALL',
			{ experiment_type: 'AGENT_CALL' as const, integration_id: SEED.agentIntegrationId, input_template: { message: '{{question}}' } },
		],
	])('run-experiment tasks with a %s configuration: created, triggered, waited for, their experiment read', async (type, runConfiguration) => {
		const task = await createRunExperimentTask({ client, name: `Conformance ${type}`, dataset: SEED.datasetId, runConfiguration });
		expect((await getTask({ client, task: task.id })).runConfiguration).toMatchObject({ experiment_type: type });
		// The client's triggerTaskRun has no Run Experiment fields: raw POST.
		const started = await client.POST('/v2/tasks/{task_id}/trigger', {
			params: { path: { task_id: task.id } },
			body: { experiment_name: `conformance-${type.toLowerCase()}`, example_ids: [...SEED_EXAMPLE_IDS.slice(0, 3)] },
		});
		expect(started.error).toBeUndefined();
		const finished = await waitForTaskRun({ client, runId: started.data!.id, pollInterval: 50, timeout: 10_000 });
		expect(finished.status).toBe('COMPLETED');
		expect((await listExperimentRuns({ client, experiment: finished.experimentId! })).data.map((run) => run.exampleId)).toEqual(
			SEED_EXAMPLE_IDS.slice(0, 3),
		);
		await deleteTask({ client, task: task.id });
	});

	it('has called every route the sandbox serves that the spec has, each answered 2xx; the others are webhooks', () => {
		const inSpec = routes.flatMap((route) => recorder.operationFor(route.method, route.pattern)?.id ?? []);
		expect(inSpec.filter((operation) => !recorder.succeeded.has(operation))).toEqual([]);
		expect(recorder.checked).toBe(sandbox.requests.length);
		// Arize documents webhooks, but the client's spec (1.28.0) has no webhook operation to hold them to.
		const notInSpec = routes.filter((route) => !recorder.operationFor(route.method, route.pattern));
		expect(notInSpec.filter((route) => !/^\/v2\/webhook(s|-subscriptions)(\/|$)/.test(route.pattern))).toEqual([]);
	});
});
