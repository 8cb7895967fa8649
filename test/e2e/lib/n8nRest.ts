import { env } from './env';
import type { Execution } from './n8nCli';

// n8n's internal REST API (the one the editor uses), signed in as the owner that scripts/e2e creates. n8n ties the
// auth cookie to a browser id: every call sends the same `browser-id` header, or n8n drops the session.

const BROWSER_ID = 'n8n-nodes-arize-e2e';

export class N8nRest {
	private constructor(
		readonly baseUrl: string,
		private readonly cookie: string,
	) {}

	static async login(baseUrl = env.n8nUrl): Promise<N8nRest> {
		const response = await fetch(`${baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			body: JSON.stringify({ emailOrLdapLoginId: env.ownerEmail, password: env.ownerPassword }),
		});
		if (!response.ok) throw new Error(`n8n login failed: HTTP ${response.status} ${await response.text()}`);
		const cookie = response.headers
			.getSetCookie()
			.map((header) => header.split(';')[0])
			.join('; ');
		return new N8nRest(baseUrl, cookie);
	}

	async request<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: {
				cookie: this.cookie,
				'browser-id': BROWSER_ID,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
		return JSON.parse(text) as T;
	}

	get<T>(path: string): Promise<T> {
		return this.request<T>('GET', path);
	}

	post<T>(path: string, body: unknown = {}): Promise<T> {
		return this.request<T>('POST', path, body);
	}

	/** Executions of one workflow, newest first (summaries: id, mode, status, startedAt); n8n's page size unless `limit`. */
	async executions(workflowId: string, limit?: number): Promise<ExecutionSummary[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await this.get<{ data: { results: ExecutionSummary[] } }>(
			`/rest/executions?filter=${filter}${limit ? `&limit=${limit}` : ''}`,
		);
		return page.data.results;
	}

	/** One execution with its run data. */
	async execution(id: string): Promise<Execution> {
		const { data } = await this.get<{ data: Omit<Execution, 'data'> & { data: string } }>(`/rest/executions/${id}`);
		return { ...data, data: unflatten(data.data) as Execution['data'] };
	}
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	startedAt: string;
	stoppedAt: string | null;
}

/**
 * Reads the `flatted` format n8n stores run data in: a JSON array whose first entry is the root; inside objects and
 * arrays every string is the index of the entry holding the actual value (strings included), other primitives stay
 * inline.
 */
export function unflatten(text: string): unknown {
	const table = JSON.parse(text) as unknown[];
	const revived = new Set<object>();
	const revive = (value: unknown): unknown => {
		if (typeof value !== 'object' || value === null || revived.has(value)) return value;
		revived.add(value);
		const record = value as Record<string, unknown>;
		for (const key of Object.keys(record)) {
			const entry = record[key];
			record[key] = typeof entry === 'string' ? revive(table[Number(entry)]) : entry;
		}
		return value;
	};
	return revive(table[0]);
}
