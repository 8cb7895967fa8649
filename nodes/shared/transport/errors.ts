import type { INode, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from './credentials';

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
export function apiError(
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
export function networkFailure(error: unknown): string | undefined {
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
export function networkError(node: INode, failure: string, options: IHttpRequestOptions, itemIndex?: number): NodeApiError {
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

/** A 2xx answer whose body is not a JSON object (a proxy's page, say). */
export function notJsonError(node: INode, status: number, body: unknown, itemIndex?: number): NodeApiError {
	return new NodeApiError(node, { httpCode: String(status) } as JsonObject, {
		message: `Arize answered HTTP ${status} with a body that is not JSON`,
		description: `First characters of the body: ${String(body).slice(0, 200)}`,
		httpCode: String(status),
		itemIndex,
	});
}
