/**
 * Time per item: Arize Tasks (Task → Get) against n8n's HTTP Request node doing the same GET /v2/tasks/{id} with the
 * same Bearer header, over the same 1,000 input items, in this one process, through the same harness (n8n-core's
 * WorkflowExecute). Raw HTTP clients doing the same GETs give the floor.
 *
 * Input: the sandbox URL, the task ids, the number of rounds, whether to keep two copies of n8n-workflow. The sandbox runs in
 * another process, so this process's CPU time is the client side only: node, n8n-core, HTTP client.
 */
import http from 'node:http';

import type { ICredentialType, IDataObject } from 'n8n-workflow';
import { Expression } from 'n8n-workflow';

import { runNode } from '../../test/harness';
import { BENCH_API_KEY, arizeCredentials, assert, loadBuiltPackage, loadHttpRequestNode, median, worker } from '../lib/common';
import { httpRequestGets } from '../lib/httpRequestNode';

export interface Sample {
	wallMs: number;
	cpuMs: number;
}

export interface TimingResult {
	items: number;
	rounds: number;
	samples: Record<string, Sample[]>;
	workflowCopies: string[];
	/** n8n-workflow's expression engine that evaluated the expressions: 'vm' (isolated-vm) or 'legacy'. */
	expressionEngine: string;
}

type Method = (input: IDataObject[]) => Promise<void>;

/** Longer than any request here takes; what matters is that the agent has one (see the keep-alive agent below). */
const KEEP_ALIVE_SOCKET_TIMEOUT_MS = 60_000;
/** Connections the raw node:http keep-alive client opens at most (the sandbox's listen backlog is 2048). */
const MAX_SOCKETS = 100;

export interface TimingInput {
	url: string;
	taskIds: string[];
	rounds: number;
	twoWorkflowCopies?: boolean;
	/** Only these methods (default: all). */
	methods?: string[];
	/** Items per warm-up run (default 100; three warm-up runs each). */
	warmupItems?: number;
}

worker(async ({ url, taskIds, rounds, twoWorkflowCopies, methods: only, warmupItems = 100 }: TimingInput): Promise<TimingResult> => {
	const pkg = loadBuiltPackage();
	const n8n = loadHttpRequestNode({ oneWorkflowCopy: !twoWorkflowCopies });
	const authorization = `Bearer ${BENCH_API_KEY}`;
	const taskUrl = (id: string) => `${url}/v2/tasks/${encodeURIComponent(id)}`;
	const input = taskIds.map((id) => ({ id, url: taskUrl(id) }));

	const arizeNode = (credentialTypes: ICredentialType[]): Method => async (items) => {
		const { items: out, error } = await runNode({
			nodeType: pkg.tasks(),
			credentialTypes,
			credentials: arizeCredentials(url),
			parameters: { resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			input: items,
		});
		assert(!error, `Arize Tasks: ${error?.message}`);
		assert(out.length === items.length && out.every((item, i) => item.json.id === items[i].id), 'Arize Tasks output');
	};

	const httpRequestNode: Method = async (items) => {
		const { items: out, error } = await httpRequestGets(n8n, items);
		assert(!error, `HTTP Request: ${error?.message}`);
		assert(out.length === items.length && out.every((item, i) => item.json.id === items[i].id), 'HTTP Request output');
	};

	const fetchOne = async (item: IDataObject) => {
		const response = await fetch(item.url as string, { headers: { authorization } });
		const body = (await response.json()) as IDataObject;
		assert(response.status === 200 && body.id === item.id, 'fetch');
	};
	// Keep-alive without racing the sandbox's idle close. The sandbox (node:http) announces `Keep-Alive: timeout=5` and
	// closes a connection 6 s after its last answer (keepAliveTimeout 5 s + keepAliveTimeoutBuffer 1 s). node:http's
	// Agent acts on the announcement (closing the socket 1 s before it) only when the agent has a `timeout` of its
	// own; without one an idle socket stays in the pool until this process reads the sandbox's FIN, and this process
	// is often too busy to read it (the n8n runs between the raw ones are CPU-bound), so a GET sent on such a socket
	// failed with `socket hang up` (ECONNRESET). With `timeout` the agent drops an idle socket after 4 s, 2 s before
	// the sandbox would. (On a socket in use, `timeout` only emits a 'timeout' event nobody listens to.)
	// maxSockets: the all-at-once method queues its 1,000 GETs on at most this many connections, so this client never
	// opens more connections at once than the sandbox's listen backlog holds.
	const keepAlive = new http.Agent({ keepAlive: true, timeout: KEEP_ALIVE_SOCKET_TIMEOUT_MS, maxSockets: MAX_SOCKETS });
	// A new connection per request (`Connection: close`), as n8n-core's HTTP client sends them.
	const noKeepAlive = new http.Agent({ keepAlive: false });
	const httpGetOne = (agent: http.Agent) => (item: IDataObject) =>
		new Promise<void>((resolve, reject) => {
			http
				.get(item.url as string, { agent, headers: { authorization } }, (response) => {
					const chunks: Buffer[] = [];
					response.on('data', (chunk: Buffer) => chunks.push(chunk));
					response.on('end', () => {
						const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as IDataObject;
						if (response.statusCode === 200 && body.id === item.id) resolve();
						else reject(new Error('node:http GET'));
					});
				})
				.on('error', reject);
		});
	const sequential = (one: (item: IDataObject) => Promise<void>): Method => async (items) => {
		for (const item of items) await one(item);
	};
	const concurrent = (one: (item: IDataObject) => Promise<void>): Method => async (items) => {
		await Promise.all(items.map(one));
	};

	const methods: Record<string, Method> = {
		arizeTasks: arizeNode(pkg.credentialTypes),
		httpRequest: httpRequestNode,
		rawHttpSequential: sequential(httpGetOne(keepAlive)),
		rawHttpNewConnectionSequential: sequential(httpGetOne(noKeepAlive)),
		rawFetchSequential: sequential(fetchOne),
		rawHttpConcurrent: concurrent(httpGetOne(keepAlive)),
		rawFetchConcurrent: concurrent(fetchOne),
	};
	const names = Object.keys(methods).filter((name) => !only || only.includes(name));

	// Warm-up: load every module, JIT the hot paths, open keep-alive connections.
	for (const name of names) for (let i = 0; i < 3; i++) await methods[name](input.slice(0, warmupItems));

	const samples: Record<string, Sample[]> = Object.fromEntries(names.map((name) => [name, []]));
	for (let round = 0; round < rounds; round++) {
		// A different order each round, so no method always runs right after the same one.
		const order = names.map((_, i) => names[(i + round) % names.length]);
		for (const name of order) {
			const cpu = process.cpuUsage();
			const start = performance.now();
			await methods[name](input);
			const wallMs = performance.now() - start;
			const used = process.cpuUsage(cpu);
			samples[name].push({ wallMs, cpuMs: (used.user + used.system) / 1000 });
		}
	}
	keepAlive.destroy();
	noKeepAlive.destroy();

	for (const name of rounds ? names : []) {
		const wall = median(samples[name].map((sample) => sample.wallMs));
		const cpu = median(samples[name].map((sample) => sample.cpuMs));
		const micros = (ms: number) => ((ms * 1000) / input.length).toFixed(0);
		console.error(`bench:   ${name.padEnd(30)} ${micros(wall).padStart(5)} µs/item wall, ${micros(cpu).padStart(5)} µs/item CPU`);
	}
	return {
		items: input.length,
		rounds,
		samples,
		workflowCopies: n8n.workflowCopies,
		expressionEngine: Expression.getActiveImplementation(),
	};
});
