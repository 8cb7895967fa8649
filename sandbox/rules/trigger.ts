import { badRequest, conflict, unprocessable } from '../problems.ts';
import type { RunPlan, Store } from '../store.ts';
import type { JsonObject, Task } from '../types.ts';
import {
	expectObject,
	has,
	readBoolean,
	readDateTime,
	readInteger,
	readRequiredString,
	readString,
	readStringArray,
	readStringMap,
	rejectUnknownKeys,
} from '../validate.ts';
import { checkExperiments } from './task-body.ts';

// POST /v2/tasks/{id}/trigger. The stored task's type picks the body schema. Same 400/422 line as
// task-body.ts: fields of the other type, fields that do not apply to the task's data source, missing required
// values and example_ids together with max_examples are 400; unresolved ids, numbers below their minimum and
// data-window rules (start before end, at most 30 days) are 422. 409 is reserved for conflicts with existing
// state: a run already PENDING/RUNNING for the task, or an experiment_name already used in the dataset.

const EVAL_FIELDS = ['data_start_time', 'data_end_time', 'max_spans', 'override_evaluations', 'experiment_ids'];
const RUN_EXPERIMENT_FIELDS = [
	'experiment_name',
	'dataset_version_id',
	'example_ids',
	'max_examples',
	'tracing_metadata',
	'evaluation_task_ids',
];
const MAX_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
const DEFAULT_MAX_SPANS = 10_000;
const iso = (ms: number) => new Date(ms).toISOString();

export function planTrigger(task: Task, rawBody: unknown, store: Store): RunPlan {
	return task.type === 'RUN_EXPERIMENT'
		? planExperimentRun(task, rawBody, store)
		: planEvaluationRun(task, rawBody, store);
}

function rejectActiveRun(task: Task, store: Store): void {
	const active = store.activeRunOf(task.id);
	if (active) {
		throw conflict(
			`Task '${task.name}' already has a run in progress (run ${active.id} is ${active.status}). Wait until it finishes or cancel it before triggering again.`,
		);
	}
}

function planEvaluationRun(task: Task, rawBody: unknown, store: Store): RunPlan {
	// The body is optional for eval tasks; an empty body uses server defaults.
	const body: JsonObject = rawBody === undefined ? {} : expectObject(rawBody, 'The request body');
	rejectUnknownKeys(body, EVAL_FIELDS, '', (key) =>
		RUN_EXPERIMENT_FIELDS.includes(key)
			? `The '${key}' field is only valid when triggering RUN_EXPERIMENT tasks; this task is ${task.type}.`
			: undefined,
	);
	const startMs = readDateTime(body, 'data_start_time', '');
	const endMs = readDateTime(body, 'data_end_time', '');
	const maxSpans = readInteger(body, 'max_spans', '');
	const overrideEvaluations = readBoolean(body, 'override_evaluations', '') ?? false;
	const experimentIds = readStringArray(body, 'experiment_ids', '');
	const isDatasetTask = task.dataset_id !== null;

	if (isDatasetTask) {
		// The API leaves open whether window fields are ignored or rejected for dataset tasks; the sandbox rejects them.
		for (const key of ['data_start_time', 'data_end_time']) {
			if (has(body, key)) {
				throw badRequest(`The '${key}' field does not apply to dataset-based tasks; the run evaluates the task's experiments.`);
			}
		}
	} else if (experimentIds !== undefined) {
		throw badRequest("The 'experiment_ids' field is only for dataset-based tasks; this task is project-based.");
	}

	let window: { start: string; end: string } | undefined;
	if (!isDatasetTask) {
		const end = endMs ?? store.now();
		let start = startMs;
		if (start === undefined) {
			// data_start_time defaults to the task's last run time and is required if the task never ran.
			if (task.last_run_at === null) {
				throw badRequest(
					`The 'data_start_time' field is required because task '${task.name}' has never run; send data_start_time (and data_end_time).`,
				);
			}
			// A defaulted start is clamped to the 30-day limit rather than rejected (real behaviour unknown).
			start = Math.max(Date.parse(task.last_run_at), end - MAX_WINDOW_MS);
			// "An empty body is valid": when both ends are defaults (e.g. re-triggering right after a run
			// finished), keep the window non-empty instead of failing the start-before-end rule.
			if (endMs === undefined) start = Math.min(start, end - 1);
		}
		if (start >= end) {
			throw unprocessable(`data_start_time (${iso(start)}) must be before data_end_time (${iso(end)}).`);
		}
		if (end - start > MAX_WINDOW_MS) {
			throw unprocessable(
				`The data window from ${iso(start)} to ${iso(end)} is longer than 30 days; split it into several runs.`,
			);
		}
		window = { start: iso(start), end: iso(end) };
	}
	if (maxSpans !== undefined && maxSpans < 1) throw unprocessable(`max_spans must be at least 1; got ${maxSpans}.`);
	if (isDatasetTask && experimentIds !== undefined) checkExperiments(store, task.dataset_id!, experimentIds, 'experiment_ids');

	rejectActiveRun(task, store);
	return {
		data_start_time: window?.start ?? null,
		data_end_time: window?.end ?? null,
		evaluation: { override_evaluations: overrideEvaluations, max_spans: maxSpans ?? DEFAULT_MAX_SPANS, experiment_ids: experimentIds },
	};
}

function planExperimentRun(task: Task, rawBody: unknown, store: Store): RunPlan {
	if (rawBody === undefined) throw badRequest("A JSON request body with 'experiment_name' is required for RUN_EXPERIMENT tasks.");
	const body = expectObject(rawBody, 'The request body');
	rejectUnknownKeys(body, RUN_EXPERIMENT_FIELDS, '', (key) =>
		EVAL_FIELDS.includes(key)
			? `The '${key}' field is only valid when triggering evaluation tasks; this task is RUN_EXPERIMENT.`
			: undefined,
	);
	const experimentName = readRequiredString(body, 'experiment_name', '');
	const versionId = readString(body, 'dataset_version_id', '', { minLength: 1 }) ?? undefined;
	const exampleIds = readStringArray(body, 'example_ids', '');
	const maxExamples = readInteger(body, 'max_examples', '');
	readStringMap(body, 'tracing_metadata', '');
	const evaluationTaskIds = readStringArray(body, 'evaluation_task_ids', '');
	if (exampleIds !== undefined && maxExamples !== undefined) {
		throw badRequest('example_ids cannot be combined with max_examples; send one of them (or neither to run all examples).');
	}

	const dataset = store.datasets.get(task.dataset_id ?? '');
	if (!dataset) throw unprocessable(`The task's dataset '${task.dataset_id}' no longer exists.`);
	if (maxExamples !== undefined && maxExamples < 1) throw unprocessable(`max_examples must be at least 1; got ${maxExamples}.`);
	if (versionId !== undefined && !dataset.versions.some((version) => version.id === versionId)) {
		throw unprocessable(`dataset_version_id '${versionId}' is not a version of dataset '${dataset.name}'.`);
	}
	const knownExamples = new Set(dataset.examples.map((example) => example.id));
	exampleIds?.forEach((exampleId, index) => {
		if (!knownExamples.has(exampleId)) {
			throw unprocessable(`example_ids[${index}] '${exampleId}' is not an example of dataset '${dataset.name}'.`);
		}
	});
	evaluationTaskIds?.forEach((taskId, index) => {
		const evaluationTask = store.tasks.get(taskId);
		if (!evaluationTask) throw unprocessable(`evaluation_task_ids[${index}] '${taskId}' does not name a task.`);
		if (evaluationTask.type === 'RUN_EXPERIMENT') {
			throw unprocessable(`evaluation_task_ids[${index}] '${taskId}' is a RUN_EXPERIMENT task, not an evaluation task.`);
		}
	});

	rejectActiveRun(task, store);
	if (store.experimentNamesIn(dataset.id).has(experimentName)) {
		throw conflict(`An experiment named '${experimentName}' already exists in dataset '${dataset.name}'; experiment names must be unique within a dataset.`);
	}
	// example_ids, or the first max_examples in dataset order, or all examples.
	const selected = exampleIds ?? dataset.examples.slice(0, maxExamples ?? dataset.examples.length).map((example) => example.id);
	return {
		data_start_time: null,
		data_end_time: null,
		experiment: {
			name: experimentName,
			dataset_id: dataset.id,
			dataset_version_id: versionId ?? dataset.versions.at(-1)?.id ?? null,
			example_ids: selected,
		},
	};
}
