import type { EnumCasing } from './enums.ts';
import type { Store } from './store.ts';
import type {
	AiIntegration,
	Dataset,
	DatasetExample,
	Evaluator,
	EvaluatorVersion,
	Experiment,
	ExperimentRun,
	Integration,
	JsonObject,
	Project,
	RunConfiguration,
	Space,
	Span,
	Task,
	TaskRun,
} from './types.ts';

// Stored records → response bodies. Every enum value passes through `casing`, which is how
// Sandbox.setLowercaseEnums(true) reaches all responses; internal-only fields are left out here.

export function presentTask(task: Task, store: Store, casing: EnumCasing): JsonObject {
	const body: JsonObject = {
		id: task.id,
		name: task.name,
		type: casing(task.type),
		project_id: task.project_id,
		dataset_id: task.dataset_id,
		sampling_rate: task.sampling_rate,
		is_continuous: task.is_continuous,
		query_filter: task.query_filter,
		evaluators: task.evaluators.map((evaluator) => ({
			evaluator_id: evaluator.evaluator_id,
			// evaluator_name comes from the evaluator, so a renamed evaluator shows its current name.
			evaluator_name: store.evaluators.get(evaluator.evaluator_id)?.name ?? evaluator.evaluator_name,
			query_filter: evaluator.query_filter,
			column_mappings: evaluator.column_mappings === null ? null : { ...evaluator.column_mappings },
			evaluator_version_id: evaluator.evaluator_version_id,
		})),
		experiment_ids: [...task.experiment_ids],
	};
	// run_configuration belongs to RUN_EXPERIMENT tasks; the spec says it is null on the others.
	body.run_configuration =
		task.type === 'RUN_EXPERIMENT' && task.run_configuration ? presentRunConfiguration(task.run_configuration, casing) : null;
	body.last_run_at = task.last_run_at;
	body.created_at = task.created_at;
	body.updated_at = task.updated_at;
	body.created_by_user_id = task.created_by_user_id;
	return body;
}

export function presentRunConfiguration(config: RunConfiguration, casing: EnumCasing): JsonObject {
	const body: JsonObject = structuredClone(config) as unknown as JsonObject;
	body.experiment_type = casing(config.experiment_type);
	if (config.experiment_type === 'LLM_GENERATION') {
		body.input_variable_format = casing(config.input_variable_format);
		body.messages = config.messages.map((message) => ({ ...structuredClone(message), role: casing(message.role) }));
	}
	return body;
}

export function presentRun(run: TaskRun, casing: EnumCasing): JsonObject {
	return {
		id: run.id,
		task_id: run.task_id,
		status: casing(run.status),
		experiment_id: run.experiment_id,
		run_started_at: run.run_started_at,
		run_finished_at: run.run_finished_at,
		data_start_time: run.data_start_time,
		data_end_time: run.data_end_time,
		num_successes: run.num_successes,
		num_errors: run.num_errors,
		num_skipped: run.num_skipped,
		created_at: run.created_at,
		created_by_user_id: run.created_by_user_id,
		failure_reason: run.failure_reason,
	};
}

export function presentSpace(space: Space): JsonObject {
	return {
		id: space.id,
		name: space.name,
		// The spec's description is a string, never null: a space without one answers ''.
		description: space.description ?? '',
		is_private: space.is_private,
		created_at: space.created_at,
	};
}

export function presentProject(project: Project): JsonObject {
	return { id: project.id, name: project.name, space_id: project.space_id, created_at: project.created_at };
}

/** The dataset list leaves out versions; GET /v2/datasets/{id} includes them. */
export function presentDataset(dataset: Dataset, withVersions: boolean): JsonObject {
	const body: JsonObject = {
		id: dataset.id,
		name: dataset.name,
		space_id: dataset.space_id,
		created_at: dataset.created_at,
		updated_at: dataset.updated_at,
	};
	if (withVersions) {
		body.versions = dataset.versions.map((version) => ({
			id: version.id,
			name: version.name,
			dataset_id: dataset.id,
			created_at: version.created_at,
			updated_at: version.updated_at ?? version.created_at,
		}));
	}
	return body;
}

/**
 * An example: id, created_at, updated_at, then its fields. Examples are written with a dataset version, so one without
 * its own times shows the first version's (the dataset's creation, when it has no versions).
 */
export function presentDatasetExample(example: DatasetExample, dataset: Dataset): JsonObject {
	const { id, ...fields } = structuredClone(example);
	const written = dataset.versions[0]?.created_at ?? dataset.created_at;
	return { id, created_at: written, updated_at: written, ...fields };
}

export function presentExperiment(experiment: Experiment): JsonObject {
	return {
		id: experiment.id,
		name: experiment.name,
		dataset_id: experiment.dataset_id,
		dataset_version_id: experiment.dataset_version_id,
		space_id: experiment.space_id,
		created_at: experiment.created_at,
		updated_at: experiment.updated_at ?? experiment.created_at,
	};
}

/** The run as stored (an open object), id first. */
export function presentExperimentRun(run: ExperimentRun): JsonObject {
	const { id, example_id, output, error, ...rest } = structuredClone(run);
	return { id, example_id, output, error, ...rest };
}

const SPAN_KEYS = [
	'name',
	'context',
	'kind',
	'parent_id',
	'start_time',
	'end_time',
	'status_code',
	'status_message',
	'attributes',
	'annotations',
	'trace_annotations',
	'evaluations',
	'events',
] as const;

/** Keys in the spec's order; optional keys the span lacks stay absent. */
export function presentSpan(span: Span, casing: EnumCasing): JsonObject {
	const body: JsonObject = {};
	for (const key of SPAN_KEYS) {
		if (span[key] !== undefined) body[key] = structuredClone(span[key]);
	}
	body.kind = casing(span.kind);
	if (span.status_code !== undefined) body.status_code = casing(span.status_code);
	return body;
}

export function presentEvaluator(evaluator: Evaluator, casing: EnumCasing): JsonObject {
	return {
		id: evaluator.id,
		name: evaluator.name,
		type: casing(evaluator.type),
		description: evaluator.description,
		space_id: evaluator.space_id,
		created_at: evaluator.created_at,
		updated_at: evaluator.updated_at,
		created_by_user_id: evaluator.created_by_user_id ?? null,
	};
}

/**
 * The common fields, then template_config (TEMPLATE) or code_config (CODE); HARNESS and REMOTE
 * versions have only the common fields.
 */
export function presentEvaluatorVersion(version: EvaluatorVersion, evaluator: Evaluator, casing: EnumCasing): JsonObject {
	const type = version.type ?? evaluator.type;
	const body: JsonObject = {
		id: version.id,
		evaluator_id: version.evaluator_id ?? evaluator.id,
		commit_hash: version.commit_hash,
		commit_message: version.commit_message,
		created_at: version.created_at,
		created_by_user_id: version.created_by_user_id ?? null,
		type: casing(type),
	};
	const optionalEnum = (value: string | null) => (value === null ? null : casing(value));
	if (type === 'TEMPLATE' && version.template_config) {
		const config = version.template_config;
		body.template_config = {
			...structuredClone(config),
			data_granularity: optionalEnum(config.data_granularity),
			direction: casing(config.direction),
		};
	}
	if (type === 'CODE' && version.code_config) {
		const config = structuredClone(version.code_config);
		body.code_config = {
			...config,
			type: casing(config.type),
			data_granularity: optionalEnum(config.data_granularity),
			...(config.managed_evaluator === undefined ? {} : { managed_evaluator: casing(config.managed_evaluator) }),
		};
	}
	return body;
}

/** GET /v2/evaluators/{id}: EvaluatorWithVersion, the evaluator's fields plus `version`. */
export function presentEvaluatorWithVersion(evaluator: Evaluator, version: EvaluatorVersion | undefined, casing: EnumCasing): JsonObject {
	return {
		...presentEvaluator(evaluator, casing),
		version: version ? presentEvaluatorVersion(version, evaluator, casing) : null,
	};
}

/** An integration's scope: the space it was made in (and that space's organization). */
function scopings(store: Store, spaceId: string): JsonObject[] {
	return [{ organization_id: store.spaces.get(spaceId)?.org_id ?? null, space_id: spaceId }];
}

export function presentAiIntegration(integration: AiIntegration, store: Store, casing: EnumCasing): JsonObject {
	return {
		id: integration.id,
		name: integration.name,
		provider: casing(integration.provider),
		has_api_key: integration.has_api_key,
		model_names: [...integration.model_names],
		enable_default_models: integration.enable_default_models,
		function_calling_enabled: integration.function_calling_enabled,
		auth_type: casing('DEFAULT'),
		scopings: scopings(store, integration.space_id),
		created_at: integration.created_at,
		updated_at: integration.updated_at,
		created_by_user_id: integration.created_by_user_id,
	};
}

/** /v2/integrations: LLM entries carry their provider in `config`; AGENT entries a description and the agent's config. */
export function presentIntegration(integration: AiIntegration | Integration, store: Store, casing: EnumCasing): JsonObject {
	const common = { id: integration.id, name: integration.name };
	const times = { created_at: integration.created_at, updated_at: integration.updated_at, created_by_user_id: integration.created_by_user_id };
	if ('provider' in integration) {
		return {
			...common,
			type: casing('LLM'),
			scopings: scopings(store, integration.space_id),
			...times,
			config: {
				provider: casing(integration.provider),
				has_api_key: integration.has_api_key,
				is_function_calling_enabled: integration.function_calling_enabled,
			},
		};
	}
	return {
		...common,
		type: casing(integration.type),
		description: integration.description,
		scopings: scopings(store, integration.space_id),
		...times,
		config: { endpoint: integration.endpoint, has_headers: false, input_schema: structuredClone(integration.input_schema), request_presets: [] },
	};
}
