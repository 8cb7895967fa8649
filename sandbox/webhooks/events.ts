import { spaceOfSource } from '../rules/webhook-body.ts';
import type { Store } from '../store.ts';
import type { TaskRun, TerminalRunStatus } from '../types.ts';
import { checkRetryDelays, DEFAULT_RETRY_DELAYS_MS, WebhookDeliveries } from './deliveries.ts';
import { WEBHOOK_EVENTS } from './types.ts';
import type { WebhookEventType, WebhookSourceType } from './types.ts';

// Which events happen and who hears them. An event goes once to every webhook subscribed to it on any of its
// sources (a task's run failure has two: the task and its space); a webhook subscribed through both hears it once.
//
// The payload beyond `event` is the sandbox's guess (Arize documents nothing else): event, event_id, occurred_at and
// the ids of what the event is about.

const engines = new WeakMap<Store, WebhookDeliveries>();

/** The delivery engine startSandbox attached to this store, if any (a Store on its own sends nothing). */
export function deliveriesOf(store: Store): WebhookDeliveries | undefined {
	return engines.get(store);
}

export interface EventSource {
	type: WebhookSourceType;
	id: string;
}

/** Delivers `event` to its subscribers; returns the payload, or undefined when nobody is subscribed. */
export function publishEvent(
	store: Store,
	event: WebhookEventType,
	sources: EventSource[],
	fields: Record<string, unknown>,
): Record<string, unknown> | undefined {
	const engine = engines.get(store);
	if (!engine) return undefined;
	const webhookIds = new Set<string>();
	for (const subscription of store.webhookSubscriptions.values()) {
		if (subscription.event !== event) continue;
		if (!sources.some((source) => source.type === subscription.source_type && source.id === subscription.source_id)) continue;
		if (store.webhooks.has(subscription.webhook_id)) webhookIds.add(subscription.webhook_id);
	}
	if (webhookIds.size === 0) return undefined;
	const payload = {
		event: WEBHOOK_EVENTS[event].payloadEvent,
		event_id: store.nextId('WebhookEvent'),
		occurred_at: new Date(store.now()).toISOString(),
		...fields,
	};
	for (const webhookId of webhookIds) engine.dispatch(webhookId, payload);
	return payload;
}

/**
 * online_task.run.failed: a run of a continuous evaluation task failed. Sent when the task starts failing and again
 * when the cause (failure_reason) changes; a completed run ends the failing streak, a cancelled one leaves it as is.
 */
export function taskRunFinished(store: Store, run: TaskRun): void {
	const task = store.tasks.get(run.task_id);
	if (!task || task.type === 'RUN_EXPERIMENT' || !task.is_continuous) return;
	if (run.status === 'COMPLETED') {
		store.taskFailureCauses.delete(task.id);
		return;
	}
	if (run.status !== 'FAILED') return;
	const cause = run.failure_reason ?? '';
	if (store.taskFailureCauses.get(task.id) === cause) return;
	store.taskFailureCauses.set(task.id, cause);
	const { spaceId } = spaceOfSource(store, 'ONLINE_TASK', task.id);
	const sources: EventSource[] = [{ type: 'ONLINE_TASK', id: task.id }];
	if (spaceId !== undefined) sources.push({ type: 'SPACE', id: spaceId });
	publishEvent(store, 'ONLINE_TASK_RUN_FAILED', sources, {
		task_id: task.id,
		task_name: task.name,
		space_id: spaceId ?? null,
		run_id: run.id,
		failure_reason: run.failure_reason,
	});
}

/** Per-test controls of the webhooks (sandbox.webhooks). */
export class SandboxWebhooks extends WebhookDeliveries {
	readonly #store: Store;

	constructor(store: Store, retryDelaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS) {
		super(store, retryDelaysMs);
		this.#store = store;
		engines.set(store, this);
		store.onRunFinished = (run) => taskRunFinished(store, run);
	}

	/** Empties `deliveries` in place (references stay live). */
	clearDeliveries(): void {
		this.deliveries.length = 0;
	}

	setRetryDelaysMs(delays: readonly number[]): void {
		this.retryDelaysMs = checkRetryDelays(delays);
	}

	/** From now on POST /v2/webhooks/{id}/test answers 404 ("destination not available") or 503; null sends again. */
	setTestOutage(status: 404 | 503 | null): void {
		this.testOutage = status ?? undefined;
	}

	/**
	 * Runs the task once now and finishes the run: FAILED with `failureReason`, or COMPLETED when it is null. A run of
	 * a continuous evaluation task that fails sends online_task.run.failed as the API would (see taskRunFinished).
	 */
	finishTaskRun(taskId: string, failureReason: string | null): TaskRun {
		const task = this.#store.tasks.get(taskId);
		if (!task) throw new Error(`No task ${taskId} in the sandbox store`);
		const run = this.#store.startRun(task, { data_start_time: null, data_end_time: null });
		const status: TerminalRunStatus = failureReason === null ? 'COMPLETED' : 'FAILED';
		return this.#store.finishRun(run.id, status, failureReason === null ? {} : { failure_reason: failureReason });
	}
}
