import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

import { lowerCaseEnums, upperCaseEnums } from './enums.ts';
import type { Fault, Faults } from './faults.ts';
import { ApiError, problemBody } from './problems.ts';
import { matchRoute } from './router.ts';
import type { Reply, RouteContext } from './router.ts';
import { routes } from './routes/index.ts';
import type { Store } from './store.ts';

// One request's journey: record it → read the body → injected fault? → authenticate → route → respond.

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
}

export interface ServerState {
	store: Store;
	faults: Faults;
	requests: RecordedRequest[];
	apiKeys: ReadonlySet<string>;
	lowercaseEnums: boolean;
}

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
	const allHeaders: Record<string, string | number> = { ...headers };
	if (contentType) allHeaders['Content-Type'] = contentType;
	// RFC 9110 §8.6: no Content-Length on 204.
	if (status !== 204) allHeaders['Content-Length'] = text === undefined ? 0 : Buffer.byteLength(text);
	res.writeHead(status, allHeaders);
	res.end(text);
}

function sendProblem(res: ServerResponse, record: RecordedRequest, error: ApiError): void {
	send(res, record, error.status, PROBLEM_TYPE, JSON.stringify(problemBody(error.status, error.message, record.path)), error.headers);
}

const HTML_PAGES: Record<number, string> = {
	502: 'Bad Gateway',
	503: 'Service Temporarily Unavailable',
	504: 'Gateway Time-out',
};

function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse, record: RecordedRequest): void {
	if (!('kind' in fault)) {
		const headers: Record<string, string> = {};
		if (fault.status === 429 && 'retryAfter' in fault && fault.retryAfter !== undefined) {
			headers['Retry-After'] = String(fault.retryAfter);
		}
		const detail =
			fault.status === 429
				? 'Too many requests. Retry after the number of seconds in the Retry-After header.'
				: 'The service failed to handle the request (injected fault).';
		sendProblem(res, record, new ApiError(fault.status, detail, headers));
		return;
	}
	switch (fault.kind) {
		case 'hang':
			// Never answer; the socket stays open until the client gives up or the sandbox closes.
			record.status = 0;
			return;
		case 'reset':
			record.status = 0;
			req.socket.destroy();
			return;
		case 'malformed-json':
			send(res, record, 200, JSON_TYPE, '{"tasks": [');
			return;
		case 'html': {
			// What a load balancer in front of the API sends when the upstream is down.
			const status = fault.status ?? 502;
			const title = `${status} ${HTML_PAGES[status] ?? 'Error'}`;
			send(
				res,
				record,
				status,
				'text/html',
				`<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
			);
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

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
	};
	state.requests.push(record);
	const rawBody = await readBody(req);
	record.body = parseForRecord(rawBody);

	const fault = state.faults.take(method, rawPath);
	if (fault) {
		applyFault(fault, req, res, record);
		return;
	}

	try {
		if (!authenticated(req, state.apiKeys)) {
			// §2: 401 problem; the detail never repeats the key that was sent.
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
		const reply: Reply = match.route.handler(context);
		if (reply.body === undefined) send(res, record, reply.status, undefined, undefined);
		else send(res, record, reply.status, JSON_TYPE, JSON.stringify(reply.body));
	} catch (error) {
		if (error instanceof ApiError) {
			sendProblem(res, record, error);
			return;
		}
		console.error('[arize-sandbox] internal error', error);
		sendProblem(res, record, new ApiError(500, `Internal sandbox error: ${(error as Error).message}`));
	}
}
