/** Arize's webhook events: the value a subscription names, the name a delivery carries, the source it needs. */
export const EVENTS = {
	ONLINE_TASK_RUN_FAILED: { delivered: 'online_task.run.failed', displayName: 'Online Task Run Failed' },
	PROMPT_VERSION_CREATED: { delivered: 'prompt.version.created', displayName: 'Prompt Version Created' },
	PROMPT_VERSION_LABELED: { delivered: 'prompt.version.labeled', displayName: 'Prompt Version Labeled' },
	PROMPT_VERSION_UNLABELED: { delivered: 'prompt.version.unlabeled', displayName: 'Prompt Version Unlabeled' },
	EVALUATOR_VERSION_CREATED: { delivered: 'evaluator.version.created', displayName: 'Evaluator Version Created' },
} as const;

export type ArizeEvent = keyof typeof EVENTS;

export const PROMPT_EVENTS: ArizeEvent[] = ['PROMPT_VERSION_CREATED', 'PROMPT_VERSION_LABELED', 'PROMPT_VERSION_UNLABELED'];

export const isArizeEvent = (value: string): value is ArizeEvent => Object.prototype.hasOwnProperty.call(EVENTS, value);

/** The dotted names a delivery of one of Arize's events carries in its `event` field. */
export const DELIVERED_EVENT_NAMES: string[] = Object.values(EVENTS).map((event) => event.delivered);

export type SourceType = 'ONLINE_TASK' | 'SPACE' | 'PROMPT' | 'EVALUATOR';

/** How the errors name each source, followed by its ID. */
export const SOURCE_NAMES: Record<SourceType, string> = {
	ONLINE_TASK: 'task',
	SPACE: 'space',
	PROMPT: 'prompt',
	EVALUATOR: 'evaluator',
};

/**
 * What the API key's user needs in Arize for a subscription on each source (Arize's webhook docs): said in the hints
 * and in the error when Arize answers 403.
 */
export const PERMISSION_NEEDED: Record<SourceType, string> = {
	ONLINE_TASK: 'permission to update the task',
	SPACE: 'the admin role in the space (or in its organization or account)',
	PROMPT: 'the PROMPT_UPDATE permission on the prompt',
	EVALUATOR: 'the EVALUATOR_UPDATE permission on the evaluator',
};
