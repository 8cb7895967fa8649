import { checkColumns, FilterError, matches, parseFilter } from './filter.ts';
import type { ColumnResolver, FilterExpr } from './filter.ts';
import { stableNumber } from './run-outcomes.ts';
import type {
	Dataset,
	Evaluation,
	Evaluator,
	EvaluatorVersion,
	Experiment,
	ExperimentRun,
	RunConfiguration,
	Span,
	Task,
	TaskRunCounts,
} from './types.ts';

// What a finished run leaves behind: a RUN_EXPERIMENT run fills its experiment with one run
// per selected example; an evaluation run writes labels under each evaluator's evaluation name onto the spans or
// experiment runs it covered. Every outcome is derived from ids (stableNumber), so the same data gives the same
// labels, errors and samples on every run of the tests.

/** The part of the store a run's effects read and write (the store's own class has it; no import of it here). */
export interface EffectsStore {
	readonly evaluators: ReadonlyMap<string, Evaluator>;
	readonly experiments: ReadonlyMap<string, Experiment>;
	readonly datasets: ReadonlyMap<string, Dataset>;
	experimentRunsOf(experimentId: string): ExperimentRun[];
	addExperimentRuns(experimentId: string, runs: Array<Partial<ExperimentRun>>): ExperimentRun[];
	spansOf(projectId: string): Span[];
}

export interface RunOutcome {
	/** COMPLETED normally; CANCELLED when everything it matched was already labelled. */
	status: 'COMPLETED' | 'CANCELLED' | 'FAILED';
	counts: TaskRunCounts;
	failure_reason: string | null;
}

export interface EvaluationScope {
	/** Project tasks: spans that start in [start, end). */
	window?: { start: string; end: string };
	/** Dataset tasks: the experiments to evaluate (the trigger's experiment_ids, else the task's). */
	experiment_ids?: string[];
	override_evaluations: boolean;
	/** At most this many spans or experiment runs are looked at (the trigger's max_spans, default 10000). */
	max_spans: number;
}

export const ALREADY_LABELLED_REASON =
	'All matching spans already have evaluation labels. Trigger again with override_evaluations: true to re-evaluate them.';

const ZERO: TaskRunCounts = { num_successes: 0, num_errors: 0, num_skipped: 0 };

/** The labels CODE evaluators write (a code check passes or fails; the spec gives CODE versions no choices). */
export const CODE_EVALUATOR_CHOICES: Record<string, number> = { pass: 1, fail: 0 };
/** HARNESS and REMOTE evaluators' labels; their evaluation name is not readable through the API. */
const OPAQUE_EVALUATOR_CHOICES: Record<string, number> = { correct: 1, incorrect: 0 };

// ---- evaluators -----------------------------------------------------------------------------------------------

/** The version a task evaluator runs: the pinned one when it still exists, else the latest. */
export function versionFor(evaluator: Evaluator, pinnedVersionId: string | null): EvaluatorVersion | undefined {
	return evaluator.versions.find((version) => version.id === pinnedVersionId) ?? evaluator.versions.at(-1);
}

/**
 * The eval column name results are stored under: template_config.name or code_config.name. HARNESS and REMOTE
 * versions expose no configuration, so their results go under a name derived from the evaluator's display name,
 * which no endpoint returns (the reference's point: their results cannot be located).
 */
export function evaluationName(evaluator: Evaluator, version: EvaluatorVersion | undefined): string {
	const configured = version?.template_config?.name ?? version?.code_config?.name;
	if (configured) return configured;
	return evaluator.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

interface Judge {
	name: string;
	choices: Record<string, number> | null;
	explain: boolean;
	/** The label a good answer gets: highest score when maximising, lowest when minimising. */
	good: string | undefined;
	filter: FilterExpr | undefined;
}

function judgeFor(evaluator: Evaluator, version: EvaluatorVersion | undefined, filter: FilterExpr | undefined): Judge {
	const template = version?.template_config;
	const choices =
		evaluator.type === 'TEMPLATE'
			? (template?.classification_choices ?? null)
			: evaluator.type === 'CODE'
				? CODE_EVALUATOR_CHOICES
				: OPAQUE_EVALUATOR_CHOICES;
	const ranked = choices ? Object.entries(choices).sort(([, a], [, b]) => b - a) : [];
	const good = (template?.direction === 'MINIMIZE' ? ranked.at(-1) : ranked[0])?.[0];
	return { name: evaluationName(evaluator, version), choices, explain: template?.include_explanations ?? false, good, filter };
}

/** One judgement: undefined when the evaluator errored on this item (about 1 in 40). */
function judge(judgeSpec: Judge, itemKey: string): Evaluation | undefined {
	const key = `${itemKey}:${judgeSpec.name}`;
	if (stableNumber(`${key}:error`, 40) === 0) return undefined;
	const evaluation: Evaluation = { name: judgeSpec.name };
	const labels = judgeSpec.choices ? Object.keys(judgeSpec.choices) : [];
	if (judgeSpec.choices && labels.length > 0) {
		const others = labels.filter((label) => label !== judgeSpec.good);
		const label =
			stableNumber(`${key}:label`, 100) < 80 || others.length === 0
				? judgeSpec.good!
				: others[stableNumber(`${key}:other`, others.length)];
		evaluation.label = label;
		evaluation.score = judgeSpec.choices[label];
	}
	if (judgeSpec.explain || !evaluation.label) {
		evaluation.explanation =
			evaluation.label === undefined
				? 'Freeform judgement: the answer is mostly consistent with the reference.'
				: evaluation.label === judgeSpec.good
					? `Labelled ${evaluation.label}: the answer addresses the question and agrees with the reference.`
					: `Labelled ${evaluation.label}: the answer misses the question or states what the reference does not support.`;
	}
	return evaluation;
}

// ---- columns the filters read -------------------------------------------------------------------------------

const SPAN_FIELDS = ['name', 'kind', 'status_message', 'parent_id', 'start_time', 'end_time'] as const;
const EVAL_FIELDS = ['label', 'score', 'explanation'];
const ANNOTATION_FIELDS = ['label', 'score', 'text'];

function attribute(attributes: Span['attributes'], path: string[]): unknown {
	if (!attributes) return undefined;
	const flat = attributes[path.join('.')];
	if (flat !== undefined) return flat;
	let value: unknown = attributes;
	for (const segment of path) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as Record<string, unknown>)[segment];
	}
	return value;
}

function namedEntry(entries: Array<{ name: string }> | undefined, column: string[], fields: string[]): unknown {
	const [root, name, field, ...rest] = column;
	if (name === undefined || field === undefined || rest.length > 0 || !fields.includes(field)) {
		throw new FilterError(
			`column '${column.join('.')}' must be ${root}.<name>.${fields.join('|')}; put a name with spaces or symbols in double quotes`,
		);
	}
	return (entries?.find((entry) => entry.name === name) as Record<string, unknown> | undefined)?.[field];
}

/**
 * Span columns: name, kind, status_code (UNSET when absent), status_message, parent_id, start_time, end_time,
 * latency_ms, context.trace_id, context.span_id, attributes.<key>, metadata.<key> (the `metadata.*` attributes),
 * eval.<name>.label|score|explanation and annotation.<name>.label|score|text. Any other column is an error.
 */
export function spanColumns(span: Span): ColumnResolver {
	return (column) => {
		const [root, ...rest] = column;
		if (rest.length === 0 && (SPAN_FIELDS as readonly string[]).includes(root)) return span[root as (typeof SPAN_FIELDS)[number]];
		if (rest.length === 0 && root === 'status_code') return span.status_code ?? 'UNSET';
		if (rest.length === 0 && root === 'latency_ms') return Date.parse(span.end_time) - Date.parse(span.start_time);
		if (root === 'context' && rest.length === 1 && (rest[0] === 'trace_id' || rest[0] === 'span_id')) return span.context[rest[0]];
		if (root === 'attributes' && rest.length > 0) return attribute(span.attributes, rest);
		if (root === 'metadata' && rest.length > 0) return attribute(span.attributes, column);
		if (root === 'eval') return namedEntry(span.evaluations, column, EVAL_FIELDS);
		if (root === 'annotation') return namedEntry(span.annotations, column, ANNOTATION_FIELDS);
		throw new FilterError(
			`unknown column '${column.join('.')}'; span columns are name, kind, status_code, status_message, parent_id, start_time, end_time, latency_ms, context.trace_id, context.span_id, attributes.<key>, metadata.<key>, eval.<name>.label|score|explanation and annotation.<name>.label|score|text`,
		);
	};
}

/** Experiment-run columns: any key of the run, dotted keys read as one flat key (`eval.relevance.label`). */
export function experimentRunColumns(run: ExperimentRun): ColumnResolver {
	return (column) => (column[0] === 'annotation' ? namedEntry(run.annotations, column, ANNOTATION_FIELDS) : run[column.join('.')]);
}

const EMPTY_SPAN: Span = { name: '', context: { trace_id: '', span_id: '' }, kind: 'UNKNOWN', start_time: '', end_time: '' };

/** Parses a filter over spans: a FilterError for bad syntax or a column spans do not have. */
export function parseSpanFilter(text: string): FilterExpr {
	const expr = parseFilter(text);
	checkColumns(expr, spanColumns(EMPTY_SPAN));
	return expr;
}

class RunFailure extends Error {}

/** Parses a stored filter for a run; a broken one fails the run with a reason that names it. */
function compileFilter(text: string | null, what: string, onSpans: boolean): FilterExpr | undefined {
	if (text === null || text.trim() === '') return undefined;
	try {
		return onSpans ? parseSpanFilter(text) : parseFilter(text);
	} catch (error) {
		if (error instanceof FilterError) throw new RunFailure(`${what} is not a valid filter: ${error.message}.`);
		throw error;
	}
}

// ---- evaluation runs --------------------------------------------------------------------------------------------

/** Whether a span falls in a run's sample: a fixed share of span ids, so every task with that rate picks the same spans. */
export function inSample(spanId: string, samplingRate: number | null): boolean {
	return stableNumber(`sample:${spanId}`, 1_000_000) < (samplingRate ?? 1) * 1_000_000;
}

interface EvaluationItem {
	key: string;
	columns: ColumnResolver;
	has(name: string): boolean;
	write(evaluation: Evaluation): void;
}

function spanItem(span: Span): EvaluationItem {
	return {
		key: span.context.span_id,
		columns: spanColumns(span),
		has: (name) => span.evaluations?.some((evaluation) => evaluation.name === name) ?? false,
		write: (evaluation) => {
			const kept = (span.evaluations ?? []).filter((existing) => existing.name !== evaluation.name);
			span.evaluations = [...kept, evaluation];
		},
	};
}

/** Dataset-based results land as flat eval.<name>.* keys on the experiment run. */
function experimentRunItem(run: ExperimentRun): EvaluationItem {
	return {
		key: run.id,
		columns: experimentRunColumns(run),
		has: (name) => run[`eval.${name}.label`] !== undefined || run[`eval.${name}.score`] !== undefined,
		write: (evaluation) => {
			for (const field of EVAL_FIELDS) delete run[`eval.${evaluation.name}.${field}`];
			for (const field of EVAL_FIELDS) {
				const value = evaluation[field as keyof Evaluation];
				if (value !== undefined) run[`eval.${evaluation.name}.${field}`] = value;
			}
		},
	};
}

/**
 * Writes the task's evaluations onto what `scope` covers and returns the run's outcome. Counts are per item and
 * evaluator: a success per evaluation written, an error where the evaluator failed on an item (nothing written), a
 * skip where the item already had that evaluation and override_evaluations is false. Items outside the sample or not
 * matching an evaluator's query_filter are not counted.
 */
export function writeEvaluations(store: EffectsStore, task: Task, scope: EvaluationScope): RunOutcome {
	try {
		const isProject = task.project_id !== null;
		const taskFilter = compileFilter(task.query_filter, "The task's query_filter", isProject);
		const judges = task.evaluators.flatMap((taskEvaluator) => {
			const evaluator = store.evaluators.get(taskEvaluator.evaluator_id);
			if (!evaluator) return [];
			const filter = compileFilter(taskEvaluator.query_filter, `The query_filter of evaluator '${evaluator.name}'`, isProject);
			return [judgeFor(evaluator, versionFor(evaluator, taskEvaluator.evaluator_version_id), filter)];
		});
		const items = (isProject ? projectItems(store, task, scope) : datasetItems(store, task, scope))
			.filter((item) => !taskFilter || matches(taskFilter, item.columns))
			.slice(0, scope.max_spans);

		const counts = { ...ZERO };
		for (const item of items) {
			for (const judgeSpec of judges) {
				if (judgeSpec.filter && !matches(judgeSpec.filter, item.columns)) continue;
				if (!scope.override_evaluations && item.has(judgeSpec.name)) {
					counts.num_skipped += 1;
					continue;
				}
				const evaluation = judge(judgeSpec, item.key);
				if (!evaluation) {
					counts.num_errors += 1;
					continue;
				}
				item.write(evaluation);
				counts.num_successes += 1;
			}
		}
		if (counts.num_skipped > 0 && counts.num_successes === 0 && counts.num_errors === 0) {
			return { status: 'CANCELLED', counts: { ...ZERO }, failure_reason: ALREADY_LABELLED_REASON };
		}
		return { status: 'COMPLETED', counts, failure_reason: null };
	} catch (error) {
		if (error instanceof RunFailure) return { status: 'FAILED', counts: { ...ZERO }, failure_reason: error.message };
		throw error;
	}
}

/** The project's spans that start in the window and fall in the sample, oldest first (the order a run works in). */
function projectItems(store: EffectsStore, task: Task, scope: EvaluationScope): EvaluationItem[] {
	if (!scope.window) return [];
	const { start, end } = scope.window;
	const startMs = Date.parse(start);
	const endMs = Date.parse(end);
	return store
		.spansOf(task.project_id!)
		.filter((span) => {
			const at = Date.parse(span.start_time);
			return at >= startMs && at < endMs && inSample(span.context.span_id, task.sampling_rate);
		})
		.sort((a, b) => Date.parse(a.start_time) - Date.parse(b.start_time))
		.map(spanItem);
}

function datasetItems(store: EffectsStore, task: Task, scope: EvaluationScope): EvaluationItem[] {
	const experimentIds = scope.experiment_ids?.length ? scope.experiment_ids : task.experiment_ids;
	return experimentIds.flatMap((experimentId) => store.experimentRunsOf(experimentId).map(experimentRunItem));
}

// ---- RUN_EXPERIMENT runs --------------------------------------------------------------------------------------

const TASK_ERRORS = [
	'LLM provider returned HTTP 429 Too Many Requests after 3 retries.',
	'Request timed out after 60 s.',
	'Template variable {question} is empty for this example.',
];

/**
 * The examples whose task fails: `count` of them (default about one in ten), picked by a hash of the experiment name
 * and example id.
 */
function failingExamples(experimentName: string, exampleIds: string[], count?: number): Set<string> {
	const wanted = count ?? Math.floor(exampleIds.length / 10) + stableNumber(`${experimentName}:errors`, 2);
	const ranked = [...exampleIds].sort(
		(a, b) => stableNumber(`${experimentName}:${a}`, 1_000_000) - stableNumber(`${experimentName}:${b}`, 1_000_000),
	);
	return new Set(ranked.slice(0, Math.min(wanted, exampleIds.length)));
}

function outputFor(config: RunConfiguration | null | undefined, example: Record<string, unknown>, key: string): string {
	const answer = typeof example.expected_answer === 'string' ? example.expected_answer : `Answer for example ${example.id}`;
	switch (config?.experiment_type) {
		case 'TEMPLATE_EVALUATION': {
			const labels = Object.keys(config.classification_choices ?? { correct: 1, incorrect: 0 });
			return labels[stableNumber(`${key}:verdict`, 100) < 80 ? 0 : labels.length - 1];
		}
		case 'AGENT_CALL':
			return JSON.stringify({ reply: answer, handoff: false });
		default:
			return answer;
	}
}

/**
 * The experiment runs a RUN_EXPERIMENT run produces: one per example, in the order given (dataset order), each with
 * either a string output or an error (output null), plus latency_ms and, for LLM generation, the model.
 */
export function experimentRunsFor(
	dataset: Dataset | undefined,
	experiment: Experiment,
	exampleIds: string[],
	config: RunConfiguration | null | undefined,
	errorCount?: number,
): Array<Partial<ExperimentRun>> {
	const examples = new Map((dataset?.examples ?? []).map((example) => [example.id, example]));
	const failing = failingExamples(experiment.name, exampleIds, errorCount);
	return exampleIds.map((exampleId, index) => {
		const key = `${experiment.name}:${exampleId}`;
		const failed = failing.has(exampleId);
		const run: Partial<ExperimentRun> = {
			example_id: exampleId,
			output: failed ? null : outputFor(config, examples.get(exampleId) ?? { id: exampleId }, key),
			error: failed ? TASK_ERRORS[index % TASK_ERRORS.length] : null,
			latency_ms: 400 + stableNumber(`${key}:latency`, 2600),
		};
		if (config?.experiment_type === 'LLM_GENERATION' && config.model_name) run.model = config.model_name;
		return run;
	});
}

/** Fills a provisioned experiment with its runs; the run's counts are what was written. */
export function runExperiment(store: EffectsStore, task: Task, experimentId: string, exampleIds: string[]): RunOutcome {
	const experiment = store.experiments.get(experimentId);
	if (!experiment) return { status: 'COMPLETED', counts: { ...ZERO }, failure_reason: null };
	const dataset = store.datasets.get(experiment.dataset_id);
	const runs = store.addExperimentRuns(experimentId, experimentRunsFor(dataset, experiment, exampleIds, task.run_configuration));
	const num_errors = runs.filter((run) => run.error !== null).length;
	return { status: 'COMPLETED', counts: { num_successes: runs.length - num_errors, num_errors, num_skipped: 0 }, failure_reason: null };
}
