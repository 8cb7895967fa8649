import { request as httpRequest } from 'node:http';
import type { ClientRequest, OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

import type { Store } from '../store.ts';
import type { Webhook } from './types.ts';

// Sends webhook deliveries: one HTTP POST of the JSON payload to the webhook's url, with its auth_token as the
// Authorization header (verbatim), its custom headers, abandoned after its timeout_ms. Arize says only that "failed
// deliveries are retried"; the sandbox retries a delivery that got no 2xx (an error status or no answer) after each
// of retryDelaysMs in turn, and records every attempt of a real event for GET …/delivery-attempts. Deliveries never
// hold up the request that caused them: idle() is how a test waits for them.

/** What one POST to a webhook's url sent and got (sandbox.webhooks.deliveries). */
export interface SentDelivery {
	webhook_id: string;
	url: string;
	/** The headers sent, lower-case names, without `authorization` (a secret: the receiver sees it, the record does not). */
	headers: Record<string, string>;
	payload: Record<string, unknown>;
	event: string;
	event_id: string;
	/** 1 for the first try; test deliveries are always 1. */
	attempt_number: number;
	/** A delivery of POST /v2/webhooks/{id}/test (never listed in delivery attempts). */
	test: boolean;
	/** null: no answer. */
	status_code: number | null;
	error_message: string | null;
}

/** How long a test delivery's endpoint took to answer: the same HTTP outcome as a real delivery. */
export interface DeliveryOutcome {
	status_code: number | null;
	error_message: string | null;
}

/** Waits between a failed attempt and the next: 3 retries, 1 s, 5 s and 25 s later. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 5000, 25000];

const USER_AGENT = 'arize-sandbox-webhooks/1';
const iso = (ms: number) => new Date(ms).toISOString();

export function checkRetryDelays(delays: readonly number[]): number[] {
	for (const delay of delays) {
		if (!Number.isFinite(delay) || delay < 0) throw new RangeError(`webhook retry delays must be finite numbers ≥ 0, got ${delay}`);
	}
	return [...delays];
}

export class WebhookDeliveries {
	/** Every POST sent to a webhook, in the order the answers came (or did not). */
	readonly deliveries: SentDelivery[] = [];
	/** Waits before each retry; its length is the number of retries. */
	retryDelaysMs: number[];
	/** When set, POST /v2/webhooks/{id}/test answers this problem status instead of sending (404 or 503). */
	testOutage: 404 | 503 | undefined;

	readonly #store: Store;
	readonly #pending = new Set<Promise<void>>();
	readonly #timers = new Set<ReturnType<typeof setTimeout>>();
	readonly #requests = new Set<ClientRequest>();
	#closed = false;

	constructor(store: Store, retryDelaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS) {
		this.#store = store;
		this.retryDelaysMs = checkRetryDelays(retryDelaysMs);
	}

	/** Delivers a real event to a webhook: first attempt now, retries later; returns at once. */
	dispatch(webhookId: string, payload: Record<string, unknown>): void {
		this.#track(this.#attempt(webhookId, payload, 1));
	}

	/** One test delivery, not retried and not recorded as a delivery attempt. */
	async test(webhook: Webhook, payload: Record<string, unknown>): Promise<DeliveryOutcome> {
		const work = this.#post(webhook, payload).then((outcome) => {
			this.#record(webhook, payload, 1, true, outcome);
			return outcome;
		});
		this.#track(work.then(() => undefined));
		return work;
	}

	/** Resolves once no delivery is in flight or waiting for a retry (including those that start meanwhile). */
	async idle(): Promise<void> {
		while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
	}

	/** Stops retries and abandons deliveries in flight; nothing is sent afterwards. */
	close(): void {
		this.#closed = true;
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
		for (const request of this.#requests) request.destroy();
	}

	#track(work: Promise<void>): void {
		this.#pending.add(work);
		void work.finally(() => this.#pending.delete(work));
	}

	async #attempt(webhookId: string, payload: Record<string, unknown>, attemptNumber: number): Promise<void> {
		const webhook = this.#store.webhooks.get(webhookId);
		// A webhook deleted meanwhile gets nothing more.
		if (!webhook || this.#closed) return;
		const createdAt = iso(this.#store.now());
		const outcome = await this.#post(webhook, payload);
		if (this.#closed) return;
		this.#record(webhook, payload, attemptNumber, false, outcome);
		if (this.#store.webhooks.has(webhookId)) {
			const attempts = this.#store.webhookDeliveryAttempts.get(webhookId) ?? [];
			const eventId = String(payload.event_id);
			attempts.push({
				id: `${eventId}:${attemptNumber}`,
				event_id: eventId,
				attempt_number: attemptNumber,
				payload,
				status_code: outcome.status_code,
				error_message: outcome.error_message,
				created_at: createdAt,
			});
			this.#store.webhookDeliveryAttempts.set(webhookId, attempts);
		}
		const delay = this.retryDelaysMs[attemptNumber - 1];
		if (outcome.error_message === null || delay === undefined) return;
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				this.#timers.delete(timer);
				resolve();
			}, delay);
			this.#timers.add(timer);
		});
		await this.#attempt(webhookId, payload, attemptNumber + 1);
	}

	#record(webhook: Webhook, payload: Record<string, unknown>, attemptNumber: number, test: boolean, outcome: DeliveryOutcome): void {
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(webhook.headers)) headers[name.toLowerCase()] = value;
		// As #post sends them: these two win over custom headers of the same name.
		headers['content-type'] = 'application/json';
		headers['user-agent'] = USER_AGENT;
		this.deliveries.push({
			webhook_id: webhook.id,
			url: webhook.url,
			headers,
			payload,
			event: String(payload.event),
			event_id: String(payload.event_id),
			attempt_number: attemptNumber,
			test,
			...outcome,
		});
	}

	/** One POST; resolves with the status (2xx: no error) or why there was none. Never rejects. */
	#post(webhook: Webhook, payload: Record<string, unknown>): Promise<DeliveryOutcome> {
		return new Promise((resolve) => {
			if (this.#closed) {
				resolve({ status_code: null, error_message: 'The sandbox closed before the delivery was sent.' });
				return;
			}
			const text = JSON.stringify(payload);
			const headers: OutgoingHttpHeaders = { ...webhook.headers };
			headers['Content-Type'] = 'application/json';
			headers['Content-Length'] = Buffer.byteLength(text);
			headers['User-Agent'] = USER_AGENT;
			if (webhook.auth_token !== null) headers.Authorization = webhook.auth_token;
			let settled = false;
			const finish = (outcome: DeliveryOutcome) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				this.#requests.delete(request);
				resolve(outcome);
			};
			const url = new URL(webhook.url);
			const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
			// No keep-alive: each delivery is its own connection, so nothing stays open after it.
			const request = send(url, { method: 'POST', headers, agent: false }, (response) => {
				response.resume();
				const status = response.statusCode ?? 0;
				finish({
					status_code: status,
					error_message: status >= 200 && status < 300 ? null : `The endpoint answered HTTP ${status}.`,
				});
			});
			// The whole request, not only an idle socket, may take at most timeout_ms.
			const timer = setTimeout(() => {
				finish({ status_code: null, error_message: `No response within timeout_ms (${webhook.timeout_ms} ms).` });
				request.destroy();
			}, webhook.timeout_ms);
			this.#requests.add(request);
			request.on('error', (error: NodeJS.ErrnoException) => {
				finish({ status_code: null, error_message: `No response: ${error.code ?? error.message}.` });
			});
			request.end(text);
		});
	}
}
