import { experimentRunsFor, writeEvaluations } from './run-effects.ts';
import { stableNumber } from './run-outcomes.ts';
import { QUESTIONS, SEED } from './seed.ts';
import type { Store } from './store.ts';
import type { Annotation, JsonObject, RunConfiguration, Span } from './types.ts';

// The results side of the seed: a week of traces in both projects, with the evaluations earlier runs
// of the seed tasks wrote, and the runs of the three seed experiments with the relevance labels of the dataset task.
// Everything is derived from fixed timestamps and hashes, so the seed is the same on every start.

const iso = (ms: number) => new Date(ms).toISOString();
const RATE_LIMIT = 'openai.RateLimitError: Error code: 429 - Rate limit reached for gpt-4o';

/** The n-th of `count` traces spread over the span window, with a little jitter so starts never tie. */
function traceStart(project: string, index: number, count: number): number {
	const start = Date.parse(SEED.spanWindow.start);
	const step = (Date.parse(SEED.spanWindow.end) - start) / count;
	return Math.round(start + index * step + stableNumber(`${project}:${index}:jitter`, Math.floor(step / 2)));
}

function errorEvent(timestamp: string): Span['events'] {
	return [{ name: 'exception', timestamp, attributes: { 'exception.type': 'RateLimitError', 'exception.message': RATE_LIMIT } }];
}

function feedback(key: string, at: string): Annotation[] | undefined {
	if (stableNumber(`${key}:feedback`, 12) !== 0) return undefined;
	const down = stableNumber(`${key}:thumbs`, 3) === 0;
	return [{ name: 'user_feedback', label: down ? 'thumbs_down' : 'thumbs_up', score: down ? 0 : 1, updated_at: at }];
}

/** support-chatbot: a CHAIN root (with metadata.environment) and its LLM call per trace. */
function seedChatbotSpans(store: Store): void {
	const projectId = SEED.projectIds.supportChatbot;
	const count = SEED.traceCounts.supportChatbot;
	for (let i = 0; i < count; i++) {
		const startMs = traceStart('chatbot', i, count);
		const [question, answer] = QUESTIONS[i % QUESTIONS.length];
		const failed = stableNumber(`chatbot:${i}:error`, 25) === 0;
		const llmMs = 700 + stableNumber(`chatbot:${i}:llm`, 2500);
		const end = iso(startMs + llmMs + 120);
		const model = stableNumber(`chatbot:${i}:model`, 10) < 6 ? 'gpt-4o' : 'gpt-4o-mini';
		const status = failed ? { status_code: 'ERROR' as const, status_message: RATE_LIMIT } : { status_code: 'OK' as const };
		const [root] = store.addSpans(projectId, [
			{
				name: 'support-chat',
				kind: 'CHAIN',
				start_time: iso(startMs),
				end_time: end,
				...status,
				attributes: {
					'input.value': question,
					...(failed ? {} : { 'output.value': answer }),
					'metadata.environment': stableNumber(`chatbot:${i}:env`, 5) === 0 ? 'staging' : 'production',
					'session.id': `sess-${(1000 + Math.floor(i / 3)).toString(36)}`,
				},
				annotations: feedback(`chatbot:${i}`, end),
			},
		]);
		const attributes: JsonObject = {
			'llm.model_name': model,
			'llm.provider': 'openai',
			'input.value': question,
			'llm.token_count.prompt': 180 + stableNumber(`chatbot:${i}:prompt`, 400),
		};
		if (!failed) {
			attributes['output.value'] = answer;
			attributes['llm.token_count.completion'] = 20 + stableNumber(`chatbot:${i}:completion`, 120);
		}
		store.addSpans(projectId, [
			{
				name: 'ChatCompletion',
				kind: 'LLM',
				context: { trace_id: root.context.trace_id },
				parent_id: root.context.span_id,
				start_time: iso(startMs + 60),
				end_time: iso(startMs + 60 + llmMs),
				...status,
				attributes,
				...(failed ? { events: errorEvent(iso(startMs + 60 + llmMs)) } : {}),
			},
		]);
	}
}

/** rag-search: a CHAIN root, a RETRIEVER and an LLM span per trace. */
function seedRagSpans(store: Store): void {
	const projectId = SEED.projectIds.ragSearch;
	const count = SEED.traceCounts.ragSearch;
	for (let i = 0; i < count; i++) {
		const startMs = traceStart('rag', i, count);
		const [question, answer] = QUESTIONS[(i + 3) % QUESTIONS.length];
		const retrieveMs = 80 + stableNumber(`rag:${i}:retrieve`, 300);
		const llmMs = 900 + stableNumber(`rag:${i}:llm`, 2000);
		const [root] = store.addSpans(projectId, [
			{
				name: 'rag-query',
				kind: 'CHAIN',
				start_time: iso(startMs),
				end_time: iso(startMs + retrieveMs + llmMs + 50),
				status_code: 'OK',
				attributes: { 'input.value': question, 'output.value': answer, 'metadata.environment': 'production' },
			},
		]);
		const trace = root.context.trace_id;
		const documents = [1, 2, 3].map((rank) => ({ 'document.id': `kb-${(i * 7 + rank) % 120}`, 'document.score': 0.9 - rank * 0.1 }));
		store.addSpans(projectId, [
			{
				name: 'retrieve',
				kind: 'RETRIEVER',
				context: { trace_id: trace },
				parent_id: root.context.span_id,
				start_time: iso(startMs + 10),
				end_time: iso(startMs + 10 + retrieveMs),
				status_code: 'OK',
				attributes: { 'input.value': question, 'retrieval.documents': documents },
			},
			{
				name: 'generate',
				kind: 'LLM',
				context: { trace_id: trace },
				parent_id: root.context.span_id,
				start_time: iso(startMs + 20 + retrieveMs),
				end_time: iso(startMs + 20 + retrieveMs + llmMs),
				status_code: 'OK',
				attributes: { 'llm.model_name': 'claude-sonnet-4-5', 'llm.provider': 'anthropic', 'input.value': question, 'output.value': answer },
			},
		]);
	}
}

function seedExperimentRuns(store: Store): void {
	const x = SEED.experimentIds;
	const dataset = store.datasets.get(SEED.datasetId);
	const exampleIds = (dataset?.examples ?? []).map((example) => example.id);
	const configOf = (taskId: string) => store.tasks.get(taskId)?.run_configuration ?? null;
	const generation = configOf(SEED.taskIds.promptGeneration);
	const baselineConfig =
		generation?.experiment_type === 'LLM_GENERATION' ? { ...generation, model_name: 'gpt-4o' } : generation;
	const plans: Array<[string, number, RunConfiguration | null, number]> = [
		[x.baselineGpt4o, SEED.experimentRunCounts.baselineGpt4o, baselineConfig, 0],
		[x.answerCorrectnessSonnet, SEED.experimentRunCounts.answerCorrectnessSonnet, configOf(SEED.taskIds.answerCorrectnessJudge), 0],
		[x.gpt41MiniPromptV3, SEED.experimentRunCounts.gpt41MiniPromptV3, generation, 1],
	];
	for (const [experimentId, count, config, errors] of plans) {
		const experiment = store.experiments.get(experimentId);
		if (!experiment) continue;
		const runs = store.addExperimentRuns(experimentId, experimentRunsFor(dataset, experiment, exampleIds.slice(0, count), config, errors));
		runs[2].annotations = [{ name: 'reviewer_verdict', label: 'approved', score: 1, text: 'Matches the reference answer.', updated_at: experiment.created_at }];
		experiment.updated_at = iso(Date.parse(experiment.created_at) + 4 * 60_000);
	}
}

/** Evaluations the seed tasks' earlier runs left behind, written the way a run writes them. */
function seedEvaluations(store: Store): void {
	const t = SEED.taskIds;
	const scope = { override_evaluations: false, max_spans: 10_000 };
	const writes: Array<[string, { start: string; end: string } | undefined]> = [
		// The last run of each project task whose window overlaps the seeded spans.
		[t.productionHallucination, { start: '2026-11-17T06:06:00.000Z', end: '2026-11-23T18:30:00.000Z' }],
		[t.chatbotJsonFormat, { start: '2026-11-14T00:00:00.000Z', end: '2026-11-21T00:00:00.000Z' }],
		// rag-search spans were labelled for relevance by runs older than the seed's history.
		[t.ragRetrievalRelevance, SEED.spanWindow],
		// Dataset task: eval.relevance.* on the runs of its two experiments.
		[t.goldenRelevance, undefined],
	];
	for (const [taskId, window] of writes) {
		const task = store.tasks.get(taskId);
		if (task) writeEvaluations(store, task, { ...scope, window });
	}
}

export function seedResults(store: Store): void {
	seedChatbotSpans(store);
	seedRagSpans(store);
	seedExperimentRuns(store);
	seedEvaluations(store);
}
