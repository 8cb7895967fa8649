import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

import { handleInMode, lowerCaseEnums, upperCaseEnums } from './enums.ts';
import type { Fault, Faults } from './faults.ts';
import { ApiError, problemBody } from './problems.ts';
import type { RateLimit } from './rateLimit.ts';
import { matchRoute } from './router.ts';
import type { Reply, RouteContext } from './router.ts';
import { routes } from './routes/index.ts';
import type { Store } from './store.ts';

// One request's journey: record it → rate limit → read the body → injected fault? → authenticate → route → respond (after the
// simulated network latency, when one is set: the store sees the request at once, the client its answer later).

export interface RecordedRequest {
	method: string;
	/** The path as received, still percent-encoded, without the query string. */
	path: string;
	/** Decoded query parameters (the last value wins when a name repeats). */
	query: Record<string, string>;
	/** Request headers, lower-case names, without `authorization` (the key is never recorded). */
	headers: Record<string, string>;
	/** Parsed JSON body; the raw text when it is not JSON; undefined when there is none. */
	body: unknown;
	/** Response status; 0 while pending and for hang/reset faults. */
	status: number;
	/** When the request arrived, in ms (`performance.timeOrigin + performance.now()`). */
	receivedAt: number;
	/**
	 * When the answer was written (the socket destroyed, for a reset fault), on the same clock; undefined while
	 * pending, for hang faults and when the client went away before the answer was due.
	 */
	answeredAt: number | undefined;
	/** The Retry-After of a 429 answer, in seconds; undefined for every other answer. */
	retryAfter?: number;
}

/**
 * One routed request and its answer, as handed to exchange observers (injected faults are not routed and not
 * observed). Bodies are the parsed JSON; the answer's body is undefined when it has none (204).
 */
export interface Exchange {
	method: string;
	/** The route's pattern, e.g. '/v2/tasks/:task_id'; undefined when no route was matched (401, 404, 405). */
	pattern: string | undefined;
	/** The path as received, still percent-encoded. */
	path: string;
	query: Record<string, string>;
	requestBody: unknown;
	status: number;
	responseBody: unknown;
	/** True while the older-docs mode (setLowercaseEnums) was on. */
	olderDocs: boolean;
}

export type ExchangeObserver = (exchange: Exchange) => void;

export interface ServerState {
	store: Store;
	faults: Faults;
	/** The rate limit in front of the whole API (sandbox/rateLimit.ts); none unless set. */
	rateLimit: RateLimit;
	requests: RecordedRequest[];
	apiKeys: ReadonlySet<string>;
	lowercaseEnums: boolean;
	/** Every answer (except hang) is written this long, plus a random part of jitterMs, after the request was read. */
	latencyMs: number;
	jitterMs: number;
	/** Requests that arrived and whose answer is not fully written yet (nor their socket closed). */
	inFlight: number;
	/** The most requests in flight at once since the start or the last reset. */
	maxInFlight: number;
	/** Answers waiting for their latency; cleared when the sandbox closes. */
	timers: Set<ReturnType<typeof setTimeout>>;
	/** Called with every routed exchange when it is answered (before any latency). */
	observers: ReadonlySet<ExchangeObserver>;
}

/** Milliseconds since the epoch with sub-millisecond precision, monotonic within the process. */
export const now = (): number => performance.timeOrigin + performance.now();

const JSON_TYPE = 'application/json';
const PROBLEM_TYPE = 'application/problem+json';

function recordableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (name === 'authorization' || value === undefined) continue;
		result[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return result;
}

/** Resolves with the whole body, or what arrived before the client went away. */
function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', done);
		req.on('error', done);
		req.on('close', done);
	});
}

function parseForRecord(raw: string): unknown {
	if (raw === '') return undefined;
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

function send(
	res: ServerResponse,
	record: RecordedRequest,
	status: number,
	contentType: string | undefined,
	text: string | undefined,
	headers: Record<string, string> = {},
): void {
	record.status = status;
	if (res.destroyed) return;
	record.answeredAt = now();
	const allHeaders: Record<string, string | number> = { ...headers };
	if (contentType) allHeaders['Content-Type'] = contentType;
	// RFC 9110 §8.6: no Content-Length on 204.
	if (status !== 204) allHeaders['Content-Length'] = text === undefined ? 0 : Buffer.byteLength(text);
	res.writeHead(status, allHeaders);
	res.end(text);
}

function sendProblem(res: ServerResponse, record: RecordedRequest, error: ApiError): void {
	if (error.headers['Retry-After'] !== undefined) record.retryAfter = Number(error.headers['Retry-After']);
	send(res, record, error.status, PROBLEM_TYPE, JSON.stringify(problemBody(error.status, error.message, record.path)), error.headers);
}

const HTML_PAGES: Record<number, string> = {
	502: 'Bad Gateway',
	503: 'Service Temporarily Unavailable',
	504: 'Gateway Time-out',
};

/** Writes the answer (or resets the socket); the pipeline decides when. */
type Answer = () => void;

/** What an injected fault answers; undefined for hang, which never answers. */
function faultAnswer(fault: Fault, req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Answer | undefined {
	if (!('kind' in fault)) {
		const headers: Record<string, string> = {};
		if (fault.status === 429 && 'retryAfter' in fault && fault.retryAfter !== undefined) {
			headers['Retry-After'] = String(fault.retryAfter);
		}
		const detail =
			fault.status === 429
				? 'Too many requests. Retry after the number of seconds in the Retry-After header.'
				: 'The service failed to handle the request (injected fault).';
		const error = new ApiError(fault.status, detail, headers);
		return () => sendProblem(res, record, error);
	}
	switch (fault.kind) {
		case 'hang':
			// Never answer; the socket stays open until the client gives up or the sandbox closes.
			record.status = 0;
			return undefined;
		case 'reset':
			return () => {
				record.status = 0;
				if (!req.socket.destroyed) record.answeredAt = now();
				req.socket.destroy();
			};
		case 'malformed-json':
			return () => send(res, record, 200, JSON_TYPE, '{"tasks": [');
		case 'html': {
			// What a load balancer in front of the API sends when the upstream is down.
			const status = fault.status ?? 502;
			const title = `${status} ${HTML_PAGES[status] ?? 'Error'}`;
			const page = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
			return () => send(res, record, status, 'text/html', page);
		}
	}
}

function authenticated(req: IncomingMessage, apiKeys: ReadonlySet<string>): boolean {
	const match = /^Bearer[ \t]+(.+)$/i.exec(req.headers.authorization ?? '');
	return match !== null && apiKeys.has(match[1].trim());
}

function decodeSegments(rawPath: string): string[] {
	try {
		return rawPath.split('/').slice(1).map(decodeURIComponent);
	} catch {
		throw new ApiError(400, 'The request path contains invalid percent-encoding.');
	}
}

export function createRequestListener(state: ServerState) {
	return (req: IncomingMessage, res: ServerResponse): void => {
		void handle(state, req, res);
	};
}

/** In flight from arrival until the answer is fully written or the socket closed, whichever comes first. */
function trackInFlight(state: ServerState, res: ServerResponse): void {
	state.inFlight += 1;
	if (state.inFlight > state.maxInFlight) state.maxInFlight = state.inFlight;
	let done = false;
	const end = () => {
		if (done) return;
		done = true;
		state.inFlight -= 1;
	};
	res.once('finish', end);
	res.once('close', end);
}

/** Runs the answer now (no latency: no timer, no extra turn of the event loop) or once its latency has passed. */
function deliver(state: ServerState, answer: Answer): void {
	const delay = state.latencyMs + (state.jitterMs > 0 ? Math.random() * state.jitterMs : 0);
	if (delay <= 0) {
		answer();
		return;
	}
	// Against performance.now(), not only the timer: a timer counts from the event loop's cached time, which lags
	// behind when the loop is busy, and could fire a little before the delay has really passed.
	const due = performance.now() + delay;
	const wait = (ms: number) => {
		const timer = setTimeout(() => {
			state.timers.delete(timer);
			const left = due - performance.now();
			if (left > 0) wait(left);
			else answer();
		}, Math.ceil(ms));
		state.timers.add(timer);
	};
	wait(delay);
}

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const receivedAt = now();
	const method = (req.method ?? 'GET').toUpperCase();
	const rawUrl = req.url ?? '/';
	const queryStart = rawUrl.indexOf('?');
	const rawPath = queryStart >= 0 ? rawUrl.slice(0, queryStart) : rawUrl;
	const query = new URLSearchParams(queryStart >= 0 ? rawUrl.slice(queryStart + 1) : '');
	const record: RecordedRequest = {
		method,
		path: rawPath,
		query: Object.fromEntries(query),
		headers: recordableHeaders(req.headers),
		body: undefined,
		status: 0,
		receivedAt,
		answeredAt: undefined,
	};
	state.requests.push(record);
	trackInFlight(state, res);
	const limited = state.rateLimit.take(receivedAt);
	const rawBody = await readBody(req);
	record.body = parseForRecord(rawBody);
	if (limited) {
		deliver(state, () => sendProblem(res, record, limited));
		return;
	}

	const fault = state.faults.take(method, rawPath);
	if (fault) {
		const answer = faultAnswer(fault, req, res, record);
		if (answer) deliver(state, answer);
		return;
	}
	const answer = route(state, req, res, record, rawBody, query);
	if (answer instanceof Promise) void answer.then((later) => deliver(state, later));
	else deliver(state, answer);
}

/** Authenticates and routes on arrival (the store changes now); returns the answer to write. */
function route(
	state: ServerState,
	req: IncomingMessage,
	res: ServerResponse,
	record: RecordedRequest,
	rawBody: string,
	query: URLSearchParams,
): Answer | Promise<Answer> {
	const { method, path: rawPath } = record;
	let pattern: string | undefined;
	try {
		if (!authenticated(req, state.apiKeys)) {
			// 401 problem; the detail never repeats the key that was sent.
			throw new ApiError(401, 'Invalid or missing API key. Send it as "Authorization: Bearer <API key>".', {
				'WWW-Authenticate': 'Bearer',
			});
		}
		const match = matchRoute(routes, method, decodeSegments(rawPath));
		if (match.kind === 'none') throw new ApiError(404, `No API route matches ${method} ${rawPath}.`);
		if (match.kind === 'wrong-method') {
			throw new ApiError(405, `${method} is not supported on ${rawPath}. Allowed: ${match.allowed.join(', ')}.`, {
				Allow: match.allowed.join(', '),
			});
		}
		state.store.tick();
		const context: RouteContext = {
			store: state.store,
			casing: state.lowercaseEnums ? lowerCaseEnums : upperCaseEnums,
			params: match.params,
			query,
			path: rawPath,
			body: () => {
				if (rawBody.trim() === '') return undefined;
				try {
					return JSON.parse(rawBody) as unknown;
				} catch (error) {
					throw new ApiError(400, `The request body is not valid JSON: ${(error as Error).message}`);
				}
			},
		};
		pattern = match.route.pattern;
		// The older-docs mode applies to what the handler reads before it first waits (every body and query it checks).
		const reply = handleInMode(state.lowercaseEnums, () => match.route.handler(context));
		if (reply instanceof Promise) {
			return reply.then(
				(later) => answerWith(state, res, record, pattern, later),
				(error: unknown) => problemAnswer(state, res, record, pattern, error),
			);
		}
		return answerWith(state, res, record, pattern, reply);
	} catch (error) {
		return problemAnswer(state, res, record, pattern, error);
	}
}

function answerWith(state: ServerState, res: ServerResponse, record: RecordedRequest, pattern: string | undefined, reply: Reply): Answer {
	// Serialised now, so a later change to the store cannot show in a delayed answer.
	const text = reply.body === undefined ? undefined : JSON.stringify(reply.body);
	observe(state, record, pattern, reply.status, text);
	return () => send(res, record, reply.status, text === undefined ? undefined : JSON_TYPE, text);
}

function problemAnswer(state: ServerState, res: ServerResponse, record: RecordedRequest, pattern: string | undefined, error: unknown): Answer {
	const problem = error instanceof ApiError ? error : new ApiError(500, `Internal sandbox error: ${(error as Error).message}`);
	if (!(error instanceof ApiError)) console.error('[arize-sandbox] internal error', error);
	observe(state, record, pattern, problem.status, JSON.stringify(problemBody(problem.status, problem.message, record.path)));
	return () => sendProblem(res, record, problem);
}

function observe(state: ServerState, record: RecordedRequest, pattern: string | undefined, status: number, text: string | undefined): void {
	if (state.observers.size === 0) return;
	const exchange: Exchange = {
		method: record.method,
		pattern,
		path: record.path,
		query: { ...record.query },
		requestBody: structuredClone(record.body),
		status,
		responseBody: text === undefined ? undefined : JSON.parse(text),
		olderDocs: state.lowercaseEnums,
	};
	for (const observer of state.observers) observer(exchange);
}
