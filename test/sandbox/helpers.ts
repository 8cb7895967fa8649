import { DEFAULT_API_KEY, startSandbox } from '../../sandbox/index.ts';
import type { Sandbox, SandboxOptions } from '../../sandbox/index.ts';

// Shared by the sandbox tests: real HTTP through Node's fetch against a sandbox on an ephemeral port.

export const enc = encodeURIComponent;

export interface ApiResponse {
	status: number;
	headers: Headers;
	text: string;
	body: any;
}

export interface ApiClient {
	(method: string, path: string, body?: unknown, init?: { headers?: Record<string, string>; rawBody?: string }): Promise<ApiResponse>;
	get(path: string): Promise<ApiResponse>;
	post(path: string, body?: unknown): Promise<ApiResponse>;
	patch(path: string, body?: unknown): Promise<ApiResponse>;
	delete(path: string): Promise<ApiResponse>;
}

/** A client of the sandbox at `url` (one started in the test, or a CLI's); `key: null` sends no Authorization header. */
export function apiClient({ url }: Pick<Sandbox, 'url'>, key: string | null = DEFAULT_API_KEY): ApiClient {
	const call = async (
		method: string,
		path: string,
		body?: unknown,
		init: { headers?: Record<string, string>; rawBody?: string } = {},
	): Promise<ApiResponse> => {
		const headers: Record<string, string> = { ...init.headers };
		if (key !== null) headers.Authorization = `Bearer ${key}`;
		let payload: string | undefined = init.rawBody;
		if (body !== undefined) {
			headers['Content-Type'] = 'application/json';
			payload = JSON.stringify(body);
		}
		const response = await fetch(url + path, { method, headers, body: payload });
		const text = await response.text();
		const type = response.headers.get('content-type') ?? '';
		return {
			status: response.status,
			headers: response.headers,
			text,
			body: text && type.includes('json') ? JSON.parse(text) : undefined,
		};
	};
	return Object.assign(call, {
		get: (path: string) => call('GET', path),
		post: (path: string, body?: unknown) => call('POST', path, body),
		patch: (path: string, body?: unknown) => call('PATCH', path, body),
		delete: (path: string) => call('DELETE', path),
	});
}

const FRAGMENTS: Record<number, string> = {
	400: 'invalid-request',
	401: 'authentication-required',
	404: 'resource-not-found',
	409: 'resource-conflict',
	422: 'unprocessable-entity',
	429: 'rate-limit-exceeded',
	503: 'service-unavailable',
};

/** Asserts an RFC 9457 problem response (§2) and returns its detail. */
export function expectProblem(response: ApiResponse, status: number, detail?: RegExp): string {
	expect({ status: response.status, detail: response.body?.detail }).toEqual({ status, detail: expect.anything() });
	expect(response.headers.get('content-type')).toBe('application/problem+json');
	const body = response.body;
	if (FRAGMENTS[status]) expect(body.type).toBe(`https://arize.com/docs/ax/rest-reference/errors#${FRAGMENTS[status]}`);
	expect(typeof body.title).toBe('string');
	expect(body.status).toBe(status);
	expect(typeof body.detail).toBe('string');
	expect(typeof body.instance).toBe('string');
	expect(body.instance.startsWith('/')).toBe(true);
	if (detail) expect(body.detail).toMatch(detail);
	return body.detail;
}

/** Starts a sandbox for the enclosing describe block and closes it afterwards. */
export function useSandbox(options: SandboxOptions = {}): { sandbox: Sandbox; api: ApiClient } {
	const holder = {} as { sandbox: Sandbox; api: ApiClient };
	beforeAll(async () => {
		holder.sandbox = await startSandbox({ port: 0, ...options });
		holder.api = apiClient(holder.sandbox);
	});
	afterAll(async () => {
		await holder.sandbox?.close();
	});
	return holder;
}

/** Reads every page of a list endpoint and returns all items in order. */
export async function readAllPages(api: ApiClient, path: string, key: string, limit: number): Promise<{ items: { id: string }[]; pages: number }> {
	const items: { id: string }[] = [];
	let cursor: string | undefined;
	let pages = 0;
	const separator = path.includes('?') ? '&' : '?';
	do {
		const response = await api.get(`${path}${separator}limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`);
		expect(response.status).toBe(200);
		items.push(...response.body[key]);
		pages += 1;
		const { pagination } = response.body;
		if (pagination.has_more) {
			expect(typeof pagination.next_cursor).toBe('string');
			cursor = pagination.next_cursor;
		} else {
			expect('next_cursor' in pagination).toBe(false);
			cursor = undefined;
		}
	} while (cursor);
	return { items, pages };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
