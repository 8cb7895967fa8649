import { createHash } from 'node:crypto';

import { seededId } from './ids.ts';
import type { Store } from './store.ts';
import type { EvaluatorVersion, RunStatus, TaskRunCounts } from './types.ts';

// Realistic seed data: one space with two projects, a dataset with versions, examples and three experiments,
// four evaluators, two LLM integrations and one agent integration, and twelve tasks covering every task type and
// run-configuration variant with a few finished runs each. Ids are deterministic so tests can name them. The results
// those runs left (spans, experiment runs, evaluations) are seed-results.ts; index.ts loads both into a store.

const taskIds = {
	/** Project, continuous TEMPLATE_EVALUATION; its id contains '+'. */
	productionHallucination: seededId('Task', 40201, 'plus'),
	chatbotRelevanceSample: seededId('Task', 40202),
	/** Project TEMPLATE_EVALUATION whose only run was cancelled (all data already labelled); id contains '/'. */
	ragRetrievalRelevance: seededId('Task', 40203, 'slash'),
	/** Project task that has never run: a trigger without data_start_time must fail. */
	ragAnswerHallucination: seededId('Task', 40204),
	/** Dataset TEMPLATE_EVALUATION on two experiments; id ends with '='. */
	goldenRelevance: seededId('Task', 40205, 'padding'),
	goldenHallucination: seededId('Task', 40206),
	chatbotJsonFormat: seededId('Task', 40207),
	/** Dataset CODE_EVALUATION that has never run. */
	goldenJsonFormat: seededId('Task', 40208),
	/** RUN_EXPERIMENT, LLM_GENERATION variant. */
	promptGeneration: seededId('Task', 40209),
	/** RUN_EXPERIMENT, TEMPLATE_EVALUATION variant. */
	answerCorrectnessJudge: seededId('Task', 40210),
	/** RUN_EXPERIMENT, AGENT_CALL variant. */
	supportAgentRegression: seededId('Task', 40211),
	chatbotRelevancePaused: seededId('Task', 40212),
};

export const SEED = {
	orgId: seededId('Organization', 17),
	userId: seededId('User', 1),
	otherUserId: seededId('User', 7),
	spaceId: seededId('Space', 812),
	projectIds: {
		supportChatbot: seededId('Model', 1201),
		ragSearch: seededId('Model', 1202),
	},
	datasetId: seededId('Dataset', 331),
	datasetVersionIds: {
		v1: seededId('DatasetVersion', 501),
		v2: seededId('DatasetVersion', 502),
	},
	/** The dataset's examples are `exampleIds[0..exampleCount-1]`, in dataset order. */
	exampleCount: 20,
	experimentIds: {
		baselineGpt4o: seededId('Experiment', 901),
		answerCorrectnessSonnet: seededId('Experiment', 902),
		gpt41MiniPromptV3: seededId('Experiment', 903),
	},
	evaluatorIds: {
		hallucination: seededId('Evaluator', 61),
		relevance: seededId('Evaluator', 62),
		jsonFormat: seededId('Evaluator', 63),
		answerCorrectness: seededId('Evaluator', 64),
	},
	/** Versions per evaluator, oldest first (the last one is "latest"). */
	evaluatorVersionIds: {
		hallucination: [seededId('EvaluatorVersion', 611), seededId('EvaluatorVersion', 612), seededId('EvaluatorVersion', 613)],
		relevance: [seededId('EvaluatorVersion', 621), seededId('EvaluatorVersion', 622)],
		jsonFormat: [seededId('EvaluatorVersion', 631)],
		answerCorrectness: [seededId('EvaluatorVersion', 641)],
	},
	/**
	 * The eval column names results are stored under, not the evaluators' display names.
	 * relevanceV1 is the name Relevance Eval's first version used; its latest writes `relevance`. The HARNESS
	 * evaluator's name is not readable through the API.
	 */
	evaluationNames: {
		hallucination: 'hallucination',
		relevance: 'relevance',
		relevanceV1: 'qa_relevance',
		jsonFormat: 'json_format',
	},
	/** Seeded spans start in [start, end): a week of traffic before the seed's "now". */
	spanWindow: { start: '2026-11-17T00:00:00.000Z', end: '2026-11-24T00:00:00.000Z' },
	/** Traces per project in the span window: support-chatbot traces have 2 spans each, rag-search traces 3. */
	traceCounts: { supportChatbot: 84, ragSearch: 40 },
	/** Experiment runs seeded per experiment (one per example; errors as the seed's RUN_EXPERIMENT runs counted). */
	experimentRunCounts: { baselineGpt4o: 20, answerCorrectnessSonnet: 17, gpt41MiniPromptV3: 20 },
	aiIntegrationIds: {
		openai: seededId('LlmIntegration', 12),
		anthropic: seededId('LlmIntegration', 13),
	},
	agentIntegrationId: seededId('AgentIntegration', 4),
	taskIds,
	/** Seed task ids that break naive URL building. */
	specialTaskIds: {
		withPlus: taskIds.productionHallucination,
		withSlash: taskIds.ragRetrievalRelevance,
		withPadding: taskIds.goldenRelevance,
	},
	/** Experiment names already used in the seed dataset (a RUN_EXPERIMENT trigger reusing one gets 409). */
	experimentNames: ['baseline-gpt-4o', 'answer-correctness-sonnet', 'gpt-4.1-mini-prompt-v3'],
};

export const SEED_EXAMPLE_IDS: string[] = Array.from({ length: SEED.exampleCount }, (_, i) =>
	seededId('DatasetExample', 7001 + i),
);

/** Questions and reference answers of the seed dataset; the seeded traces ask them too. */
export const QUESTIONS = [
	['How do I reset my password?', 'Use "Forgot password" on the sign-in page; the link is valid for 30 minutes.'],
	['Can I change the billing email?', 'Yes, under Settings → Billing → Billing contact.'],
	['What regions is data stored in?', 'US (default), EU (eu-west-1a) and Canada (ca-central-1a).'],
	['How do I export traces?', 'Use the Export button on the Traces page or the v2 REST API.'],
	['Is SSO supported?', 'SAML SSO is available on Enterprise plans.'],
];

interface SeedRun {
	status: RunStatus;
	created: string;
	/** Minutes from created_at to run_finished_at. */
	minutes: number;
	counts: TaskRunCounts;
	window?: [string, string];
	experimentId?: string;
	failureReason?: string;
}

export function seedStore(store: Store): void {
	store.userId = SEED.userId;
	const space = { id: SEED.spaceId, created_at: '2026-01-12T09:15:00.000Z' };
	store.spaces.set(space.id, {
		...space,
		name: 'Production Evals',
		description: 'Online and offline evaluations for customer-facing LLM apps',
		is_private: false,
		org_id: SEED.orgId,
	});

	for (const [id, name, created_at] of [
		[SEED.projectIds.supportChatbot, 'support-chatbot', '2026-01-14T11:02:00.000Z'],
		[SEED.projectIds.ragSearch, 'rag-search', '2026-02-03T16:40:00.000Z'],
	]) {
		store.projects.set(id, { id, name, space_id: SEED.spaceId, created_at });
	}

	store.datasets.set(SEED.datasetId, {
		id: SEED.datasetId,
		name: 'golden-questions',
		space_id: SEED.spaceId,
		created_at: '2026-03-02T08:30:00.000Z',
		updated_at: '2026-09-18T13:05:00.000Z',
		versions: [
			{ id: SEED.datasetVersionIds.v1, name: 'v1', created_at: '2026-03-02T08:30:00.000Z', updated_at: '2026-03-02T08:30:00.000Z' },
			{ id: SEED.datasetVersionIds.v2, name: 'v2 (edge cases added)', created_at: '2026-09-18T13:05:00.000Z', updated_at: '2026-09-18T13:05:00.000Z' },
		],
		examples: SEED_EXAMPLE_IDS.map((id, i) => {
			const [question, expected_answer] = QUESTIONS[i % QUESTIONS.length];
			return { id, question: i < QUESTIONS.length ? question : `${question} (variant ${Math.floor(i / QUESTIONS.length) + 1})`, expected_answer };
		}),
	});

	for (const [id, name, versionId, created_at] of [
		[SEED.experimentIds.baselineGpt4o, SEED.experimentNames[0], SEED.datasetVersionIds.v1, '2026-03-05T10:12:00.000Z'],
		[SEED.experimentIds.answerCorrectnessSonnet, SEED.experimentNames[1], SEED.datasetVersionIds.v2, '2026-09-20T15:31:00.000Z'],
		[SEED.experimentIds.gpt41MiniPromptV3, SEED.experimentNames[2], SEED.datasetVersionIds.v2, '2026-10-28T09:47:00.000Z'],
	]) {
		store.experiments.set(id, { id, name, dataset_id: SEED.datasetId, dataset_version_id: versionId, space_id: SEED.spaceId, created_at });
	}

	seedEvaluators(store);

	store.aiIntegrations.set(SEED.aiIntegrationIds.openai, {
		id: SEED.aiIntegrationIds.openai,
		name: 'OpenAI Production',
		provider: 'OPEN_AI',
		model_names: ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini'],
		has_api_key: true,
		enable_default_models: true,
		function_calling_enabled: true,
		space_id: SEED.spaceId,
		created_at: '2026-01-12T09:30:00.000Z',
		updated_at: '2026-06-03T10:12:00.000Z',
		created_by_user_id: SEED.userId,
	});
	store.aiIntegrations.set(SEED.aiIntegrationIds.anthropic, {
		id: SEED.aiIntegrationIds.anthropic,
		name: 'Anthropic',
		provider: 'ANTHROPIC',
		model_names: ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'],
		has_api_key: true,
		enable_default_models: false,
		function_calling_enabled: true,
		space_id: SEED.spaceId,
		created_at: '2026-04-22T14:00:00.000Z',
		updated_at: '2026-04-22T14:00:00.000Z',
		created_by_user_id: SEED.otherUserId,
	});
	store.integrations.set(SEED.agentIntegrationId, {
		id: SEED.agentIntegrationId,
		name: 'Support Agent (staging)',
		type: 'AGENT',
		description: 'LangGraph support agent behind the staging gateway; accepts {"message": string, "session": object}.',
		endpoint: 'https://agents.staging.example.com/support/invoke',
		input_schema: {
			type: 'object',
			properties: { message: { type: 'string' }, session: { type: 'object' } },
			required: ['message'],
		},
		space_id: SEED.spaceId,
		created_at: '2026-08-04T12:20:00.000Z',
		updated_at: '2026-08-04T12:20:00.000Z',
		created_by_user_id: SEED.userId,
	});

	seedTasks(store);
}

const HALLUCINATION_TEMPLATE =
	'In this task, you will be presented with a query, a reference text and an answer. Determine whether the answer is ' +
	'factual or hallucinated with respect to the reference.\n[Query]: {input}\n[Reference text]: {reference}\n[Answer]: {output}\n' +
	'Your response must be a single word, either "factual" or "hallucinated".';
const RELEVANCE_TEMPLATE =
	'You are comparing an answer to the question it responds to.\n[Question]: {input}\n[Answer]: {output}\n' +
	'Does the answer address the question? Reply "relevant" or "irrelevant".';
const JSON_FORMAT_CODE =
	'import json\n\ndef evaluate(output: str) -> tuple[str, float]:\n    try:\n        reply = json.loads(output)\n' +
	'    except ValueError:\n        return "fail", 0.0\n    return ("pass", 1.0) if "answer" in reply else ("fail", 0.0)\n';

function template(name: string, text: string, choices: Record<string, number>, include_explanations: boolean): Partial<EvaluatorVersion> {
	return {
		type: 'TEMPLATE',
		template_config: {
			name,
			template: text,
			classification_choices: choices,
			include_explanations,
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
	};
}

function seedEvaluators(store: Store): void {
	const ids = SEED.evaluatorIds;
	const versions = SEED.evaluatorVersionIds;
	const names = SEED.evaluationNames;
	const hallucinationChoices = { hallucinated: 0, factual: 1 };
	const relevanceChoices = { relevant: 1, irrelevant: 0 };
	// Each version: [commit message, type-specific fields]. Relevance's first version wrote under an older eval
	// column name (a pinned or older version may name its results differently).
	const evaluators = [
		{ id: ids.hallucination, name: 'Hallucination Eval', type: 'TEMPLATE', description: 'LLM judge: is the answer supported by the retrieved context?', created_at: '2026-01-20T10:00:00.000Z', updated_at: '2026-10-02T08:45:00.000Z', versionIds: versions.hallucination, specs: [
			['Initial version', template(names.hallucination, HALLUCINATION_TEMPLATE, hallucinationChoices, false)],
			['Tighten rubric for partial answers', template(names.hallucination, HALLUCINATION_TEMPLATE.replace('Determine', 'Treat partially supported answers as hallucinated. Determine'), hallucinationChoices, false)],
			['Ask for a one-sentence explanation', template(names.hallucination, `${HALLUCINATION_TEMPLATE}\nThen explain your answer in one sentence.`, hallucinationChoices, true)],
		] },
		{ id: ids.relevance, name: 'Relevance Eval', type: 'TEMPLATE', description: 'LLM judge: does the answer address the question?', created_at: '2026-01-20T10:05:00.000Z', updated_at: '2026-08-14T17:20:00.000Z', versionIds: versions.relevance, specs: [
			['Initial version', template(names.relevanceV1, RELEVANCE_TEMPLATE, relevanceChoices, false)],
			['Rename the eval column to relevance; explain each label', template(names.relevance, RELEVANCE_TEMPLATE, relevanceChoices, true)],
		] },
		{ id: ids.jsonFormat, name: 'JSON Format Check', type: 'CODE', description: 'Python check that the output parses as JSON and matches the reply schema.', created_at: '2026-05-06T09:00:00.000Z', updated_at: '2026-11-03T11:10:00.000Z', versionIds: versions.jsonFormat, specs: [
			['Initial version', { type: 'CODE', code_config: { name: names.jsonFormat, type: 'CUSTOM', data_granularity: 'SPAN', variables: ['output'], code: JSON_FORMAT_CODE } }],
		] },
		{ id: ids.answerCorrectness, name: 'Answer Correctness (harness)', type: 'HARNESS', description: 'Compares answers with expected_answer from the golden set.', created_at: '2026-06-30T13:00:00.000Z', updated_at: '2026-06-30T13:00:00.000Z', versionIds: versions.answerCorrectness, specs: [
			['Initial version', { type: 'HARNESS' }],
		] },
	] as const;
	for (const evaluator of evaluators) {
		const { versionIds, specs, ...fields } = evaluator;
		store.evaluators.set(evaluator.id, {
			...fields,
			created_by_user_id: SEED.userId,
			space_id: SEED.spaceId,
			versions: versionIds.map((id, i) => ({
				id,
				evaluator_id: evaluator.id,
				commit_hash: createHash('sha1').update(id).digest('hex'),
				commit_message: specs[i][0],
				created_at: i === versionIds.length - 1 ? evaluator.updated_at : evaluator.created_at,
				created_by_user_id: i === 0 ? SEED.userId : SEED.otherUserId,
				...structuredClone(specs[i][1] as Partial<EvaluatorVersion>),
			})),
		});
	}
}

function addSeedRuns(store: Store, taskId: string, runs: SeedRun[], firstNumber: number): void {
	runs.forEach((seedRun, i) => {
		const createdMs = Date.parse(seedRun.created);
		const finished = new Date(createdMs + seedRun.minutes * 60_000).toISOString();
		store.addRun(taskId, {
			id: seededId('TaskRun', firstNumber + i),
			status: seedRun.status,
			created_at: seedRun.created,
			run_started_at: new Date(createdMs + 20_000).toISOString(),
			run_finished_at: finished,
			data_start_time: seedRun.window?.[0] ?? null,
			data_end_time: seedRun.window?.[1] ?? null,
			experiment_id: seedRun.experimentId ?? null,
			...seedRun.counts,
			failure_reason:
				seedRun.failureReason ?? (seedRun.status === 'CANCELLED' ? 'Cancelled by user' : null),
		});
	});
	const last = store.runsOf(taskId).at(-1);
	const task = store.tasks.get(taskId);
	if (task && last) task.last_run_at = last.run_finished_at;
}

const counts = (num_successes: number, num_errors = 0, num_skipped = 0): TaskRunCounts => ({
	num_successes,
	num_errors,
	num_skipped,
});

function seedTasks(store: Store): void {
	const t = SEED.taskIds;
	const e = SEED.evaluatorIds;
	const x = SEED.experimentIds;
	const spanMappings = { input: 'attributes.input.value', output: 'attributes.output.value' };

	store.addTask({
		id: t.productionHallucination,
		name: 'Production Hallucination Check',
		type: 'TEMPLATE_EVALUATION',
		project_id: SEED.projectIds.supportChatbot,
		sampling_rate: 1,
		is_continuous: true,
		query_filter: "metadata.environment = 'production'",
		evaluators: [{ evaluator_id: e.hallucination, column_mappings: spanMappings }],
		created_at: '2026-02-20T10:00:00.000Z',
		updated_at: '2026-02-20T10:00:00.500Z',
	});
	addSeedRuns(store, t.productionHallucination, [
		{ status: 'COMPLETED', created: '2026-11-10T06:00:00.000Z', minutes: 7, counts: counts(412, 3, 11), window: ['2026-11-03T06:00:00.000Z', '2026-11-10T06:00:00.000Z'] },
		{ status: 'COMPLETED', created: '2026-11-17T06:00:00.000Z', minutes: 6, counts: counts(388, 0, 9), window: ['2026-11-10T06:07:00.000Z', '2026-11-17T06:00:00.000Z'] },
		{ status: 'COMPLETED', created: '2026-11-23T18:30:00.000Z', minutes: 5, counts: counts(301, 2, 4), window: ['2026-11-17T06:06:00.000Z', '2026-11-23T18:30:00.000Z'] },
	], 88001);

	store.addTask({
		id: t.chatbotRelevanceSample,
		name: 'Chatbot Relevance (10% sample)',
		type: 'TEMPLATE_EVALUATION',
		project_id: SEED.projectIds.supportChatbot,
		sampling_rate: 0.1,
		is_continuous: true,
		query_filter: "metadata.environment = 'production'",
		evaluators: [
			{ evaluator_id: e.relevance, query_filter: "attributes.llm.model_name = 'gpt-4o'", column_mappings: spanMappings },
			{ evaluator_id: e.hallucination, evaluator_version_id: SEED.evaluatorVersionIds.hallucination[1] },
		],
		created_at: '2026-03-11T14:25:00.000Z',
		updated_at: '2026-09-02T08:10:00.000Z',
		created_by_user_id: SEED.otherUserId,
	});
	addSeedRuns(store, t.chatbotRelevanceSample, [
		{ status: 'COMPLETED', created: '2026-11-05T12:00:00.000Z', minutes: 3, counts: counts(58, 1, 0), window: ['2026-11-04T12:00:00.000Z', '2026-11-05T12:00:00.000Z'] },
		{ status: 'FAILED', created: '2026-11-19T12:00:00.000Z', minutes: 2, counts: counts(12, 31, 0), window: ['2026-11-18T12:00:00.000Z', '2026-11-19T12:00:00.000Z'], failureReason: 'Evaluator "Relevance Eval": OpenAI returned 429 Too Many Requests for 31 consecutive calls; the run was stopped.' },
	], 88011);

	store.addTask({
		id: t.ragRetrievalRelevance,
		name: 'RAG Retrieval Relevance',
		type: 'TEMPLATE_EVALUATION',
		project_id: SEED.projectIds.ragSearch,
		sampling_rate: 0.5,
		is_continuous: false,
		evaluators: [{ evaluator_id: e.relevance, column_mappings: { input: 'attributes.input.value', output: 'attributes.retrieval.documents' } }],
		created_at: '2026-04-02T09:00:00.000Z',
		updated_at: '2026-04-02T09:00:00.000Z',
	});
	addSeedRuns(store, t.ragRetrievalRelevance, [
		{ status: 'CANCELLED', created: '2026-11-12T15:45:00.000Z', minutes: 1, counts: counts(0), window: ['2026-11-05T15:45:00.000Z', '2026-11-12T15:45:00.000Z'], failureReason: 'All matching spans already have evaluation labels. Trigger again with override_evaluations: true to re-evaluate them.' },
	], 88021);

	store.addTask({
		id: t.ragAnswerHallucination,
		name: 'RAG Answer Hallucination',
		type: 'TEMPLATE_EVALUATION',
		project_id: SEED.projectIds.ragSearch,
		sampling_rate: 0.25,
		is_continuous: true,
		evaluators: [{ evaluator_id: e.hallucination, column_mappings: spanMappings }],
		created_at: '2026-11-20T10:30:00.000Z',
		updated_at: '2026-11-20T10:30:00.000Z',
	});

	store.addTask({
		id: t.goldenRelevance,
		name: 'Golden Questions Relevance',
		type: 'TEMPLATE_EVALUATION',
		dataset_id: SEED.datasetId,
		experiment_ids: [x.baselineGpt4o, x.gpt41MiniPromptV3],
		evaluators: [{ evaluator_id: e.relevance, column_mappings: { input: 'question', output: 'output' } }],
		created_at: '2026-03-06T08:00:00.000Z',
		updated_at: '2026-10-29T08:00:00.000Z',
	});
	addSeedRuns(store, t.goldenRelevance, [
		{ status: 'COMPLETED', created: '2026-03-06T08:05:00.000Z', minutes: 2, counts: counts(18, 0, 2) },
		{ status: 'COMPLETED', created: '2026-10-29T08:05:00.000Z', minutes: 4, counts: counts(39, 1, 0) },
	], 88031);

	store.addTask({
		id: t.goldenHallucination,
		name: 'Golden Questions Hallucination',
		type: 'TEMPLATE_EVALUATION',
		dataset_id: SEED.datasetId,
		experiment_ids: [x.gpt41MiniPromptV3],
		query_filter: "output != ''",
		evaluators: [{ evaluator_id: e.hallucination, evaluator_version_id: SEED.evaluatorVersionIds.hallucination[2] }],
		created_at: '2026-10-30T11:00:00.000Z',
		updated_at: '2026-10-30T11:00:00.000Z',
	});
	addSeedRuns(store, t.goldenHallucination, [
		{ status: 'FAILED', created: '2026-10-30T11:02:00.000Z', minutes: 1, counts: counts(0, 20, 0), failureReason: 'Template variable {context} is not mapped to a dataset column.' },
	], 88041);

	store.addTask({
		id: t.chatbotJsonFormat,
		name: 'Chatbot JSON Output Format',
		type: 'CODE_EVALUATION',
		project_id: SEED.projectIds.supportChatbot,
		sampling_rate: 0.25,
		is_continuous: true,
		evaluators: [{ evaluator_id: e.jsonFormat, column_mappings: { output: 'attributes.output.value' } }],
		created_at: '2026-05-07T10:00:00.000Z',
		updated_at: '2026-11-03T11:15:00.000Z',
	});
	addSeedRuns(store, t.chatbotJsonFormat, [
		{ status: 'COMPLETED', created: '2026-11-03T11:20:00.000Z', minutes: 1, counts: counts(1204, 17, 0), window: ['2026-10-27T11:20:00.000Z', '2026-11-03T11:20:00.000Z'] },
		{ status: 'COMPLETED', created: '2026-11-21T00:00:00.000Z', minutes: 1, counts: counts(998, 4, 0), window: ['2026-11-14T00:00:00.000Z', '2026-11-21T00:00:00.000Z'] },
	], 88051);

	store.addTask({
		id: t.goldenJsonFormat,
		name: 'Golden Questions JSON Format',
		type: 'CODE_EVALUATION',
		dataset_id: SEED.datasetId,
		experiment_ids: [x.baselineGpt4o, x.answerCorrectnessSonnet, x.gpt41MiniPromptV3],
		evaluators: [{ evaluator_id: e.jsonFormat }],
		created_at: '2026-11-04T09:00:00.000Z',
		updated_at: '2026-11-04T09:00:00.000Z',
	});

	seedRunExperimentTasks(store);

	store.addTask({
		id: t.chatbotRelevancePaused,
		name: 'Chatbot Relevance (paused)',
		type: 'TEMPLATE_EVALUATION',
		project_id: SEED.projectIds.supportChatbot,
		sampling_rate: 0.05,
		is_continuous: false,
		evaluators: [{ evaluator_id: e.relevance, column_mappings: spanMappings }],
		created_at: '2026-09-09T09:09:00.000Z',
		updated_at: '2026-10-14T16:00:00.000Z',
		created_by_user_id: SEED.otherUserId,
	});
	addSeedRuns(store, t.chatbotRelevancePaused, [
		{ status: 'CANCELLED', created: '2026-10-14T15:50:00.000Z', minutes: 9, counts: counts(37, 0, 0), window: ['2026-10-07T15:50:00.000Z', '2026-10-14T15:50:00.000Z'] },
	], 88091);
}

function seedRunExperimentTasks(store: Store): void {
	const t = SEED.taskIds;
	const x = SEED.experimentIds;

	store.addTask({
		id: t.promptGeneration,
		name: 'Support prompt generation (gpt-4.1-mini)',
		type: 'RUN_EXPERIMENT',
		dataset_id: SEED.datasetId,
		run_configuration: {
			experiment_type: 'LLM_GENERATION',
			ai_integration_id: SEED.aiIntegrationIds.openai,
			model_name: 'gpt-4.1-mini',
			messages: [
				{ role: 'SYSTEM', content: 'You are a concise support assistant. Answer in at most three sentences.' },
				{ role: 'USER', content: '{question}' },
			],
			input_variable_format: 'F_STRING',
			invocation_parameters: { temperature: 0.2, max_tokens: 512 },
			provider_parameters: {},
		},
		created_at: '2026-03-05T10:00:00.000Z',
		updated_at: '2026-10-28T09:40:00.000Z',
	});
	addSeedRuns(store, t.promptGeneration, [
		{ status: 'COMPLETED', created: '2026-03-05T10:10:00.000Z', minutes: 4, counts: counts(20), experimentId: x.baselineGpt4o },
		{ status: 'COMPLETED', created: '2026-10-28T09:45:00.000Z', minutes: 3, counts: counts(19, 1, 0), experimentId: x.gpt41MiniPromptV3 },
	], 88061);

	store.addTask({
		id: t.answerCorrectnessJudge,
		name: 'Answer correctness judge (Sonnet)',
		type: 'RUN_EXPERIMENT',
		dataset_id: SEED.datasetId,
		run_configuration: {
			experiment_type: 'TEMPLATE_EVALUATION',
			ai_integration_id: SEED.aiIntegrationIds.anthropic,
			model_name: 'claude-sonnet-4-5',
			template:
				'Question: {{question}}\nReference answer: {{reference}}\nAnswer: {{answer}}\nIs the answer correct? Reply "correct" or "incorrect".',
			provide_explanation: true,
			classification_choices: { correct: 1, incorrect: 0 },
			column_mapping: { question: 'question', reference: 'expected_answer', answer: 'output' },
			evaluator_version_id: SEED.evaluatorVersionIds.answerCorrectness[0],
			provider_parameters: {},
		},
		created_at: '2026-09-20T15:00:00.000Z',
		updated_at: '2026-09-20T15:00:00.000Z',
	});
	addSeedRuns(store, t.answerCorrectnessJudge, [
		{ status: 'COMPLETED', created: '2026-09-20T15:30:00.000Z', minutes: 6, counts: counts(17, 0, 3), experimentId: x.answerCorrectnessSonnet },
	], 88071);

	store.addTask({
		id: t.supportAgentRegression,
		name: 'Support agent regression',
		type: 'RUN_EXPERIMENT',
		dataset_id: SEED.datasetId,
		run_configuration: {
			experiment_type: 'AGENT_CALL',
			integration_id: SEED.agentIntegrationId,
			input_template: { message: '{{question}}', session: { channel: 'regression-suite' } },
		},
		created_at: '2026-11-18T08:00:00.000Z',
		updated_at: '2026-11-18T08:00:00.000Z',
	});
	addSeedRuns(store, t.supportAgentRegression, [
		{ status: 'FAILED', created: '2026-11-18T08:05:00.000Z', minutes: 2, counts: counts(0, 20, 0), failureReason: 'Agent integration "Support Agent (staging)" returned HTTP 503 for 20 of 20 examples.' },
	], 88081);
}
