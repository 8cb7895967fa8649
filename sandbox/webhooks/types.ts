// Webhooks, their subscriptions and delivery attempts, organizations and prompts, as the sandbox stores them.
// Shapes follow Arize's webhook reference (the generated docs of its Python client) and, for prompts, the
// OpenAPI spec that @arizeai/ax-client 1.28.0 ships.

export const WEBHOOK_AUTH_TYPES = ['BEARER', 'HMAC_SHA256'] as const;
export type WebhookAuthType = (typeof WEBHOOK_AUTH_TYPES)[number];

export const WEBHOOK_SOURCE_TYPES = ['PROMPT', 'EVALUATOR', 'ONLINE_TASK', 'SPACE'] as const;
export type WebhookSourceType = (typeof WEBHOOK_SOURCE_TYPES)[number];

/** Subscription event → the `event` value of delivered payloads and the source types it may be attached to. */
export const WEBHOOK_EVENTS = {
	PROMPT_VERSION_CREATED: { payloadEvent: 'prompt.version.created', sources: ['PROMPT'] },
	PROMPT_VERSION_LABELED: { payloadEvent: 'prompt.version.labeled', sources: ['PROMPT'] },
	PROMPT_VERSION_UNLABELED: { payloadEvent: 'prompt.version.unlabeled', sources: ['PROMPT'] },
	EVALUATOR_VERSION_CREATED: { payloadEvent: 'evaluator.version.created', sources: ['EVALUATOR'] },
	ONLINE_TASK_RUN_FAILED: { payloadEvent: 'online_task.run.failed', sources: ['ONLINE_TASK', 'SPACE'] },
} as const satisfies Record<string, { payloadEvent: string; sources: readonly WebhookSourceType[] }>;
export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];

export interface Organization {
	id: string;
	name: string;
	description: string;
	created_at: string;
}

export interface Webhook {
	id: string;
	organization_id: string;
	name: string;
	description: string;
	url: string;
	auth_type: WebhookAuthType;
	/** Write-only: the whole Authorization header value of each delivery; never in a response. */
	auth_token: string | null;
	/** Write-only custom headers sent with each delivery; never in a response. */
	headers: Record<string, string>;
	/** HMAC_SHA256 only: returned once, in the create response. */
	signing_secret: string | null;
	timeout_ms: number;
	created_at: string;
	updated_at: string;
	created_by_user_id: string | null;
}

export interface WebhookSubscription {
	id: string;
	webhook_id: string;
	source_type: WebhookSourceType;
	source_id: string;
	event: WebhookEventType;
	created_at: string;
}

/** One try at delivering one event to one webhook (test deliveries are never stored). */
export interface DeliveryAttempt {
	/** Internal: `<event_id>:<attempt_number>`, what pagination cursors point at; not in responses. */
	id: string;
	event_id: string;
	attempt_number: number;
	payload: Record<string, unknown>;
	/** null: no answer (refused, reset, timed out). */
	status_code: number | null;
	error_message: string | null;
	created_at: string;
}

export const LLM_PROVIDERS = ['OPEN_AI', 'AZURE_OPEN_AI', 'AWS_BEDROCK', 'VERTEX_AI', 'ANTHROPIC', 'CUSTOM'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export interface PromptMessage {
	role: 'USER' | 'ASSISTANT' | 'SYSTEM' | 'TOOL';
	content?: string | null;
	tool_call_id?: string;
	tool_calls?: unknown[];
}

export interface Prompt {
	id: string;
	name: string;
	description: string | null;
	space_id: string;
	created_at: string;
	updated_at: string;
	created_by_user_id: string;
}

export interface PromptVersion {
	id: string;
	prompt_id: string;
	commit_hash: string;
	commit_message: string;
	messages: PromptMessage[];
	input_variable_format: 'F_STRING' | 'MUSTACHE' | 'NONE';
	provider: LlmProvider;
	/** The spec types `model` as always present; a version created without one answers "". */
	model: string;
	invocation_params?: Record<string, unknown>;
	provider_params?: Record<string, unknown>;
	created_at: string;
	created_by_user_id: string;
	/** Label names pointing at this version; a label is on at most one version of a prompt. */
	labels: string[];
}
