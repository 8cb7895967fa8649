// RFC 9457 problem details, as Arize answers errors. Handlers throw ApiError; the server turns it into an
// application/problem+json response whose `instance` is the request path.

const TYPE_BASE = 'https://arize.com/docs/ax/rest-reference/errors#';

/** Type fragments and titles; 405 and the 5xx entries beyond 503 are the sandbox's own, the spec has none. */
const PROBLEM_KINDS: Record<number, { fragment: string; title: string }> = {
	400: { fragment: 'invalid-request', title: 'Invalid request parameters' },
	401: { fragment: 'authentication-required', title: 'Authentication required' },
	403: { fragment: 'access-forbidden', title: 'Access forbidden' },
	404: { fragment: 'resource-not-found', title: 'Resource not found' },
	405: { fragment: 'method-not-allowed', title: 'Method not allowed' },
	409: { fragment: 'resource-conflict', title: 'Resource conflict' },
	422: { fragment: 'unprocessable-entity', title: 'One or more fields failed validation' },
	429: { fragment: 'rate-limit-exceeded', title: 'Rate limit exceeded' },
	500: { fragment: 'internal-server-error', title: 'Internal server error' },
	502: { fragment: 'bad-gateway', title: 'Bad gateway' },
	503: { fragment: 'service-unavailable', title: 'Service unavailable' },
};

export interface Problem {
	type: string;
	title: string;
	status: number;
	detail: string;
	instance: string;
}

export function problemBody(status: number, detail: string, instance: string): Problem {
	const kind = PROBLEM_KINDS[status] ?? { fragment: 'error', title: 'Error' };
	return { type: TYPE_BASE + kind.fragment, title: kind.title, status, detail, instance };
}

export class ApiError extends Error {
	status: number;
	headers: Record<string, string>;

	constructor(status: number, detail: string, headers: Record<string, string> = {}) {
		super(detail);
		this.status = status;
		this.headers = headers;
	}
}

/** 400: the request has the wrong shape (see task-rules.ts for where the sandbox draws the 400/422 line). */
export const badRequest = (detail: string) => new ApiError(400, detail);
export const notFound = (detail: string) => new ApiError(404, detail);
export const conflict = (detail: string) => new ApiError(409, detail);
/** 422: well-formed values that fail validation. */
export const unprocessable = (detail: string) => new ApiError(422, detail);
