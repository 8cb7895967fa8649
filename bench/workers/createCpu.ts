/**
 * CPU per item of Task → Create against n8n's HTTP Request node POSTing the same bodies to the same endpoint with the
 * same Bearer header, both through the harness (n8n-core's WorkflowExecute), alternating, in this one process. The
 * sandbox runs in another process, so this process's CPU time is the client side only: node, n8n-core, HTTP client.
 *
 * The body the HTTP Request node sends is the one the Arize node sent for the same item (read back from a sandbox
 * once, before anything is timed), written as a user would: a JSON body with the name from an expression.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { Expression } from 'n8n-workflow';

import { startSandbox } from '../../sandbox/index.ts';
import { runNode } from '../../test/harness';
import { BENCH_API_KEY, arizeCredentials, assert, loadBuiltPackage, loadHttpRequestNode, median, worker } from '../lib/common';
import { CREATE_TASK_PER_ITEM } from '../../test/taskParameters';

export interface CreateCpuInput {
	/** The sandbox (another process, seeded) to create the tasks in. */
	url: string;
	items: number;
	rounds: number;
}

export interface CreateCpuResult {
	items: number;
	expressionEngine: string;
	/** CPU ms of each round, per method (`arizeTasksFive`: Max Requests in Parallel 5, the default before Auto). */
	cpuMs: Record<Method, number[]>;
	/** Median CPU µs per item, per method. */
	perItemMicros: Record<Method, number>;
}

type Method = 'arizeTasks' | 'arizeTasksFive' | 'httpRequest';

/** The body the Arize node POSTs for an item named `name`, as the sandbox received it. */
async function bodyOfCreate(pkg: ReturnType<typeof loadBuiltPackage>): Promise<IDataObject> {
	const sandbox = await startSandbox({ apiKeys: [BENCH_API_KEY] });
	try {
		const { error } = await runNode({
			nodeType: pkg.tasks(),
			credentialTypes: pkg.credentialTypes,
			credentials: arizeCredentials(sandbox.url),
			parameters: CREATE_TASK_PER_ITEM,
			input: [{ name: 'NAME' }],
		});
		assert(!error, `Create: ${error?.message}`);
		return sandbox.requests[0].body as IDataObject;
	} finally {
		await sandbox.close();
	}
}

worker(async ({ url, items, rounds }: CreateCpuInput): Promise<CreateCpuResult> => {
	const pkg = loadBuiltPackage();
	const n8n = loadHttpRequestNode({ oneWorkflowCopy: true });
	const body = await bodyOfCreate(pkg);
	assert(body.name === 'NAME', 'the captured body holds the item name');
	// The same JSON with the name from the item: `"name": "NAME"` becomes `"name": {{ JSON.stringify($json.name) }}`.
	const jsonBody = `=${JSON.stringify(body).replace('"NAME"', '{{ JSON.stringify($json.name) }}')}`;

	let serial = 0;
	const input = () => Array.from({ length: items }, () => ({ name: `CPU ${serial++}` }));
	const arizeTasks = (parameters: INodeParameters) => async (batch: IDataObject[]) => {
		const { items: out, error } = await runNode({
			nodeType: pkg.tasks(),
			credentialTypes: pkg.credentialTypes,
			credentials: arizeCredentials(url),
			parameters,
			input: batch,
		});
		assert(!error && out.length === batch.length && out.every((item, i) => item.json.name === batch[i].name), `Arize Tasks: ${error?.message}`);
	};
	const methods: Record<Method, (batch: IDataObject[]) => Promise<void>> = {
		arizeTasks: arizeTasks(CREATE_TASK_PER_ITEM),
		arizeTasksFive: arizeTasks({ ...CREATE_TASK_PER_ITEM, requestOptions: { maxConcurrency: 5 } }),
		httpRequest: async (batch: IDataObject[]) => {
			const { items: out, error } = await runNode({
				nodeType: n8n.httpRequest(),
				credentialTypes: n8n.credentialTypes,
				credentials: { httpHeaderAuth: { name: 'Authorization', value: `Bearer ${BENCH_API_KEY}` } },
				parameters: {
					method: 'POST',
					url: `${url}/v2/tasks`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					sendBody: true,
					contentType: 'json',
					specifyBody: 'json',
					jsonBody,
					options: {},
				},
				input: batch,
			});
			assert(!error && out.length === batch.length && out.every((item, i) => item.json.name === batch[i].name), `HTTP Request: ${error?.message}`);
		},
	};
	const names = Object.keys(methods) as Method[];
	for (const name of names) for (let i = 0; i < 3; i++) await methods[name](input().slice(0, 50)); // warm-up

	const cpuMs: CreateCpuResult['cpuMs'] = { arizeTasks: [], arizeTasksFive: [], httpRequest: [] };
	for (let round = 0; round < rounds; round++) {
		for (let i = 0; i < names.length; i++) {
			const name = names[(i + round) % names.length];
			const batch = input();
			const cpu = process.cpuUsage();
			await methods[name](batch);
			const used = process.cpuUsage(cpu);
			cpuMs[name].push((used.user + used.system) / 1000);
		}
	}
	const perItem = (name: Method) => (median(cpuMs[name]) * 1000) / items;
	const perItemMicros = { arizeTasks: perItem('arizeTasks'), arizeTasksFive: perItem('arizeTasksFive'), httpRequest: perItem('httpRequest') };
	console.error(
		`bench:   Create CPU per item: Arize Tasks ${perItemMicros.arizeTasks.toFixed(0)} µs (5 at a time ${perItemMicros.arizeTasksFive.toFixed(0)} µs), HTTP Request ${perItemMicros.httpRequest.toFixed(0)} µs`,
	);
	return { items, expressionEngine: Expression.getActiveImplementation(), cpuMs, perItemMicros };
});
