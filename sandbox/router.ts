import type { EnumCasing } from './enums.ts';
import type { Store } from './store.ts';

export interface RouteContext {
	store: Store;
	casing: EnumCasing;
	/** Path parameters, percent-decoded (ids may contain '+', '/' and '='). */
	params: Record<string, string>;
	query: URLSearchParams;
	/** The request path as received (still percent-encoded), used as the problem `instance`. */
	path: string;
	/** The parsed JSON body, or undefined when the request has none; an unparsable body is a 400. */
	body(): unknown;
}

export interface Reply {
	status: number;
	/** Omitted for 204. */
	body?: unknown;
}

/** A handler may answer later (a test delivery waits for the webhook's endpoint); the store changes on arrival all the same. */
export type Handler = (context: RouteContext) => Reply | Promise<Reply>;

export interface Route {
	method: string;
	/** e.g. '/v2/tasks/:task_id/runs' */
	pattern: string;
	handler: Handler;
}

export type RouteMatch =
	| { kind: 'found'; route: Route; params: Record<string, string> }
	| { kind: 'wrong-method'; allowed: string[] }
	| { kind: 'none' };

function matchPattern(pattern: string, segments: string[]): Record<string, string> | undefined {
	const parts = pattern.split('/').slice(1);
	if (parts.length !== segments.length) return undefined;
	const params: Record<string, string> = {};
	for (let i = 0; i < parts.length; i++) {
		if (parts[i].startsWith(':')) {
			if (segments[i] === '') return undefined;
			params[parts[i].slice(1)] = segments[i];
		} else if (parts[i] !== segments[i]) {
			return undefined;
		}
	}
	return params;
}

/**
 * Matches decoded path segments. An id whose '/' was not percent-encoded splits into extra segments and so matches
 * no route (404), which is what a client that skips encodeURIComponent would meet on the real API.
 */
export function matchRoute(routes: readonly Route[], method: string, segments: string[]): RouteMatch {
	const allowed: string[] = [];
	for (const route of routes) {
		const params = matchPattern(route.pattern, segments);
		if (!params) continue;
		if (route.method === method) return { kind: 'found', route, params };
		allowed.push(route.method);
	}
	return allowed.length ? { kind: 'wrong-method', allowed } : { kind: 'none' };
}
