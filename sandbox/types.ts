// Resource shapes as the sandbox stores them. They mirror the response objects of Arize's published spec (the types
// `@arizeai/ax-client` ships), enum values in their canonical UPPERCASE spelling; presenters in present.ts turn them
// into response bodies.

export const TASK_TYPES = ['TEMPLATE_EVALUATION', 'CODE_EVALUATION', 'RUN_EXPERIMENT'] as const;
export type TaskType = (typeof TASK_TYPES)[number];
export type EvalTaskType = Exclude<TaskType, 'RUN_EXPERIMENT'>;

export const RUN_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_RUN_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type TerminalRunStatus = (typeof TERMINAL_RUN_STATUSES)[number];

export const EXPERIMENT_TYPES = ['LLM_GENERATION', 'TEMPLATE_EVALUATION', 'AGENT_CALL'] as const;
export type ExperimentType = (typeof EXPERIMENT_TYPES)[number];

export const INPUT_VARIABLE_FORMATS = ['F_STRING', 'MUSTACHE', 'NONE'] as const;
export type InputVariableFormat = (typeof INPUT_VARIABLE_FORMATS)[number];

export const MESSAGE_ROLES = ['USER', 'ASSISTANT', 'SYSTEM', 'TOOL'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export const EVALUATOR_TYPES = ['TEMPLATE', 'CODE', 'HARNESS', 'REMOTE'] as const;
export type EvaluatorType = (typeof EVALUATOR_TYPES)[number];

export const INTEGRATION_TYPES = ['LLM', 'AGENT'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export type StringMap = Record<string, string>;
export type JsonObject = Record<string, unknown>;

export interface Space {
	id: string;
	name: string;
	description: string | null;
	is_private: boolean;
	created_at: string;
	/** Only used by the `org_id` filter of GET /v2/spaces; not part of the response (the spec lists no org_id field). */
	org_id: string;
}

export interface Project {
	id: string;
	name: string;
	space_id: string;
	created_at: string;
}

export interface DatasetVersion {
	id: string;
	name: string;
	created_at: string;
	/** Optional so records inserted directly stay valid: created_at stands in. */
	updated_at?: string;
}

/** User fields besides `id`; created_at/updated_at, when absent, are presented from the dataset's version times. */
export interface DatasetExample {
	id: string;
	[field: string]: unknown;
}

export interface Dataset {
	id: string;
	name: string;
	space_id: string;
	created_at: string;
	updated_at: string;
	versions: DatasetVersion[];
	examples: DatasetExample[];
}

export interface Experiment {
	id: string;
	name: string;
	dataset_id: string;
	dataset_version_id: string | null;
	space_id: string;
	created_at: string;
	/** Always in responses; optional here so records inserted directly stay valid: created_at stands in. */
	updated_at?: string;
}

/** A human annotation on an experiment run or span (note `text`, not `explanation`). */
export interface Annotation {
	name: string;
	label?: string;
	score?: number;
	text?: string;
	updated_at?: string;
	annotator?: { id: string; email: string };
}

/**
 * Open object: besides these keys a run carries user fields (e.g. `latency_ms`) and the flat
 * evaluation keys `eval.<name>.label`, `eval.<name>.score`, `eval.<name>.explanation` that dataset-based eval runs write.
 */
export interface ExperimentRun {
	id: string;
	example_id: string;
	output: string | null;
	error: string | null;
	annotations?: Annotation[];
	[field: string]: unknown;
}

export const SPAN_KINDS = ['LLM', 'CHAIN', 'RETRIEVER', 'EMBEDDING', 'AGENT', 'TOOL', 'RERANKER', 'GUARDRAIL', 'EVALUATOR', 'PROMPT', 'UNKNOWN'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];
export const SPAN_STATUS_CODES = ['OK', 'ERROR', 'UNSET'] as const;
export type SpanStatusCode = (typeof SPAN_STATUS_CODES)[number];

/** The four fields are all an evaluation has. */
export interface Evaluation {
	name: string;
	label?: string;
	score?: number;
	explanation?: string;
}

export interface SpanEvent {
	name: string;
	timestamp: string;
	attributes?: JsonObject;
}

/** Optional keys are left out of the stored object (and so of the response) when absent. */
export interface Span {
	name: string;
	context: { trace_id: string; span_id: string };
	kind: SpanKind;
	parent_id?: string;
	start_time: string;
	end_time: string;
	/** Absent means UNSET. */
	status_code?: SpanStatusCode;
	status_message?: string;
	/** Flat dotted keys, as in the spec example ("llm.model_name"), without the `attributes.` prefix filters use. */
	attributes?: JsonObject;
	annotations?: Annotation[];
	trace_annotations?: Annotation[];
	evaluations?: Evaluation[];
	events?: SpanEvent[];
}

export type DataGranularity = 'SPAN' | 'TRACE' | 'SESSION';

/** The judge model of a TEMPLATE version. */
export interface EvaluatorLlmConfig {
	ai_integration_id: string;
	model_name: string;
	invocation_parameters: JsonObject;
	provider_parameters: JsonObject;
}

/** TEMPLATE versions. `name` is the eval column name written onto spans and runs. */
export interface TemplateConfig {
	name: string;
	template: string;
	/** label → score; null for legacy freeform evaluators. */
	classification_choices: Record<string, number> | null;
	include_explanations: boolean;
	use_function_calling_if_available: boolean;
	data_granularity: DataGranularity | null;
	direction: 'MAXIMIZE' | 'MINIMIZE';
	llm_config: EvaluatorLlmConfig;
}

/** CODE versions. */
export interface CodeConfig {
	name: string;
	type: 'MANAGED' | 'CUSTOM';
	data_granularity: DataGranularity | null;
	/** The eval's input columns (the code's arguments). */
	variables: string[];
	/** MANAGED only. */
	managed_evaluator?: 'MATCHES_REGEX' | 'JSON_PARSEABLE' | 'CONTAINS_ANY_KEYWORD' | 'CONTAINS_ALL_KEYWORDS' | 'EXACT_MATCH';
	/** CUSTOM only: the evaluator's source. */
	code?: string;
}

/** HARNESS and REMOTE versions carry only the common fields. */
export interface EvaluatorVersion {
	id: string;
	commit_hash: string;
	commit_message: string | null;
	created_at: string;
	/** Optional so records inserted directly stay valid; presented from the owning evaluator when absent. */
	evaluator_id?: string;
	type?: EvaluatorType;
	created_by_user_id?: string | null;
	template_config?: TemplateConfig;
	code_config?: CodeConfig;
}

export interface Evaluator {
	id: string;
	name: string;
	type: EvaluatorType;
	description: string | null;
	space_id: string;
	created_at: string;
	updated_at: string;
	/** Optional so records inserted directly stay valid (presented as null). */
	created_by_user_id?: string | null;
	/** Oldest first; the last entry is "latest". */
	versions: EvaluatorVersion[];
}

/**
 * An LLM integration (GET /v2/ai-integrations, and GET /v2/integrations?type=LLM with the same id). It is scoped to
 * `space_id`, which responses show as a scoping, never as a field of its own.
 */
export interface AiIntegration {
	id: string;
	name: string;
	/** The providers whose /v2/integrations config carries no more than these fields. */
	provider: 'OPEN_AI' | 'ANTHROPIC' | 'GEMINI';
	model_names: string[];
	has_api_key: boolean;
	enable_default_models: boolean;
	function_calling_enabled: boolean;
	space_id: string;
	created_at: string;
	updated_at: string;
	created_by_user_id: string;
}

/** A non-LLM integration; only AGENT exists today (AGENT_CALL run configurations). */
export interface Integration {
	id: string;
	name: string;
	type: 'AGENT';
	description: string | null;
	/** The agent's URL and the JSON Schema of what it accepts. */
	endpoint: string;
	input_schema: JsonObject;
	space_id: string;
	created_at: string;
	updated_at: string;
	created_by_user_id: string | null;
}

export interface TaskEvaluator {
	evaluator_id: string;
	/** Filled from the evaluator when presented; kept here as a fallback if the evaluator disappears. */
	evaluator_name: string;
	query_filter: string | null;
	column_mappings: StringMap | null;
	evaluator_version_id: string | null;
}

export interface LlmMessage {
	role: MessageRole;
	content?: string | null;
	tool_call_id?: string;
	tool_calls?: unknown[];
}

export interface LlmGenerationConfig {
	experiment_type: 'LLM_GENERATION';
	ai_integration_id: string;
	model_name?: string;
	messages: LlmMessage[];
	input_variable_format: InputVariableFormat;
	invocation_parameters?: JsonObject;
	provider_parameters: JsonObject;
	tool_config?: JsonObject;
	prompt_version_id?: string | null;
}

export interface TemplateEvaluationConfig {
	experiment_type: 'TEMPLATE_EVALUATION';
	ai_integration_id: string;
	model_name?: string;
	template: string;
	provide_explanation: boolean;
	classification_choices?: Record<string, number>;
	column_mapping?: StringMap;
	evaluator_version_id?: string | null;
	invocation_parameters?: JsonObject;
	provider_parameters: JsonObject;
}

export interface AgentCallConfig {
	experiment_type: 'AGENT_CALL';
	integration_id: string;
	input_template: JsonObject;
}

export type RunConfiguration = LlmGenerationConfig | TemplateEvaluationConfig | AgentCallConfig;

export interface Task {
	id: string;
	name: string;
	type: TaskType;
	project_id: string | null;
	dataset_id: string | null;
	sampling_rate: number | null;
	is_continuous: boolean;
	query_filter: string | null;
	evaluators: TaskEvaluator[];
	experiment_ids: string[];
	/** RUN_EXPERIMENT only; other tasks answer null. */
	run_configuration?: RunConfiguration | null;
	last_run_at: string | null;
	created_at: string;
	updated_at: string;
	created_by_user_id: string | null;
}

export interface TaskRunCounts {
	num_successes: number;
	num_errors: number;
	num_skipped: number;
}

export interface TaskRun extends TaskRunCounts {
	id: string;
	task_id: string;
	status: RunStatus;
	experiment_id: string | null;
	run_started_at: string | null;
	run_finished_at: string | null;
	data_start_time: string | null;
	data_end_time: string | null;
	created_at: string;
	created_by_user_id: string | null;
	failure_reason: string | null;
}
