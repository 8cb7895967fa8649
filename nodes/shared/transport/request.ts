import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { ArizeCredentials } from './credentials';
import { arizeBaseUrl, CREDENTIAL_TYPE } from './credentials';
import { apiError, networkError, networkFailure, notJsonError } from './errors';
import { pause, requestGate } from './requestGate';

export type ArizeFunctions = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IHookFunctions | IWebhookFunctions;

const DEFAULT_TIMEOUT_SECONDS = 60;
const MAX_RATE_LIMIT_RETRIES = 5;
const MAX_RETRY_AFTER_SECONDS = 60;
const MAX_TRANSIENT_RETRIES = 3;
const FIRST_BACKOFF_MS = 500;

/**
 * Builds an API path with every interpolated value URL-encoded: Arize IDs are base64 and may hold `=`, `+` and `/`.
 * Usage: arizePath`/v2/tasks/${taskId}/trigger`
 */
export function arizePath(strings: TemplateStringsArray, ...values: string[]): string {
	return strings.reduce((path, text, i) => path + text + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}

export interface ArizeRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/**
	 * Whether repeating the request after a 5xx or a dropped connection is harmless. GET, PATCH and DELETE are;
	 * a POST that creates or triggers is not (it could create twice), unless the caller says so (cancel).
	 */
	idempotent?: boolean;
	itemIndex?: number;
}

interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

/**
 * Sends one request to Arize and returns the parsed body. Owns authentication (through the credential),
 * retries (429 always, 5xx and connection errors only for idempotent requests) and error translation. Every attempt
 * passes the context's request gate: at most its bound in flight, and a 429's Retry-After holds back every request
 * of the execution, not just this one.
 */
export async function arizeApiRequest(this: ArizeFunctions, request: ArizeRequest): Promise<IDataObject> {
	const node = this.getNode();
	const gate = requestGate(this);
	const credentials = await gate.credentialsOnce(async () => (await this.getCredentials(CREDENTIAL_TYPE)) as ArizeCredentials);
	const options: IHttpRequestOptions = {
		method: request.method,
		url: arizeBaseUrl(node, credentials) + request.path,
		qs: withoutEmptyValues(request.qs),
		body: request.body,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: (credentials.timeout || DEFAULT_TIMEOUT_SECONDS) * 1000,
	};
	const idempotent = request.idempotent ?? request.method !== 'POST';

	let rateLimitRetries = 0;
	let transientRetries = 0;
	// One attempt is decided inside its slot, so that a failure has closed the gate (when it does) before the slot
	// passes to the next request.
	const attempt = async (): Promise<Attempt> => {
		let response: FullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options)) as FullResponse;
		} catch (error) {
			const failure = networkFailure(error);
			// n8n's own errors (already NodeApiError, which re-wrapping hands back unchanged) pass through.
			if (!failure) throw new NodeApiError(node, error as JsonObject, { itemIndex: request.itemIndex });
			const final = networkError(node, failure, options, request.itemIndex);
			// A request that timed out is not repeated: waiting the whole timeout again rarely helps.
			if (failure !== 'timeout' && idempotent && transientRetries < MAX_TRANSIENT_RETRIES) {
				return { backoffMs: backoffMs(transientRetries++), error: final };
			}
			throw final;
		}
		const { statusCode, body } = response;
		if (statusCode === 429 && rateLimitRetries < MAX_RATE_LIMIT_RETRIES) {
			gate.holdFor(retryAfterMs(response.headers['retry-after'], rateLimitRetries++));
			return { heldBack: true, error: apiError(node, statusCode, body, request.itemIndex, rateLimitRetries) };
		}
		if (statusCode >= 500 && idempotent && transientRetries < MAX_TRANSIENT_RETRIES) {
			return {
				backoffMs: backoffMs(transientRetries++),
				error: apiError(node, statusCode, body, request.itemIndex, rateLimitRetries),
			};
		}
		if (statusCode >= 400) throw apiError(node, statusCode, body, request.itemIndex, rateLimitRetries);
		if (statusCode === 204) return { body: {} };
		if (body === null || typeof body !== 'object') {
			throw notJsonError(node, statusCode, body, request.itemIndex);
		}
		return { body: body as IDataObject };
	};

	for (;;) {
		const outcome = await gate.run(this, attempt, request.itemIndex);
		if ('body' in outcome) return outcome.body;
		const resumed = 'heldBack' in outcome ? await gate.waitForHold(this) : await pause(this, outcome.backoffMs);
		// Cancelled while waiting to try again: the last answer is the error.
		if (!resumed) throw outcome.error;
	}
}

/** What one attempt came to: the answer, or an error to be tried again after the gate's hold or a backoff. */
type Attempt =
	| { body: IDataObject }
	| { heldBack: true; error: NodeApiError }
	| { backoffMs: number; error: NodeApiError };

function withoutEmptyValues(qs: IDataObject | undefined): IDataObject | undefined {
	if (!qs) return undefined;
	const kept = Object.entries(qs).filter(([, value]) => value !== undefined && value !== null && value !== '');
	return kept.length ? Object.fromEntries(kept) : undefined;
}

const backoffMs = (retry: number) => FIRST_BACKOFF_MS * 2 ** retry;

/** Arize's Retry-After is in whole seconds; without it, back off exponentially. Never wait longer than the cap. */
function retryAfterMs(header: string | string[] | undefined, attempt: number): number {
	const seconds = Number(Array.isArray(header) ? header[0] : header);
	const wait = Number.isFinite(seconds) && seconds >= 0 ? seconds : 2 ** attempt;
	return Math.min(wait, MAX_RETRY_AFTER_SECONDS) * 1000;
}

