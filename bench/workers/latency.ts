/**
 * Cloud latency: the jobs whose speed depends on the round trip to Arize, at 0 ms and at a simulated latency, against
 * an in-process sandbox that delays every answer (sandbox `latencyMs`). Each job reports its wall time, the requests
 * it sent (against the API's minimum), the most the sandbox had in flight at once, and the physical limit for its
 * bound: the round trips that cannot be avoided at that many requests at once.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox/index.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { runNode } from '../../test/harness';
import { BENCH_API_KEY, arizeCredentials, assert, loadBuiltPackage, loadHttpRequestNode, triggerPoller, worker } from '../lib/common';
import { HTTP_REQUEST_SKIPPED, httpRequestGets } from '../lib/httpRequestNode';
import { AUTO_CEILING } from '../../nodes/shared/transport/pacing';

export interface LatencySizes {
	/** Items of Task → Get, Create and the HTTP Request node. */
	items: number;
	/** Runs of Trigger Run + Wait for Completion, and how long each takes. */
	waitRuns: number;
	runDurationMs: number;
	/** Tasks with runs that the trigger's first poll reads; tasks that get a new run before the third poll. */
	pollTasks: number;
	changedTasks: number;
	/** Experiment runs of a Run Experiment run, and labelled spans of a project evaluation run, for Get Results. */
	results: number;
}

export interface LatencyJob {
	job: string;
	latencyMs: number;
	/** Max Requests in Parallel: a number, 'Auto' (the default), or null for the HTTP Request node (all at once). */
	bound: number | 'Auto' | null;
	wallMs: number;
	/** The wall time no client can beat at this bound: the round trips it must wait for (plus run time for waits). */
	limitMs: number;
	limitWhy: string;
	requests: number;
	minimum: number;
	maxInFlight: number;
	/** Why the job did not run (the HTTP Request node without n8n installed); its figures are then 0. */
	skipped?: string;
}

export interface LatencyInput {
	latencies: number[];
	sizes: LatencySizes;
	/** Also time n8n's HTTP Request node (needs the n8n that npm run bench installs). */
	withHttpRequestNode: boolean;
}

/** Jobs run at the default, Auto; their physical limit is reckoned at Auto's ceiling. */
const AUTO = 'Auto';
const POLL_INTERVAL_S = 1;

const pkg = loadBuiltPackage();

worker(async ({ latencies, sizes, withHttpRequestNode }: LatencyInput): Promise<LatencyJob[]> => {
	const jobs: LatencyJob[] = [];
	const http = withHttpRequestNode ? loadHttpRequestNode({ oneWorkflowCopy: true }) : undefined;
	for (const latencyMs of latencies) {
		const sandbox = await startSandbox({ apiKeys: [BENCH_API_KEY], seed: true, latencyMs });
		try {
			jobs.push(...(await measureAt(sandbox, latencyMs, sizes, http)));
		} finally {
			await sandbox.close();
		}
	}
	return jobs;
});

async function measureAt(
	sandbox: Sandbox,
	latencyMs: number,
	sizes: LatencySizes,
	http: ReturnType<typeof loadHttpRequestNode> | undefined,
): Promise<LatencyJob[]> {
	const credentials = arizeCredentials(sandbox.url);
	const roundTrips = (requests: number, bound: number) => Math.ceil(requests / bound) * latencyMs;
	const trips = (requests: number, bound: number) => {
		const count = Math.ceil(requests / bound);
		return `${count} round trip${count === 1 ? '' : 's'}`;
	};
	const jobs: LatencyJob[] = [];

	/** Runs `body` with a clean request log and returns what the sandbox saw. */
	const measure = async (
		job: string,
		bound: number | 'Auto' | null,
		minimum: number,
		limit: [number, string],
		body: () => Promise<void>,
	) => {
		sandbox.clearRequests();
		sandbox.resetMaxInFlight();
		const start = performance.now();
		await body();
		const wallMs = performance.now() - start;
		const failed = sandbox.requests.filter((request) => request.status >= 400 || request.status === 0);
		assert(failed.length === 0, `${job}: ${failed.length} requests failed`);
		jobs.push({
			job,
			latencyMs,
			bound,
			wallMs,
			limitMs: limit[0],
			limitWhy: limit[1],
			requests: sandbox.requests.length,
			minimum,
			maxInFlight: sandbox.maxInFlight,
		});
		process.stderr.write(`bench:   ${latencyMs} ms, ${job}: ${Math.round(wallMs)} ms, ${sandbox.requests.length} requests\n`);
	};
	const tasksNode = async (parameters: INodeParameters, input: IDataObject[], expectedItems = input.length) => {
		const { items, error } = await runNode({
			nodeType: pkg.tasks(),
			credentialTypes: pkg.credentialTypes,
			credentials,
			parameters,
			input,
		});
		assert(!error, `Arize Tasks: ${error?.message}`);
		assert(items.length === expectedItems, `Arize Tasks: ${items.length} items, expected ${expectedItems}`);
		return items;
	};

	// ---- Task → Get, Create, and n8n's HTTP Request node doing the same GETs ---------------------------------------
	const n = sizes.items;
	const taskIds = sandbox.store.addTasks(n).map((task) => task.id);
	const byId = taskIds.map((id) => ({ id, url: `${sandbox.url}/v2/tasks/${encodeURIComponent(id)}` }));
	const getTask = { resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } };
	// Warm-up: modules loaded, code paths compiled, before anything is timed.
	await tasksNode({ ...getTask }, byId.slice(0, 5));

	for (const bound of [5, AUTO, 100] as const) {
		const reckoned = bound === AUTO ? AUTO_CEILING : bound;
		await measure(`Task → Get over ${n} items`, bound, n, [roundTrips(n, reckoned), trips(n, reckoned)], async () => {
			await tasksNode(bound === AUTO ? getTask : { ...getTask, requestOptions: { maxConcurrency: bound } }, byId);
		});
	}
	if (http) {
		await measure(`HTTP Request node, the same ${n} GETs`, null, n, [latencyMs, 'all at once: 1 round trip'], async () => {
			const { items, error } = await httpRequestGets(http, byId);
			assert(!error && items.length === n, `HTTP Request: ${error?.message}`);
		});
	} else {
		jobs.push({
			job: `HTTP Request node, the same ${n} GETs`,
			latencyMs,
			bound: null,
			wallMs: 0,
			limitMs: 0,
			limitWhy: '',
			requests: 0,
			minimum: 0,
			maxInFlight: 0,
			skipped: HTTP_REQUEST_SKIPPED,
		});
	}
	const project = sandbox.store.projects.values().next().value!.id;
	const evaluator = sandbox.store.evaluators.values().next().value!.id;
	await measure(`Task → Create over ${n} items`, AUTO, n, [roundTrips(n, AUTO_CEILING), trips(n, AUTO_CEILING)], async () => {
		await tasksNode(
			{
				resource: 'task',
				operation: 'create',
				name: '={{ "Latency bench " + $json.i }}',
				taskType: 'TEMPLATE_EVALUATION',
				dataSource: 'project',
				projectId: { __rl: true, mode: 'id', value: project },
				evaluators: { evaluator: [{ evaluatorId: evaluator }] },
			},
			Array.from({ length: n }, (_, i) => ({ i: `${latencyMs}-${i}` })),
		);
	});

	// ---- Trigger Run + Wait for Completion over runs that take a while ----------------------------------------------
	const waitTasks = sandbox.store.addTasks(sizes.waitRuns).map((task) => ({ id: task.id }));
	sandbox.setRunDurationMs(sizes.runDurationMs);
	const pollsPerRun = Math.ceil(sizes.runDurationMs / (POLL_INTERVAL_S * 1000));
	await measure(
		`Trigger Run + Wait over ${sizes.waitRuns} runs of ${sizes.runDurationMs / 1000} s`,
		AUTO,
		sizes.waitRuns * (1 + pollsPerRun),
		[sizes.runDurationMs + 2 * latencyMs, 'the run time and 2 round trips; waiting adds up to one Poll Interval (1 s)'],
		async () => {
			const items = await tasksNode(
				{
					resource: 'task',
					operation: 'trigger',
					taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
					taskType: 'TEMPLATE_EVALUATION',
					dataStartTime: '2026-11-01T00:00:00Z',
					dataEndTime: '2026-11-08T00:00:00Z',
					waitForCompletion: true,
					pollInterval: POLL_INTERVAL_S,
				},
				waitTasks,
			);
			assert(items.every((item) => item.json.status === 'COMPLETED'), 'every run COMPLETED');
		},
	);

	// ---- Task Run → Get Results over a Run Experiment run and a project evaluation run -------------------------------
	await measureGetResults(sandbox, sizes.results, measure, tasksNode, latencyMs);

	// ---- The trigger: first poll over many tasks with runs, an idle poll, a poll after some tasks ran ---------------
	for (const id of [...sandbox.store.tasks.keys()]) sandbox.store.deleteTask(id);
	const watched = sandbox.store.addTasks(sizes.pollTasks);
	for (const task of watched) sandbox.store.addRun(task.id, { status: 'COMPLETED' });
	const pages = Math.ceil(sizes.pollTasks / 100);
	const poll = triggerPoller(pkg, credentials);
	const t = sizes.pollTasks;
	await measure(
		`Trigger, first poll over ${t} tasks with runs`,
		AUTO,
		pages + t,
		[pages * latencyMs + roundTrips(t, AUTO_CEILING), `${pages} pages of tasks, then ${trips(t, AUTO_CEILING)} of runs`],
		() => poll(0),
	);
	await measure(`Trigger, idle poll over ${t} tasks`, AUTO, pages, [pages * latencyMs, `${pages} pages of tasks`], () => poll(0));
	const c = sizes.changedTasks;
	for (const task of watched.slice(0, c)) sandbox.store.addRun(task.id, { status: 'COMPLETED' });
	await measure(
		`Trigger, poll after ${c} tasks got a new run`,
		AUTO,
		pages + c,
		[pages * latencyMs + roundTrips(c, AUTO_CEILING), `${pages} pages, then ${trips(c, AUTO_CEILING)}`],
		() => poll(c),
	);
	return jobs;
}

type Measure = (job: string, bound: number | 'Auto' | null, minimum: number, limit: [number, string], body: () => Promise<void>) => Promise<void>;

/**
 * The reads of Get Results are a chain (run → task → evaluator → pages), so their wall time is round trips in a row:
 * a Run Experiment run costs the run, then the experiment beside the first page, then the other pages; a project
 * evaluation run the run, its task, its evaluator (one per evaluator, side by side), then the span pages.
 */
async function measureGetResults(
	sandbox: Sandbox,
	count: number,
	measure: Measure,
	tasksNode: (parameters: INodeParameters, input: IDataObject[], expectedItems: number) => Promise<unknown>,
	latencyMs: number,
): Promise<void> {
	const { store } = sandbox;
	const pages = Math.ceil(count / 500);
	const getResults = { resource: 'taskRun', operation: 'getResults', runId: '={{ $json.id }}', returnAll: true };

	/** A new experiment of the seed dataset with `runs` runs. */
	const experimentWith = (runs: number, name: string) => {
		const id = store.nextId('Experiment');
		const dataset = [...store.datasets.values()][0];
		const createdAt = new Date().toISOString();
		store.experiments.set(id, { id, name, dataset_id: dataset.id, dataset_version_id: null, space_id: dataset.space_id, created_at: createdAt });
		store.addExperimentRuns(
			id,
			Array.from({ length: runs }, (_, i) => ({ example_id: `bench-${i}`, output: `answer ${i}`, 'eval.bench.label': 'ok' })),
		);
		return id;
	};

	const experimentTask = [...store.tasks.values()].find((task) => task.type === 'RUN_EXPERIMENT')!;
	const experimentId = experimentWith(count, `bench-${latencyMs}`);
	const experimentRun = store.addRun(experimentTask.id, { status: 'COMPLETED', experiment_id: experimentId });
	await measure(
		`Get Results, Run Experiment run with ${count} experiment runs`,
		AUTO,
		2 + pages,
		[(1 + pages) * latencyMs, `the run, then ${pages} page${pages === 1 ? '' : 's'} of 500 (the experiment beside the first)`],
		async () => void (await tasksNode(getResults, [{ id: experimentRun.id }], count)),
	);

	// A dataset evaluation task over two experiments of `count / 2` runs each: the experiments are read side by side.
	const datasetTask = [...store.tasks.values()].find((task) => task.type !== 'RUN_EXPERIMENT' && task.dataset_id)!;
	const half = Math.ceil(count / 2);
	datasetTask.experiment_ids = [0, 1].map((n) => experimentWith(half, `bench-${latencyMs}-${n}`));
	const datasetRun = store.addRun(datasetTask.id, { status: 'COMPLETED' });
	const halfPages = Math.ceil(half / 500);
	await measure(
		`Get Results, dataset evaluation run over 2 experiments of ${half} runs`,
		AUTO,
		2 + 2 * (1 + halfPages),
		[(2 + halfPages) * latencyMs, `the run, its task, then ${halfPages} page${halfPages === 1 ? '' : 's'} of 500 per experiment, side by side`],
		async () => void (await tasksNode(getResults, [{ id: datasetRun.id }], 2 * half)),
	);

	const projectTask = [...store.tasks.values()].find(
		(task) => task.type !== 'RUN_EXPERIMENT' && task.project_id && task.evaluators.length === 1,
	)!;
	const evaluator = await fetch(`${sandbox.url}/v2/evaluators/${encodeURIComponent(projectTask.evaluators[0].evaluator_id)}`, {
		headers: { authorization: `Bearer ${BENCH_API_KEY}` },
	}).then((response) => response.json() as Promise<{ version: { template_config?: { name: string }; code_config?: { name: string } } }>);
	const name = (evaluator.version.template_config ?? evaluator.version.code_config)!.name;
	const windowStart = Date.parse('2025-06-01T00:00:00Z');
	store.addSpans(
		projectTask.project_id!,
		Array.from({ length: count }, (_, i) => ({
			name: 'bench',
			start_time: new Date(windowStart + i * 1000).toISOString(),
			end_time: new Date(windowStart + i * 1000 + 500).toISOString(),
			attributes: queryFilterAttributes(projectTask.query_filter),
			evaluations: [{ name, label: i % 4 ? 'factual' : 'hallucinated', score: i % 4 ? 1 : 0 }],
		})),
	);
	const projectRun = store.addRun(projectTask.id, {
		status: 'COMPLETED',
		data_start_time: new Date(windowStart).toISOString(),
		data_end_time: new Date(windowStart + count * 1000).toISOString(),
	});
	await measure(
		`Get Results, project evaluation run with ${count} labelled spans`,
		AUTO,
		3 + pages,
		[(3 + pages) * latencyMs, `the run, its task, its evaluator, then ${pages} page${pages === 1 ? '' : 's'} of 500`],
		async () => void (await tasksNode(getResults, [{ id: projectRun.id }], count)),
	);
}

/** Attributes that satisfy a seed task's `a.b = 'x'` query filter, so the bench's spans are the task's spans. */
function queryFilterAttributes(filter: string | null): Record<string, string> {
	const match = /^\s*([\w.]+)\s*=\s*'([^']*)'\s*$/.exec(filter ?? '');
	return match ? { [match[1]]: match[2] } : {};
}
