import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { pause, requestGate } from './requestGate';
import type { Page } from './types';

export { pause } from './requestGate';

export type ArizeFunctions = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export const CREDENTIAL_TYPE = 'arizeApi';

/** Arize caps the task, run and lookup lists at 100 items per page (§3 of the reference). */
export const MAX_PAGE_SIZE = 100;
/** Experiment runs and spans come in pages of up to 500 (results-api.md §2). */
export const MAX_RESULTS_PAGE_SIZE = 500;

const DEFAULT_TIMEOUT_SECONDS = 60;
const MAX_RATE_LIMIT_RETRIES = 5;
const MAX_RETRY_AFTER_SECONDS = 60;
const MAX_TRANSIENT_RETRIES = 3;
const FIRST_BACKOFF_MS = 500;
/** Empty pages that still say `has_more` are followed, but not forever. */
const MAX_EMPTY_PAGES_IN_A_ROW = 5;

export interface ArizeCredentials {
	region?: string;
	baseUrl?: string;
	timeout?: number;
}

/** The API host for the credential's region; a custom URL must be a bare http(s) origin. */
export function arizeBaseUrl(node: INode, credentials: ArizeCredentials): string {
	const region = credentials.region ?? 'global';
	if (region === 'global') return 'https://api.arize.com';
	if (region !== 'custom') return `https://api.${region}.arize.com`;

	const raw = (credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
	let url: URL | undefined;
	try {
		url = new URL(raw);
	} catch {
		url = undefined;
	}
	if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search) {
		throw new NodeOperationError(node, `The Base URL "${raw}" in the Arize API credential is not a valid host`, {
			description: 'Use an http(s) URL without a path, e.g. https://arize.example.com',
		});
	}
	return url.origin;
}

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
			throw new NodeApiError(node, { httpCode: String(statusCode) } as JsonObject, {
				message: `Arize answered HTTP ${statusCode} with a body that is not JSON`,
				description: `First characters of the body: ${String(body).slice(0, 200)}`,
				httpCode: String(statusCode),
				itemIndex: request.itemIndex,
			});
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

export interface ListRequest {
	path: string;
	/** The key that holds the items in the response, e.g. `tasks` or `task_runs`. */
	listKey: string;
	qs?: IDataObject;
	/**
	 * A list read with POST (`/v2/spans`): its filters go in this body, sent unchanged with every page, while `limit`
	 * and `cursor` stay in the query string. Such a POST only reads, so it is retried like a GET.
	 */
	body?: IDataObject;
	/** The endpoint's largest page; MAX_PAGE_SIZE unless it allows more. */
	maxPageSize?: number;
	itemIndex?: number;
}

/**
 * Returns the items of a list endpoint, following `next_cursor` while `has_more`. With a limit it asks each page for
 * no more than is still needed, so Limit 120 costs two calls (100 + 20); without one it asks for full pages.
 */
export async function arizeApiRequestAllItems(
	this: ArizeFunctions,
	list: ListRequest,
	limit?: number,
): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	const seenCursors = new Set<string>();
	let emptyPagesInARow = 0;
	let cursor: string | undefined;
	const maxPageSize = list.maxPageSize ?? MAX_PAGE_SIZE;
	do {
		const pageSize = limit === undefined ? maxPageSize : Math.min(maxPageSize, limit - items.length);
		const page = await arizeApiRequestPage.call(this, list, pageSize, cursor);
		items.push(...page.items);
		cursor = page.nextCursor;
		if (cursor === undefined) break;
		emptyPagesInARow = page.items.length === 0 ? emptyPagesInARow + 1 : 0;
		const problem = seenCursors.has(cursor)
			? 'returned the same page cursor twice'
			: emptyPagesInARow >= MAX_EMPTY_PAGES_IN_A_ROW
				? `returned ${emptyPagesInARow} empty pages in a row that all said there was more`
				: undefined;
		if (problem) {
			throw new NodeOperationError(this.getNode(), `Arize ${problem} for ${list.path}`, {
				description: 'Stopped paging to avoid an endless loop. Try again; if it persists, report it to Arize.',
				itemIndex: list.itemIndex,
			});
		}
		seenCursors.add(cursor);
	} while (cursor !== undefined && (limit === undefined || items.length < limit));
	return limit === undefined ? items : items.slice(0, limit);
}

/** One page of a list endpoint; `nextCursor` is set only when Arize says there is more. */
export async function arizeApiRequestPage(
	this: ArizeFunctions,
	list: ListRequest,
	pageSize: number,
	cursor?: string,
): Promise<{ items: IDataObject[]; nextCursor?: string }> {
	const page = (await arizeApiRequest.call(this, {
		method: list.body ? 'POST' : 'GET',
		path: list.path,
		qs: { ...list.qs, limit: pageSize, cursor },
		body: list.body,
		idempotent: true,
		itemIndex: list.itemIndex,
	})) as Page;
	const items = page[list.listKey];
	if (!Array.isArray(items) || typeof page.pagination?.has_more !== 'boolean') {
		throw new NodeApiError(this.getNode(), page as JsonObject, {
			message: `Arize returned a malformed page for ${list.path}`,
			description: `Expected "${list.listKey}" (a list) and "pagination.has_more" in the response.`,
			itemIndex: list.itemIndex,
		});
	}
	const nextCursor = page.pagination.has_more ? page.pagination.next_cursor : undefined;
	return { items: items as IDataObject[], nextCursor: nextCursor || undefined };
}

function withoutEmptyValues(qs: IDataObject | undefined): IDataObject | undefined {
	if (!qs) return undefined;
	const kept = Object.entries(qs).filter(([, value]) => value !== undefined && value !== null && value !== '');
	return kept.length ? Object.fromEntries(kept) : undefined;
}

const backoffMs = (retry: number) => FIRST_BACKOFF_MS * 2 ** retry;

/** Retry-After is delta-seconds (§2); without it, back off exponentially. Never wait longer than the cap. */
function retryAfterMs(header: string | string[] | undefined, attempt: number): number {
	const seconds = Number(Array.isArray(header) ? header[0] : header);
	const wait = Number.isFinite(seconds) && seconds >= 0 ? seconds : 2 ** attempt;
	return Math.min(wait, MAX_RETRY_AFTER_SECONDS) * 1000;
}

interface ProblemDetails {
	title?: string;
	detail?: string;
	status?: number;
}

function parseProblem(body: unknown): ProblemDetails | undefined {
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	return body !== null && typeof body === 'object' ? (body as ProblemDetails) : undefined;
}

/** Turns an RFC 9457 problem answer into a NodeApiError that shows Arize's own explanation and the status. */
function apiError(
	node: INode,
	status: number,
	body: unknown,
	itemIndex: number | undefined,
	rateLimitRetries: number,
): NodeApiError {
	const problem = parseProblem(body);
	const explanation =
		problem?.detail || problem?.title || `Arize answered HTTP ${status} without an explanation`;
	const credentialName = node.credentials?.[CREDENTIAL_TYPE]?.name ?? 'Arize API';

	let description = problem?.title && problem.title !== explanation ? problem.title : undefined;
	if (problem === undefined && typeof body === 'string' && body.trim()) {
		description = `The response was not JSON (a proxy or gateway may have answered): ${body.slice(0, 200)}`;
	}
	if (status === 401 || status === 403) {
		description =
			`Check the API key in the credential "${credentialName}". Arize keys belong to one region: ` +
			'a key used against another region\'s host fails the same way, so also check the Region.';
	}
	if (status === 429) {
		description = `Arize kept answering "too many requests" after ${rateLimitRetries} retries. Wait a moment and run again.`;
	}
	return new NodeApiError(node, { ...problem, httpCode: String(status) } as JsonObject, {
		message: `${explanation} [HTTP ${status}]`,
		description,
		httpCode: String(status),
		itemIndex,
	});
}

/**
 * Why a request got no HTTP answer at all ('timeout', or a socket error code such as ECONNRESET), or undefined when
 * the error is something else (n8n's own, e.g. a missing credential), which is passed on untouched.
 */
function networkFailure(error: unknown): string | undefined {
	// n8n 2.x hands the socket error on as `cause`. n8n 1.x wraps it in a NodeApiError with a message of its own, and
	// keeps the socket code as `httpCode` and the original message among `messages`.
	const { cause, httpCode, messages } = (error ?? {}) as { cause?: unknown; httpCode?: unknown; messages?: unknown };
	const wrapped = { code: httpCode, message: Array.isArray(messages) ? messages.join('\n') : undefined };
	const chain = [error, cause, wrapped] as Array<{ code?: unknown; message?: unknown } | undefined>;
	for (const link of chain) {
		const code = typeof link?.code === 'string' ? link.code : undefined;
		const message = typeof link?.message === 'string' ? link.message : '';
		if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout of \d+ms exceeded/.test(message)) return 'timeout';
		if (code && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
		if (/socket hang up/i.test(message)) return 'ECONNRESET';
	}
	return undefined;
}

const networkFailureText: Record<string, string> = {
	timeout: 'did not answer in time',
	ECONNRESET: 'closed the connection without answering',
	ECONNREFUSED: 'refused the connection',
	ENOTFOUND: 'has a host name that does not resolve',
	EAI_AGAIN: 'has a host name that could not be resolved right now',
};

/**
 * n8n rewrites any error message holding a socket code (ECONNRESET, …) into a generic sentence, so the code goes
 * into the description and the message says in words what happened, and where.
 */
function networkError(node: INode, failure: string, options: IHttpRequestOptions, itemIndex?: number): NodeApiError {
	const host = new URL(options.url).origin;
	const what = networkFailureText[failure] ?? 'could not be reached';
	const message =
		failure === 'timeout'
			? `Arize at ${host} did not answer within ${Number(options.timeout) / 1000} s`
			: `Arize at ${host} ${what}`;
	return new NodeApiError(node, { message } as JsonObject, {
		message,
		description:
			failure === 'timeout'
				? 'Arize may be slow or unreachable. Try again, or raise Request Timeout in the Arize API credential.'
				: `Network error ${failure}. Check the Region or Base URL of the Arize API credential, and your network.`,
		itemIndex,
	});
}
