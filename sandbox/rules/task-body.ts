import { badRequest, unprocessable } from '../problems.ts';
import type { Store } from '../store.ts';
import { TASK_TYPES } from '../types.ts';
import type { JsonObject, Task, TaskEvaluator } from '../types.ts';
import {
	expectObject,
	has,
	readBoolean,
	readEnum,
	readNumber,
	readRequiredString,
	readString,
	readStringArray,
	readStringMap,
	rejectUnknownKeys,
} from '../validate.ts';
import { validateRunConfiguration } from './run-configuration.ts';

// Request bodies of POST /v2/tasks and PATCH /v2/tasks/{id}.
//
// Where the sandbox draws the 400 / 422 line (the spec does not say):
//   400 — the body has the wrong SHAPE: not a JSON object, a required field missing, a wrong JSON type, an unknown
//         enum value, an empty name, a field that does not belong to the task's type or data source (fields of the
//         other task type, read-only fields, sampling_rate on a dataset task, non-empty experiment_ids on a project
//         task, data-source fields in a PATCH), both or neither of project_id/dataset_id, an empty `evaluators`
//         list, experiment_ids missing or empty on a dataset task, an empty PATCH body.
//   422 — the shape is right but a VALUE fails validation: ids that do not resolve (project, dataset, evaluator,
//         evaluator version, experiment, AI/agent integration), an experiment of another dataset, an evaluator
//         version of another evaluator, a duplicate evaluator_id, sampling_rate outside 0..1, is_continuous: true
//         on a dataset task (the field belongs there, only the value true does not).
// Shape is checked completely before any value, so a body with both kinds of problem gets the 400.

const READ_ONLY_FIELDS = ['id', 'created_at', 'updated_at', 'last_run_at', 'created_by_user_id'];
const EVAL_CREATE_FIELDS = [
	'type',
	'name',
	'project_id',
	'dataset_id',
	'experiment_ids',
	'sampling_rate',
	'is_continuous',
	'query_filter',
	'evaluators',
];
const RUN_EXPERIMENT_CREATE_FIELDS = ['type', 'name', 'dataset_id', 'run_configuration'];
const EVAL_PATCH_FIELDS = ['name', 'sampling_rate', 'is_continuous', 'query_filter', 'evaluators'];
const RUN_EXPERIMENT_PATCH_FIELDS = ['name', 'run_configuration'];
const EVALUATOR_INPUT_FIELDS = ['evaluator_id', 'query_filter', 'column_mappings', 'evaluator_version_id'];

function readOnlyReason(key: string): string | undefined {
	return READ_ONLY_FIELDS.includes(key) ? `The '${key}' field is read-only and must not be sent.` : undefined;
}

interface EvaluatorInput {
	evaluator_id: string;
	query_filter?: string;
	column_mappings?: Record<string, string>;
	evaluator_version_id?: string | null;
}

/** Shape of `evaluators` (400s only). */
function readEvaluatorInputs(body: JsonObject): EvaluatorInput[] | undefined {
	if (!has(body, 'evaluators')) return undefined;
	const list = body.evaluators;
	if (!Array.isArray(list)) throw badRequest("The 'evaluators' field must be an array.");
	if (list.length === 0) throw badRequest("The 'evaluators' field must contain at least 1 evaluator.");
	return list.map((raw, index) => {
		const parent = `evaluators[${index}]`;
		const item = expectObject(raw, `The '${parent}' entry`);
		rejectUnknownKeys(item, EVALUATOR_INPUT_FIELDS, parent, (key) =>
			key === 'evaluator_name'
				? `The '${parent}.evaluator_name' field is read-only (it comes from the evaluator); drop it before sending.`
				: undefined,
		);
		const input: EvaluatorInput = { evaluator_id: readRequiredString(item, 'evaluator_id', parent) };
		// TaskEvaluatorInput.query_filter and column_mappings are not nullable: omit instead of null.
		const queryFilter = readString(item, 'query_filter', parent);
		if (typeof queryFilter === 'string') input.query_filter = queryFilter;
		const mappings = readStringMap(item, 'column_mappings', parent);
		if (mappings) input.column_mappings = mappings;
		const versionId = readString(item, 'evaluator_version_id', parent, { nullable: true });
		if (versionId !== undefined) input.evaluator_version_id = versionId;
		return input;
	});
}

/** Values of `evaluators` (422s): evaluators exist, appear once, and pinned versions are theirs. */
function resolveEvaluators(inputs: EvaluatorInput[], store: Store): TaskEvaluator[] {
	const seen = new Set<string>();
	return inputs.map((input, index) => {
		const evaluator = store.evaluators.get(input.evaluator_id);
		if (!evaluator) throw unprocessable(`evaluators[${index}].evaluator_id '${input.evaluator_id}' does not name an evaluator.`);
		if (seen.has(input.evaluator_id)) {
			throw unprocessable(`evaluators[${index}].evaluator_id '${input.evaluator_id}' appears more than once; each evaluator may be attached once.`);
		}
		seen.add(input.evaluator_id);
		const versionId = input.evaluator_version_id ?? null;
		if (versionId !== null && !evaluator.versions.some((version) => version.id === versionId)) {
			throw unprocessable(
				`evaluators[${index}].evaluator_version_id '${versionId}' is not a version of evaluator '${evaluator.name}' (${evaluator.id}).`,
			);
		}
		return {
			evaluator_id: evaluator.id,
			evaluator_name: evaluator.name,
			query_filter: input.query_filter ?? null,
			column_mappings: input.column_mappings ? { ...input.column_mappings } : null,
			evaluator_version_id: versionId,
		};
	});
}

function checkSamplingRate(rate: number | undefined): void {
	if (rate !== undefined && (rate < 0 || rate > 1)) {
		throw unprocessable(`sampling_rate must be between 0 and 1 (inclusive); got ${rate}.`);
	}
}

/** POST /v2/tasks → the task to store (not yet inserted). */
export function taskFromCreateBody(rawBody: unknown, store: Store): Task {
	if (rawBody === undefined) throw badRequest('A JSON request body is required.');
	const body = expectObject(rawBody, 'The request body');
	const type = readEnum(body, 'type', '', TASK_TYPES, true)!;
	return type === 'RUN_EXPERIMENT' ? runExperimentTask(body, store) : evaluationTask(body, type, store);
}

function evaluationTask(body: JsonObject, type: Task['type'], store: Store): Task {
	rejectUnknownKeys(body, EVAL_CREATE_FIELDS, '', (key) =>
		readOnlyReason(key) ??
		(key === 'run_configuration' ? `The 'run_configuration' field is only allowed for RUN_EXPERIMENT tasks.` : undefined),
	);
	const name = readRequiredString(body, 'name', '');
	const projectId = readString(body, 'project_id', '', { minLength: 1 }) ?? undefined;
	const datasetId = readString(body, 'dataset_id', '', { minLength: 1 }) ?? undefined;
	const experimentIds = readStringArray(body, 'experiment_ids', '');
	const samplingRate = readNumber(body, 'sampling_rate', '');
	const isContinuous = readBoolean(body, 'is_continuous', '');
	const queryFilter = readString(body, 'query_filter', '') ?? undefined;
	const evaluatorInputs = readEvaluatorInputs(body);
	if (!evaluatorInputs) throw badRequest("The 'evaluators' field is required and must contain at least 1 evaluator.");

	// Exactly one of project_id and dataset_id.
	if (projectId !== undefined && datasetId !== undefined) {
		throw badRequest('Exactly one of project_id and dataset_id must be provided; got both.');
	}
	if (projectId === undefined && datasetId === undefined) {
		throw badRequest('Exactly one of project_id and dataset_id must be provided; got neither.');
	}
	if (datasetId !== undefined) {
		if (!experimentIds || experimentIds.length === 0) {
			throw badRequest("The 'experiment_ids' field must contain at least 1 experiment id when dataset_id is set.");
		}
		if (samplingRate !== undefined) throw badRequest("The 'sampling_rate' field is only supported for project-based tasks.");
	} else if (experimentIds && experimentIds.length > 0) {
		throw badRequest("The 'experiment_ids' field applies to dataset-based tasks; omit it or send [] for project-based tasks.");
	}

	// Values (422).
	checkSamplingRate(samplingRate);
	if (datasetId !== undefined && isContinuous === true) {
		throw unprocessable('is_continuous must be false or omitted for dataset-based tasks; only project-based tasks run continuously.');
	}
	if (projectId !== undefined && !store.projects.has(projectId)) {
		throw unprocessable(`project_id '${projectId}' does not name a project.`);
	}
	if (datasetId !== undefined) checkExperiments(store, datasetId, experimentIds!, 'experiment_ids');
	const evaluators = resolveEvaluators(evaluatorInputs, store);

	const now = new Date(store.now()).toISOString();
	return {
		id: store.nextId('Task'),
		name,
		type,
		project_id: projectId ?? null,
		dataset_id: datasetId ?? null,
		// Defaults for omitted sampling_rate / is_continuous are unknown; the sandbox uses 1 and false.
		sampling_rate: projectId !== undefined ? (samplingRate ?? 1) : null,
		is_continuous: isContinuous ?? false,
		query_filter: queryFilter ?? null,
		evaluators,
		experiment_ids: datasetId !== undefined ? [...experimentIds!] : [],
		last_run_at: null,
		created_at: now,
		updated_at: now,
		created_by_user_id: store.userId,
	};
}

/** 422 unless the dataset exists and every experiment id names one of its experiments. */
export function checkExperiments(store: Store, datasetId: string, experimentIds: string[], field: string): void {
	if (!store.datasets.has(datasetId)) throw unprocessable(`dataset_id '${datasetId}' does not name a dataset.`);
	experimentIds.forEach((experimentId, index) => {
		const experiment = store.experiments.get(experimentId);
		if (!experiment) throw unprocessable(`${field}[${index}] '${experimentId}' does not name an experiment.`);
		if (experiment.dataset_id !== datasetId) {
			throw unprocessable(`${field}[${index}] '${experimentId}' is an experiment of another dataset, not of '${datasetId}'.`);
		}
	});
}

function runExperimentTask(body: JsonObject, store: Store): Task {
	// These must be omitted for RUN_EXPERIMENT.
	rejectUnknownKeys(body, RUN_EXPERIMENT_CREATE_FIELDS, '', (key) =>
		readOnlyReason(key) ??
		(EVAL_CREATE_FIELDS.includes(key)
			? `The '${key}' field must be omitted for RUN_EXPERIMENT tasks (they run on a dataset and have no evaluators).`
			: undefined),
	);
	const name = readRequiredString(body, 'name', '');
	const datasetId = readRequiredString(body, 'dataset_id', '');
	if (!has(body, 'run_configuration')) throw badRequest("The 'run_configuration' field is required for RUN_EXPERIMENT tasks.");
	if (!store.datasets.has(datasetId)) {
		// Shape errors inside run_configuration still win: validate it first, then report the dataset.
		validateRunConfiguration(body.run_configuration, store);
		throw unprocessable(`dataset_id '${datasetId}' does not name a dataset.`);
	}
	const runConfiguration = validateRunConfiguration(body.run_configuration, store);
	const now = new Date(store.now()).toISOString();
	return {
		id: store.nextId('Task'),
		name,
		type: 'RUN_EXPERIMENT',
		project_id: null,
		dataset_id: datasetId,
		sampling_rate: null,
		is_continuous: false,
		query_filter: null,
		evaluators: [],
		experiment_ids: [],
		run_configuration: runConfiguration,
		last_run_at: null,
		created_at: now,
		updated_at: now,
		created_by_user_id: store.userId,
	};
}

function patchReason(key: string, task: Task): string | undefined {
	if (key === 'type') return "The 'type' field cannot be changed; a task keeps the type it was created with.";
	const readOnly = readOnlyReason(key);
	if (readOnly) return readOnly;
	if (['project_id', 'dataset_id', 'experiment_ids'].includes(key)) {
		return `The '${key}' field cannot be changed after creation; a task's data source is fixed.`;
	}
	if (task.type === 'RUN_EXPERIMENT' && EVAL_PATCH_FIELDS.includes(key)) {
		return `The '${key}' field cannot be updated on RUN_EXPERIMENT tasks; only name and run_configuration can.`;
	}
	if (task.type !== 'RUN_EXPERIMENT' && key === 'run_configuration') {
		return `The 'run_configuration' field can only be updated on RUN_EXPERIMENT tasks; this task is ${task.type}.`;
	}
	return undefined;
}

/** PATCH /v2/tasks/{id}: validates everything first, then applies the change to `task` in place. */
export function applyTaskPatch(task: Task, rawBody: unknown, store: Store): void {
	if (rawBody === undefined) throw badRequest('A JSON request body with at least one field to update is required.');
	const body = expectObject(rawBody, 'The request body');
	const allowed = task.type === 'RUN_EXPERIMENT' ? RUN_EXPERIMENT_PATCH_FIELDS : EVAL_PATCH_FIELDS;
	if (Object.keys(body).length === 0) {
		throw badRequest(`The request body must contain at least one of: ${allowed.join(', ')}.`);
	}
	rejectUnknownKeys(body, allowed, '', (key) => patchReason(key, task));
	const nameGiven = has(body, 'name');
	const name = nameGiven ? readRequiredString(body, 'name', '') : undefined;

	if (task.type === 'RUN_EXPERIMENT') {
		const runConfiguration = has(body, 'run_configuration')
			? validateRunConfiguration(body.run_configuration, store)
			: undefined;
		if (name !== undefined) task.name = name;
		// A new run_configuration replaces the stored one atomically.
		if (runConfiguration) task.run_configuration = runConfiguration;
		task.updated_at = new Date(store.now()).toISOString();
		return;
	}

	const samplingRate = readNumber(body, 'sampling_rate', '');
	const isContinuous = readBoolean(body, 'is_continuous', '');
	const queryFilter = readString(body, 'query_filter', '', { nullable: true });
	const evaluatorInputs = readEvaluatorInputs(body);
	// sampling_rate and is_continuous are project-only; sending them for a dataset task is a shape error.
	if (task.dataset_id !== null) {
		for (const key of ['sampling_rate', 'is_continuous']) {
			if (has(body, key)) throw badRequest(`The '${key}' field only applies to project-based tasks; this task is dataset-based.`);
		}
	}
	checkSamplingRate(samplingRate);
	const evaluators = evaluatorInputs ? resolveEvaluators(evaluatorInputs, store) : undefined;

	if (name !== undefined) task.name = name;
	if (samplingRate !== undefined) task.sampling_rate = samplingRate;
	if (isContinuous !== undefined) task.is_continuous = isContinuous;
	// query_filter null clears the filter.
	if (queryFilter !== undefined) task.query_filter = queryFilter;
	// Evaluators replaces the whole list.
	if (evaluators) task.evaluators = evaluators;
	task.updated_at = new Date(store.now()).toISOString();
}
