import { createHash } from 'node:crypto';

import { normaliseEnum } from './enums.ts';
import { randomId, seededId } from './ids.ts';
import { runExperiment, writeEvaluations } from './run-effects.ts';
import type { RunOutcome } from './run-effects.ts';
import {
	defaultCounts,
	defaultFailureReason,
	isTerminal,
	plannedCounts,
	USER_CANCEL_REASON,
} from './run-outcomes.ts';
import type { DeliveryAttempt, Organization, Prompt, PromptVersion, Webhook, WebhookSubscription } from './webhooks/types.ts';
import type {
	AiIntegration,
	Dataset,
	Evaluator,
	Experiment,
	ExperimentRun,
	Integration,
	Project,
	Space,
	Span,
	Task,
	TaskEvaluator,
	TaskRun,
	TaskRunCounts,
	TaskType,
	TerminalRunStatus,
} from './types.ts';
import { SPAN_KINDS, SPAN_STATUS_CODES } from './types.ts';

export interface StoreOptions {
	/**
	 * Fills the store when it is made and again on every reset(): the sandbox's seed, as createStore (index.ts) passes
	 * it. Without it the store starts empty.
	 */
	load?: (store: Store) => void;
	/** How long a triggered run takes from PENDING to COMPLETED. Default 3000. */
	runDurationMs?: number;
}

export type TaskInput = Partial<Omit<Task, 'evaluators'>> & {
	type: TaskType;
	name: string;
	evaluators?: Array<Partial<TaskEvaluator> & { evaluator_id: string }>;
};

export type RunInput = Partial<TaskRun>;

/** How GET /v2/tasks/{id}/runs orders a task's runs (see Store.listedRunsOf). */
export const RUN_ORDERS = ['newest', 'oldest', 'shuffled'] as const;
export type RunOrder = (typeof RUN_ORDERS)[number];

/**
 * addSpans input: any span field, with context (trace_id, span_id) filled in where left out. kind and status_code
 * take any casing (a plain string, so test data needs no `as const`); unknown values throw.
 */
export type SpanInput = Partial<Omit<Span, 'context' | 'kind' | 'status_code'>> & {
	context?: Partial<Span['context']>;
	kind?: string;
	status_code?: string;
};

function spanEnum<T extends string>(value: string, allowed: readonly T[], field: string): T {
	const known = normaliseEnum(value, allowed);
	if (!known) throw new Error(`Span ${field} '${value}' is not one of ${allowed.join(', ')}`);
	return known;
}

export type FinishCounts = Partial<TaskRunCounts> & { failure_reason?: string | null };

/** What POST /v2/tasks/{id}/trigger has worked out for a new run. */
export interface RunPlan {
	data_start_time: string | null;
	data_end_time: string | null;
	/** A run planned without `experiment.example_ids` or `evaluation`: the items it processes, made into plausible counts. */
	total?: number;
	/**
	 * RUN_EXPERIMENT: the experiment to provision when the run starts, and the examples it runs (dataset order); when
	 * example_ids is given the run fills the experiment with one run per example on completion, and its counts are those.
	 */
	experiment?: { name: string; dataset_id: string; dataset_version_id: string | null; example_ids?: string[] };
	/**
	 * Evaluation runs: what the run covers. When given, the run writes its evaluations on completion
	 * (run-effects.ts) and its counts are what it wrote; without it, counts are made up from `total`.
	 */
	evaluation?: { override_evaluations: boolean; max_spans: number; experiment_ids?: string[] };
}

/** Bookkeeping for a triggered run that still moves PENDING → RUNNING → COMPLETED on its own. */
interface RunProgress {
	createdMs: number;
	durationMs: number;
	counts: TaskRunCounts;
	/** Cleared once the experiment is provisioned. */
	experiment?: RunPlan['experiment'];
	exampleIds?: string[];
	evaluation?: RunPlan['evaluation'];
}

const FIRST_RUNTIME_NUMBER = 70_001;
const iso = (ms: number) => new Date(ms).toISOString();

/** A deterministic lowercase hex id (OpenTelemetry trace ids are 32 hex digits, span ids 16). */
/** A run's place in the shuffled listing: a hash of its id, so it does not change between requests. */
const shuffleKey = (runId: string) => createHash('sha256').update(runId).digest().readUInt32BE(0);
const hexId = (seed: string, digits: number) => createHash('sha256').update(seed).digest('hex').slice(0, digits);

/**
 * The sandbox's in-memory data. Every collection is a Map of plain JSON objects; Map iteration order is insertion
 * order, which is also the order list endpoints return (except datasets and evaluators, which Arize sorts).
 */
export class Store {
	spaces = new Map<string, Space>();
	projects = new Map<string, Project>();
	datasets = new Map<string, Dataset>();
	experiments = new Map<string, Experiment>();
	evaluators = new Map<string, Evaluator>();
	aiIntegrations = new Map<string, AiIntegration>();
	integrations = new Map<string, Integration>();
	tasks = new Map<string, Task>();
	runs = new Map<string, TaskRun>();
	/** Experiment id → its runs in insertion order (Arize: "stable insertion order"). */
	experimentRuns = new Map<string, ExperimentRun[]>();
	/** Project id → its spans in insertion order (POST /v2/spans sorts them newest first). */
	spans = new Map<string, Span[]>();
	/**
	 * The last number given to deterministic ids ('ExperimentRun', 'Span'). A collection like the others, so a
	 * snapshot of the store's Maps carries it and restored data keeps getting fresh ids.
	 */
	idSequences = new Map<string, number>();
	// Webhooks and what they report on (sandbox/webhooks/): Maps like the rest, so the data file keeps them.
	organizations = new Map<string, Organization>();
	prompts = new Map<string, Prompt>();
	/** Prompt version id → version, in creation order. */
	promptVersions = new Map<string, PromptVersion>();
	webhooks = new Map<string, Webhook>();
	webhookSubscriptions = new Map<string, WebhookSubscription>();
	/** Webhook id → its delivery attempts, oldest first. */
	webhookDeliveryAttempts = new Map<string, DeliveryAttempt[]>();
	/** Task id → the failure_reason online_task.run.failed was last sent for; absent while the task is not failing. */
	taskFailureCauses = new Map<string, string>();
	/** Told when a run reaches a terminal status (sandbox/webhooks/ listens); a Store on its own has no listener. */
	onRunFinished: ((run: TaskRun) => void) | undefined;

	/** Duration given to runs created by a trigger from now on; runs already under way keep theirs. */
	runDurationMs: number;
	/** The user every API key acts as (`created_by_user_id`); the seed names its own. */
	userId: string = randomId('User', 1);
	/** The clock run progression reads; tests may replace it. */
	now: () => number = () => Date.now();
	/** The order of a task's runs listing (listedRunsOf); not part of the data, so reset() keeps it. */
	runOrder: RunOrder = 'newest';

	#load: ((store: Store) => void) | undefined;
	#nextNumber = new Map<string, number>();
	#bulkCounter = 0;
	#taskListCache: Task[] | undefined;
	#runIdsByTask = new Map<string, string[]>();
	#progress = new Map<string, RunProgress>();

	constructor(options: StoreOptions = {}) {
		this.#load = options.load;
		this.runDurationMs = options.runDurationMs ?? 3000;
		this.reset();
	}

	/** Empties every collection and loads the store's data again (options.load, when it was given one). */
	reset(): void {
		for (const collection of [
			this.spaces,
			this.projects,
			this.datasets,
			this.experiments,
			this.evaluators,
			this.aiIntegrations,
			this.integrations,
			this.tasks,
			this.runs,
			this.experimentRuns,
			this.spans,
			this.idSequences,
			this.organizations,
			this.prompts,
			this.promptVersions,
			this.webhooks,
			this.webhookSubscriptions,
			this.webhookDeliveryAttempts,
			this.taskFailureCauses,
		]) {
			collection.clear();
		}
		this.#nextNumber.clear();
		this.#bulkCounter = 0;
		this.#taskListCache = undefined;
		this.#runIdsByTask.clear();
		this.#progress.clear();
		this.#load?.(this);
	}

	/** A new opaque id for `kind` (e.g. 'Task', 'TaskRun', 'Experiment'). */
	nextId(kind: string): string {
		const num = this.#nextNumber.get(kind) ?? FIRST_RUNTIME_NUMBER;
		this.#nextNumber.set(kind, num + 1);
		return randomId(kind, num);
	}

	// ---- experiment runs and spans ---------------------------------------------------------------------------------

	#nextInSequence(kind: string): number {
		const number = (this.idSequences.get(kind) ?? 0) + 1;
		this.idSequences.set(kind, number);
		return number;
	}

	/** The experiment's runs in insertion order ([] when it has none). */
	experimentRunsOf(experimentId: string): ExperimentRun[] {
		return this.experimentRuns.get(experimentId) ?? [];
	}

	/**
	 * Appends runs to an experiment and returns the stored objects. Defaults: a deterministic id (`ExperimentRun:<n>`,
	 * numbered per store), example_id the dataset's examples in order (cycling), output a string and error null;
	 * a run given an `error` gets output null unless it says otherwise. Throws for an unknown experiment.
	 */
	addExperimentRuns(experimentId: string, runs: Array<Partial<ExperimentRun>>): ExperimentRun[] {
		const experiment = this.experiments.get(experimentId);
		if (!experiment) throw new Error(`No experiment ${experimentId} in the sandbox store`);
		const examples = this.datasets.get(experiment.dataset_id)?.examples ?? [];
		const stored = this.experimentRuns.get(experimentId) ?? [];
		const added = runs.map((partial) => {
			const number = this.#nextInSequence('ExperimentRun');
			const failed = partial.error !== undefined && partial.error !== null;
			const exampleId =
				partial.example_id ?? examples[stored.length % Math.max(1, examples.length)]?.id ?? seededId('DatasetExample', 90_000 + number);
			const run: ExperimentRun = {
				...partial,
				id: partial.id ?? seededId('ExperimentRun', number),
				example_id: exampleId,
				output: partial.output !== undefined ? partial.output : failed ? null : `Output ${number}`,
				error: partial.error ?? null,
			};
			stored.push(run);
			return run;
		});
		this.experimentRuns.set(experimentId, stored);
		return added;
	}

	/** The project's spans in insertion order ([] when it has none). */
	spansOf(projectId: string): Span[] {
		return this.spans.get(projectId) ?? [];
	}

	/**
	 * Appends spans to a project and returns the stored objects. Defaults: name 'span', kind 'LLM', a new trace and
	 * span id (deterministic hex, numbered per store), start_time now, end_time 1 s later; other keys only as given.
	 * Throws for an unknown project.
	 */
	addSpans(projectId: string, spans: SpanInput[]): Span[] {
		if (!this.projects.has(projectId)) throw new Error(`No project ${projectId} in the sandbox store`);
		const stored = this.spans.get(projectId) ?? [];
		const added = spans.map((partial) => {
			const number = this.#nextInSequence('Span');
			const start = partial.start_time ?? iso(this.now());
			const { kind, status_code, ...fields } = partial;
			const span: Span = {
				name: 'span',
				...fields,
				kind: spanEnum(kind ?? 'LLM', SPAN_KINDS, 'kind'),
				context: {
					trace_id: partial.context?.trace_id ?? hexId(`trace:${number}`, 32),
					span_id: partial.context?.span_id ?? hexId(`span:${number}`, 16),
				},
				start_time: start,
				end_time: partial.end_time ?? iso(Date.parse(start) + 1000),
			};
			if (status_code !== undefined) span.status_code = spanEnum(status_code, SPAN_STATUS_CODES, 'status_code');
			stored.push(span);
			return span;
		});
		this.spans.set(projectId, stored);
		return added;
	}

	/**
	 * The private bookkeeping that sandbox/persistence.ts saves beside every public Map field: id counters, the
	 * bulk-name counter, each task's run ids and the progress of triggered runs. A new private field that must
	 * survive a restart of `node sandbox/cli.ts --data-file …` belongs here (public Map fields are saved anyway).
	 */
	exportInternals() {
		return {
			nextNumber: this.#nextNumber,
			bulkCounter: this.#bulkCounter,
			runIdsByTask: this.#runIdsByTask,
			progress: this.#progress,
		};
	}

	/** Replaces the private bookkeeping with a saved one (see exportInternals); the Maps are restored by the caller. */
	importInternals(saved: ReturnType<Store['exportInternals']>): void {
		this.#nextNumber = new Map(saved.nextNumber);
		this.#bulkCounter = saved.bulkCounter;
		this.#runIdsByTask = new Map(saved.runIdsByTask);
		this.#progress = new Map(saved.progress);
		this.#taskListCache = undefined;
	}

	// ---- tasks ----------------------------------------------------------------------------------------------

	/** Tasks in list order. Cached, because 100,000 tasks are paged through many times in benchmarks. */
	taskList(): Task[] {
		this.#taskListCache ??= [...this.tasks.values()];
		return this.#taskListCache;
	}

	/** Stores a task exactly as given (the HTTP layer has validated it). */
	insertTask(task: Task): Task {
		this.tasks.set(task.id, task);
		this.#taskListCache = undefined;
		return task;
	}

	/** Direct insert that bypasses validation; fills every field the API would. */
	addTask(input: TaskInput): Task {
		const createdAt = input.created_at ?? iso(this.now());
		return this.insertTask(this.#buildTask(input, createdAt, input.id ?? this.nextId('Task')));
	}

	/**
	 * Inserts `count` tasks named `Bulk task 0001`, `Bulk task 0002`, … (numbering continues across calls).
	 * Defaults: a TEMPLATE_EVALUATION task on the first project using the first evaluator, when those exist.
	 */
	addTasks(count: number, template: Partial<TaskInput> = {}): Task[] {
		const firstProject = this.projects.values().next().value;
		const firstEvaluator = this.evaluators.values().next().value;
		const type = template.type ?? 'TEMPLATE_EVALUATION';
		const usesDefaultSource =
			type !== 'RUN_EXPERIMENT' && template.project_id === undefined && template.dataset_id === undefined;
		const base: TaskInput = {
			...template,
			type,
			name: '',
			project_id: usesDefaultSource ? (firstProject?.id ?? null) : template.project_id,
			evaluators:
				template.evaluators ??
				(type !== 'RUN_EXPERIMENT' && firstEvaluator ? [{ evaluator_id: firstEvaluator.id }] : []),
		};
		const width = Math.max(4, String(this.#bulkCounter + count).length);
		const startMs = this.now() - count;
		const added: Task[] = [];
		for (let i = 0; i < count; i++) {
			this.#bulkCounter += 1;
			const name = `${template.name ?? 'Bulk task'} ${String(this.#bulkCounter).padStart(width, '0')}`;
			const task = this.#buildTask({ ...base, name }, iso(startMs + i), this.nextId('Task'));
			this.tasks.set(task.id, task);
			added.push(task);
		}
		this.#taskListCache = undefined;
		return added;
	}

	#buildTask(input: TaskInput, createdAt: string, id: string): Task {
		const projectId = input.project_id ?? null;
		const task: Task = {
			id,
			name: input.name,
			type: input.type,
			project_id: projectId,
			dataset_id: input.dataset_id ?? null,
			// The API does not say what it stores when sampling_rate is omitted; the sandbox uses 1 (all data)
			// for project tasks and null where the field does not apply.
			sampling_rate:
				input.sampling_rate !== undefined
					? input.sampling_rate
					: input.type !== 'RUN_EXPERIMENT' && projectId
						? 1
						: null,
			is_continuous: input.is_continuous ?? false,
			query_filter: input.query_filter ?? null,
			evaluators: (input.evaluators ?? []).map((evaluator) => ({
				evaluator_id: evaluator.evaluator_id,
				evaluator_name: evaluator.evaluator_name ?? this.evaluators.get(evaluator.evaluator_id)?.name ?? '',
				query_filter: evaluator.query_filter ?? null,
				column_mappings: evaluator.column_mappings ?? null,
				evaluator_version_id: evaluator.evaluator_version_id ?? null,
			})),
			experiment_ids: input.experiment_ids ?? [],
			last_run_at: input.last_run_at ?? null,
			created_at: createdAt,
			updated_at: input.updated_at ?? createdAt,
			created_by_user_id: input.created_by_user_id !== undefined ? input.created_by_user_id : this.userId,
		};
		if (input.type === 'RUN_EXPERIMENT') task.run_configuration = input.run_configuration ?? null;
		return task;
	}

	/** Deleting a task also deletes its runs. */
	deleteTask(taskId: string): boolean {
		if (!this.tasks.delete(taskId)) return false;
		for (const runId of this.#runIdsByTask.get(taskId) ?? []) {
			this.runs.delete(runId);
			this.#progress.delete(runId);
		}
		this.#runIdsByTask.delete(taskId);
		this.#taskListCache = undefined;
		return true;
	}

	// ---- runs -----------------------------------------------------------------------------------------------

	getRun(runId: string): TaskRun | undefined {
		this.tick();
		return this.runs.get(runId);
	}

	/** The task's runs in creation order (the API leaves the order open; the sandbox deliberately is not newest-first). */
	runsOf(taskId: string): TaskRun[] {
		this.tick();
		const runs: TaskRun[] = [];
		for (const runId of this.#runIdsByTask.get(taskId) ?? []) {
			const run = this.runs.get(runId);
			if (run) runs.push(run);
		}
		return runs;
	}

	/**
	 * The task's runs as GET /v2/tasks/{id}/runs lists them. The spec gives no order; Arize's Go SDK documents newest
	 * first (its `ListRuns`), the default here: `created_at` descending, runs created in the same millisecond the later
	 * first. 'oldest' is the reverse. 'shuffled' is an order with no relation to time, the same for a run on every request (so
	 * the pages of one listing neither repeat nor skip a run), for clients that must not rely on any order.
	 */
	listedRunsOf(taskId: string): TaskRun[] {
		const runs = this.runsOf(taskId);
		if (this.runOrder === 'shuffled') {
			const keyed = runs.map((run) => ({ run, key: shuffleKey(run.id) }));
			return keyed.sort((a, b) => a.key - b.key).map(({ run }) => run);
		}
		const oldest = runs
			.map((run, index) => ({ run, index, at: Date.parse(run.created_at) }))
			.sort((a, b) => a.at - b.at || a.index - b.index)
			.map(({ run }) => run);
		return this.runOrder === 'oldest' ? oldest : oldest.reverse();
	}

	/** The task's PENDING or RUNNING run, if any. */
	activeRunOf(taskId: string): TaskRun | undefined {
		return this.runsOf(taskId).find((run) => !isTerminal(run.status));
	}

	/** Experiment names taken in a dataset, including names reserved by RUN_EXPERIMENT runs not yet started. */
	experimentNamesIn(datasetId: string): Set<string> {
		this.tick();
		const names = new Set<string>();
		for (const experiment of this.experiments.values()) {
			if (experiment.dataset_id === datasetId) names.add(experiment.name);
		}
		for (const progress of this.#progress.values()) {
			if (progress.experiment?.dataset_id === datasetId) names.add(progress.experiment.name);
		}
		return names;
	}

	#insertRun(run: TaskRun): TaskRun {
		this.runs.set(run.id, run);
		const ids = this.#runIdsByTask.get(run.task_id);
		if (ids) ids.push(run.id);
		else this.#runIdsByTask.set(run.task_id, [run.id]);
		return run;
	}

	#taskOf(taskId: string): Task {
		const task = this.tasks.get(taskId);
		if (!task) throw new Error(`No task ${taskId} in the sandbox store`);
		return task;
	}

	/**
	 * Direct insert of a run in any status (default COMPLETED). It does not progress on its own: only runs created by
	 * a trigger do. Sets the task's last_run_at to the run's created_at.
	 */
	addRun(taskId: string, partial: RunInput = {}): TaskRun {
		const task = this.#taskOf(taskId);
		const createdAt = partial.created_at ?? iso(this.now());
		const status = partial.status ?? 'COMPLETED';
		const terminal = isTerminal(status);
		const id = partial.id ?? this.nextId('TaskRun');
		const counts = terminal ? defaultCounts(status, id) : { num_successes: 0, num_errors: 0, num_skipped: 0 };
		const run: TaskRun = {
			id,
			task_id: taskId,
			status,
			experiment_id: partial.experiment_id ?? null,
			run_started_at: partial.run_started_at !== undefined ? partial.run_started_at : status === 'PENDING' ? null : createdAt,
			run_finished_at: partial.run_finished_at !== undefined ? partial.run_finished_at : terminal ? createdAt : null,
			data_start_time: partial.data_start_time ?? null,
			data_end_time: partial.data_end_time ?? null,
			num_successes: partial.num_successes ?? counts.num_successes,
			num_errors: partial.num_errors ?? counts.num_errors,
			num_skipped: partial.num_skipped ?? counts.num_skipped,
			created_at: createdAt,
			created_by_user_id: partial.created_by_user_id !== undefined ? partial.created_by_user_id : this.userId,
			failure_reason:
				partial.failure_reason !== undefined ? partial.failure_reason : terminal ? defaultFailureReason(status) : null,
		};
		task.last_run_at = createdAt;
		return this.#insertRun(run);
	}

	/** A run created by POST …/trigger: PENDING now, RUNNING after a third of runDurationMs, COMPLETED after all of it. */
	startRun(task: Task, plan: RunPlan): TaskRun {
		const createdMs = this.now();
		const id = this.nextId('TaskRun');
		const run: TaskRun = {
			id,
			task_id: task.id,
			status: 'PENDING',
			experiment_id: null,
			run_started_at: null,
			run_finished_at: null,
			data_start_time: plan.data_start_time,
			data_end_time: plan.data_end_time,
			num_successes: 0,
			num_errors: 0,
			num_skipped: 0,
			created_at: iso(createdMs),
			created_by_user_id: this.userId,
			failure_reason: null,
		};
		this.#progress.set(id, {
			createdMs,
			durationMs: this.runDurationMs,
			counts: plannedCounts(plan.total ?? 0, id),
			experiment: plan.experiment,
			exampleIds: plan.experiment?.example_ids,
			evaluation: plan.evaluation,
		});
		// The trigger is the first sign of a new run for pollers watching last_run_at.
		task.last_run_at = run.created_at;
		return this.#insertRun(run);
	}

	/**
	 * Moves triggered runs along by the clock. Called before every request is handled and by the read helpers
	 * above, so progression needs no timers. Timestamps are the planned ones, not the moment of the read.
	 */
	tick(): void {
		if (this.#progress.size === 0) return;
		const now = this.now();
		for (const [runId, progress] of this.#progress) {
			const run = this.runs.get(runId);
			if (!run || isTerminal(run.status)) {
				this.#progress.delete(runId);
				continue;
			}
			const elapsed = now - progress.createdMs;
			if (run.status === 'PENDING' && elapsed >= progress.durationMs / 3) {
				run.status = 'RUNNING';
				run.run_started_at = iso(progress.createdMs + Math.round(progress.durationMs / 3));
				this.#provisionExperiment(run, progress);
			}
			if (elapsed >= progress.durationMs) {
				const outcome = this.#outcome(run, progress);
				this.#complete(run, outcome.status, iso(progress.createdMs + progress.durationMs), outcome.counts, outcome.failure_reason);
			}
		}
	}

	/** A RUN_EXPERIMENT run gets its experiment_id once the experiment exists, i.e. when it starts running. */
	#provisionExperiment(run: TaskRun, progress: RunProgress): void {
		const plan = progress.experiment;
		if (!plan || run.experiment_id) return;
		const createdAt = run.run_started_at ?? run.created_at;
		const experiment: Experiment = {
			id: this.nextId('Experiment'),
			name: plan.name,
			dataset_id: plan.dataset_id,
			dataset_version_id: plan.dataset_version_id,
			space_id: this.datasets.get(plan.dataset_id)?.space_id ?? '',
			created_at: createdAt,
			updated_at: createdAt,
		};
		this.experiments.set(experiment.id, experiment);
		run.experiment_id = experiment.id;
		progress.experiment = undefined;
	}

	/**
	 * What a triggered run leaves behind when it completes (run-effects.ts): the experiment's runs, or the evaluations
	 * it writes; a run planned without either (store.startRun called directly) keeps its made-up counts.
	 */
	#outcome(run: TaskRun, progress: RunProgress): RunOutcome {
		const task = this.tasks.get(run.task_id);
		if (task && progress.exampleIds && run.experiment_id) {
			return runExperiment(this, task, run.experiment_id, progress.exampleIds);
		}
		if (task && progress.evaluation) {
			const window =
				run.data_start_time && run.data_end_time ? { start: run.data_start_time, end: run.data_end_time } : undefined;
			return writeEvaluations(this, task, { ...progress.evaluation, window });
		}
		return { status: 'COMPLETED', counts: progress.counts, failure_reason: null };
	}

	#complete(
		run: TaskRun,
		status: TerminalRunStatus,
		finishedAt: string,
		counts: TaskRunCounts,
		failureReason: string | null,
	): void {
		run.status = status;
		run.run_finished_at = finishedAt;
		Object.assign(run, counts);
		run.failure_reason = failureReason;
		this.#progress.delete(run.id);
		// Design choice: last_run_at also moves when a run finishes (not only when it is created). It is the one
		// field on the task that tells a poller listing tasks that something happened since its last look.
		const task = this.tasks.get(run.task_id);
		if (task) task.last_run_at = finishedAt;
		this.onRunFinished?.(run);
	}

	/**
	 * Deterministic completion for tests: stops automatic progression and sets the terminal status, timestamps,
	 * counts and (for FAILED/CANCELLED) a failure_reason. Sets the task's last_run_at to run_finished_at.
	 */
	finishRun(runId: string, status: TerminalRunStatus, counts: FinishCounts = {}): TaskRun {
		this.tick();
		const run = this.runs.get(runId);
		if (!run) throw new Error(`No run ${runId} in the sandbox store`);
		const progress = this.#progress.get(runId);
		if (progress && status !== 'CANCELLED') this.#provisionExperiment(run, progress);
		const finishedMs = Math.max(this.now(), Date.parse(run.created_at));
		run.run_started_at ??= run.created_at;
		// A COMPLETED finish applies the run's effects; its counts are what was written unless the caller gives some.
		const defaults = progress && status === 'COMPLETED' ? this.#outcome(run, progress).counts : defaultCounts(status, run.id);
		this.#complete(
			run,
			status,
			iso(finishedMs),
			{
				num_successes: counts.num_successes ?? defaults.num_successes,
				num_errors: counts.num_errors ?? defaults.num_errors,
				num_skipped: counts.num_skipped ?? defaults.num_skipped,
			},
			counts.failure_reason !== undefined ? counts.failure_reason : defaultFailureReason(status),
		);
		return run;
	}

	/** Cancel a PENDING or RUNNING run; returns undefined when the run is already terminal. */
	cancelRun(runId: string): TaskRun | undefined {
		const run = this.getRun(runId);
		if (!run || isTerminal(run.status)) return undefined;
		this.#complete(
			run,
			'CANCELLED',
			iso(this.now()),
			{ num_successes: run.num_successes, num_errors: run.num_errors, num_skipped: run.num_skipped },
			USER_CANCEL_REASON,
		);
		return run;
	}
}
