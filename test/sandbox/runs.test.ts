import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createStore, encodeId, RUN_ORDERS, SEED, startSandbox } from '../../sandbox/index.ts';
import type { RunOrder, Sandbox, Store, Task } from '../../sandbox/index.ts';
import { DataFile } from '../../sandbox/persistence.ts';
import { exited, started, useSandboxCli } from './cli.ts';
import { apiClient, enc, expectProblem, readAllPages, sleep, useSandbox } from './helpers.ts';

// TaskRun, list runs, get run, cancel; run progression and the store's run helpers.

const RUN_FIELDS = [
	'id',
	'task_id',
	'status',
	'experiment_id',
	'run_started_at',
	'run_finished_at',
	'data_start_time',
	'data_end_time',
	'num_successes',
	'num_errors',
	'num_skipped',
	'created_at',
	'created_by_user_id',
	'failure_reason',
];

describe('task runs', () => {
	const ctx = useSandbox({ runDurationMs: 90 });
	const getRun = async (runId: string) => (await ctx.api.get(`/v2/task-runs/${enc(runId)}`)).body;
	const getTask = async (taskId: string) => (await ctx.api.get(`/v2/tasks/${enc(taskId)}`)).body;
	const trigger = async (taskId: string, body: unknown = {}) => {
		const response = await ctx.api.post(`/v2/tasks/${enc(taskId)}/trigger`, body);
		expect(response.status).toBe(201);
		return response.body;
	};
	const freshProjectTask = (): Task => {
		const task = ctx.sandbox.store.addTask({
			type: 'TEMPLATE_EVALUATION',
			name: 'runs test',
			project_id: SEED.projectIds.ragSearch,
			sampling_rate: 0.5,
			evaluators: [{ evaluator_id: SEED.evaluatorIds.relevance }],
		});
		const now = ctx.sandbox.store.now();
		ctx.sandbox.store.addRun(task.id, { created_at: new Date(now - 3_600_000).toISOString() });
		// Fresh spans in the window the next trigger covers (since the run above), so the run has data to label.
		ctx.sandbox.store.addSpans(
			SEED.projectIds.ragSearch,
			Array.from({ length: 20 }, (_, i) => ({ start_time: new Date(now - 1_800_000 + i * 1000).toISOString() })),
		);
		return task;
	};

	afterEach(() => {
		ctx.sandbox.store.now = () => Date.now();
		ctx.sandbox.setRunDurationMs(90);
	});

	describe('progression', () => {
		it('moves PENDING → RUNNING → COMPLETED in real time with a short runDurationMs', async () => {
			ctx.sandbox.setRunDurationMs(300);
			const task = freshProjectTask();
			const run = await trigger(task.id);
			expect(run.status).toBe('PENDING');
			// Poll like a client would; RUNNING lasts from 100 ms to 300 ms after the trigger.
			const seen: string[] = [run.status];
			for (let status = run.status; status !== 'COMPLETED'; await sleep(10)) {
				status = (await getRun(run.id)).status;
				if (seen.at(-1) !== status) seen.push(status);
			}
			expect(seen).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
			const done = await getRun(run.id);
			expect(Date.parse(done.run_finished_at) - Date.parse(done.created_at)).toBe(300);
			expect(Date.parse(done.run_started_at) - Date.parse(done.created_at)).toBe(100);
			expect(done.num_successes + done.num_errors + done.num_skipped).toBeGreaterThan(0);
			expect((await getTask(task.id)).last_run_at).toBe(done.run_finished_at);
		});

		it('derives timestamps from the plan, not from when the run is read (clock injected)', async () => {
			let now = Date.parse('2026-11-24T12:00:00.000Z');
			ctx.sandbox.store.now = () => now;
			ctx.sandbox.setRunDurationMs(3000);
			const task = freshProjectTask();
			const run = await trigger(task.id);
			expect(run.created_at).toBe('2026-11-24T12:00:00.000Z');
			now += 999;
			expect((await getRun(run.id)).status).toBe('PENDING');
			now += 1;
			expect(await getRun(run.id)).toMatchObject({ status: 'RUNNING', run_started_at: '2026-11-24T12:00:01.000Z', run_finished_at: null });
			now += 60_000;
			const listed = (await ctx.api.get(`/v2/tasks/${enc(task.id)}/runs?status=COMPLETED`)).body.task_runs;
			expect(listed.map((item: { id: string }) => item.id)).toEqual([run.id, expect.any(String)]);
			expect(listed[0]).toMatchObject({ status: 'COMPLETED', run_finished_at: '2026-11-24T12:00:03.000Z', failure_reason: null });
			// Listing tasks shows the finish too: pollers watch last_run_at.
			const tasks = (await ctx.api.get(`/v2/tasks?project_id=${enc(SEED.projectIds.ragSearch)}&limit=100`)).body.tasks;
			expect(tasks.find((item: { id: string }) => item.id === task.id).last_run_at).toBe('2026-11-24T12:00:03.000Z');
		});

		it('provisions the experiment of a RUN_EXPERIMENT run when it starts running', async () => {
			let now = Date.parse('2026-11-24T12:00:00.000Z');
			ctx.sandbox.store.now = () => now;
			ctx.sandbox.setRunDurationMs(3000);
			const run = await trigger(SEED.taskIds.promptGeneration, { experiment_name: 'prompt-v5', max_examples: 4 });
			expect(run.experiment_id).toBeNull();
			now += 1500;
			const running = await getRun(run.id);
			expect(running.status).toBe('RUNNING');
			expect(running.experiment_id).toEqual(expect.any(String));
			const experiments = (await ctx.api.get(`/v2/experiments?dataset_id=${enc(SEED.datasetId)}&name=prompt-v5`)).body.experiments;
			expect(experiments).toEqual([expect.objectContaining({ id: running.experiment_id, name: 'prompt-v5', dataset_version_id: SEED.datasetVersionIds.v2 })]);
			now += 1500;
			const done = await getRun(run.id);
			expect(done).toMatchObject({ status: 'COMPLETED', experiment_id: running.experiment_id, data_start_time: null });
			expect(done.num_successes + done.num_errors + done.num_skipped).toBe(4);
		});

		it('applies setRunDurationMs to runs triggered afterwards', async () => {
			ctx.sandbox.setRunDurationMs(0);
			const run = await trigger(freshProjectTask().id);
			expect(run.status).toBe('PENDING');
			expect((await getRun(run.id)).status).toBe('COMPLETED');
		});
	});

	describe('reading runs', () => {
		it('returns every field', async () => {
			const runs = (await ctx.api.get(`/v2/tasks/${enc(SEED.taskIds.chatbotRelevanceSample)}/runs`)).body;
			expect(runs.pagination).toEqual({ has_more: false });
			expect(runs.task_runs).toHaveLength(2);
			for (const run of runs.task_runs) expect(Object.keys(run).sort()).toEqual([...RUN_FIELDS].sort());
			const failed = runs.task_runs[0];
			expect(failed).toMatchObject({ status: 'FAILED', failure_reason: expect.stringContaining('429') });
			expect(await getRun(failed.id)).toEqual(failed);
		});

		it('lists runs newest first, filtered by status in UPPERCASE only', async () => {
			const path = `/v2/tasks/${enc(SEED.taskIds.productionHallucination)}/runs`;
			const all = (await ctx.api.get(path)).body.task_runs.map((run: { created_at: string }) => run.created_at);
			expect(all.length).toBeGreaterThan(2);
			expect(all).toEqual([...all].sort().reverse());
			expect((await ctx.api.get(`${path}?status=COMPLETED`)).body.task_runs).toHaveLength(3);
			expectProblem(await ctx.api.get(`${path}?status=Completed`), 400, /'status' must be one of PENDING, RUNNING, COMPLETED, FAILED, CANCELLED; got 'Completed'/);
			expect((await ctx.api.get(`${path}?status=FAILED`)).body.task_runs).toHaveLength(0);
			expectProblem(await ctx.api.get(`${path}?status=DONE`), 400, /status/);
		});

		describe('in the order chosen with setRunOrder', () => {
			afterEach(() => ctx.sandbox.setRunOrder('newest'));
			/** 7 runs, two of them created in the same millisecond, and one RUNNING. */
			const runsInTime = () => {
				const task = freshProjectTask();
				const created = ['2030-01-01T00:00:01.000Z', '2030-01-01T00:00:02.000Z', '2030-01-01T00:00:02.000Z'];
				for (let i = 3; i < 6; i++) created.push(`2030-01-01T00:00:0${i}.000Z`);
				const runs = created.map((at) => ctx.sandbox.store.addRun(task.id, { created_at: at }));
				runs.push(ctx.sandbox.store.addRun(task.id, { status: 'RUNNING', created_at: '2030-01-01T00:00:09.000Z' }));
				// freshProjectTask's own run, an hour before now.
				const first = ctx.sandbox.store.runsOf(task.id)[0];
				return { task, ids: [first.id, ...runs.map((run) => run.id)] };
			};
			const listedIds = async (taskId: string, query = 'limit=3') => {
				const ids: string[] = [];
				let cursor: string | undefined;
				do {
					const next = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
					const { body } = await ctx.api.get(`/v2/tasks/${enc(taskId)}/runs?${query}${next}`);
					ids.push(...body.task_runs.map((run: { id: string }) => run.id));
					cursor = body.pagination.next_cursor;
				} while (cursor);
				return ids;
			};

			it('newest (the default): created_at descending, the later-created of a tie first, across pages', async () => {
				const { task, ids } = runsInTime();
				expect(await listedIds(task.id)).toEqual([...ids].reverse());
			});

			it('oldest: created_at ascending across pages; the status filter still applies', async () => {
				const { task, ids } = runsInTime();
				ctx.sandbox.setRunOrder('oldest');
				expect(await listedIds(task.id)).toEqual(ids);
				expect(await listedIds(task.id, 'status=RUNNING')).toEqual([ids[7]]);
				expect(await listedIds(task.id, 'status=PENDING')).toEqual([]);
			});

			it('shuffled: every run once across pages, in the same order on every request, newest first nowhere', async () => {
				const { task, ids } = runsInTime();
				ctx.sandbox.setRunOrder('shuffled');
				const listed = await listedIds(task.id);
				expect([...listed].sort()).toEqual([...ids].sort());
				expect(listed).not.toEqual([...ids].reverse());
				expect(listed).not.toEqual(ids);
				expect(await listedIds(task.id, 'limit=100')).toEqual(listed);
				expect(await listedIds(task.id, 'status=COMPLETED')).toEqual(listed.filter((id) => id !== ids[7]));
			});

			it('refuses an unknown order', () => {
				expect(() => ctx.sandbox.setRunOrder('random' as 'newest')).toThrow('runOrder must be one of newest, oldest, shuffled, got random');
			});
		});

		it('answers 404 for an unknown task or run', async () => {
			expectProblem(await ctx.api.get('/v2/tasks/VGFzazo5OTk5OTo=/runs'), 404);
			expectProblem(await ctx.api.get('/v2/task-runs/VGFza1J1bjo5OTk='), 404);
		});

		it('gives seed RUN_EXPERIMENT runs their experiments and a failed agent run its reason', async () => {
			const runs = (await ctx.api.get(`/v2/tasks/${enc(SEED.taskIds.promptGeneration)}/runs`)).body.task_runs;
			expect(runs.slice(-2).map((run: { experiment_id: string }) => run.experiment_id)).toEqual([
				SEED.experimentIds.gpt41MiniPromptV3,
				SEED.experimentIds.baselineGpt4o,
			]);
			const agent = (await ctx.api.get(`/v2/tasks/${enc(SEED.taskIds.supportAgentRegression)}/runs`)).body.task_runs[0];
			expect(agent).toMatchObject({ status: 'FAILED', experiment_id: null, failure_reason: expect.stringContaining('503') });
		});
	});

	describe('cancel', () => {
		it('cancels a PENDING run immediately with failure_reason "Cancelled by user"', async () => {
			ctx.sandbox.setRunDurationMs(60_000);
			const task = freshProjectTask();
			const run = await trigger(task.id);
			const response = await ctx.api.post(`/v2/task-runs/${enc(run.id)}/cancel`);
			expect(response.status).toBe(200);
			expect(response.body).toMatchObject({ id: run.id, status: 'CANCELLED', failure_reason: 'Cancelled by user', run_finished_at: expect.any(String) });
			expect(await getRun(run.id)).toEqual(response.body);
			expect((await getTask(task.id)).last_run_at).toBe(response.body.run_finished_at);
		});

		it('cancels a RUNNING run', async () => {
			let now = Date.now();
			ctx.sandbox.store.now = () => now;
			ctx.sandbox.setRunDurationMs(3000);
			const run = await trigger(freshProjectTask().id);
			now += 1500;
			expect((await getRun(run.id)).status).toBe('RUNNING');
			const response = await ctx.api.post(`/v2/task-runs/${enc(run.id)}/cancel`);
			expect(response.body).toMatchObject({ status: 'CANCELLED', run_started_at: expect.any(String) });
			now += 10_000;
			expect((await getRun(run.id)).status).toBe('CANCELLED');
		});

		it('answers 400 for a terminal run and 404 for an unknown one', async () => {
			const completed = (await ctx.api.get(`/v2/tasks/${enc(SEED.taskIds.productionHallucination)}/runs?status=COMPLETED&limit=1`)).body.task_runs[0];
			expectProblem(await ctx.api.post(`/v2/task-runs/${enc(completed.id)}/cancel`), 400, /already COMPLETED.*PENDING or RUNNING/);
			expectProblem(await ctx.api.post('/v2/task-runs/VGFza1J1bjo5OTk=/cancel'), 404);
		});
	});

	describe('store helpers', () => {
		it('addRun inserts a run in any status without progression and sets last_run_at to its created_at', async () => {
			const task = freshProjectTask();
			const run = ctx.sandbox.store.addRun(task.id, { status: 'RUNNING', created_at: '2026-11-24T08:00:00.000Z' });
			expect((await getTask(task.id)).last_run_at).toBe('2026-11-24T08:00:00.000Z');
			await sleep(100);
			expect(await getRun(run.id)).toMatchObject({ status: 'RUNNING', run_started_at: '2026-11-24T08:00:00.000Z', run_finished_at: null });
			// A RUNNING run blocks triggers like any other.
			expectProblem(await ctx.api.post(`/v2/tasks/${enc(task.id)}/trigger`, {}), 409);
		});

		it.each([
			['COMPLETED', null],
			['FAILED', expect.stringContaining('failed')],
			['CANCELLED', 'Cancelled by user'],
		] as const)('finishRun(%s) completes deterministically and moves last_run_at', async (status, reason) => {
			ctx.sandbox.setRunDurationMs(60_000);
			const task = freshProjectTask();
			const run = await trigger(task.id);
			const finished = ctx.sandbox.store.finishRun(run.id, status);
			expect(finished).toMatchObject({ status, failure_reason: reason, run_started_at: expect.any(String), run_finished_at: expect.any(String) });
			const read = await getRun(run.id);
			expect(read).toMatchObject({ status, run_finished_at: finished.run_finished_at });
			expect((await getTask(task.id)).last_run_at).toBe(finished.run_finished_at);
			if (status === 'CANCELLED') expect(read.num_successes + read.num_errors + read.num_skipped).toBe(0);
			else expect(read.num_successes + read.num_errors).toBeGreaterThan(0);
		});

		it('finishRun takes explicit counts and failure_reason', async () => {
			const task = freshProjectTask();
			const run = ctx.sandbox.store.addRun(task.id, { status: 'PENDING' });
			ctx.sandbox.store.finishRun(run.id, 'FAILED', { num_successes: 1, num_errors: 2, num_skipped: 3, failure_reason: 'boom' });
			expect(await getRun(run.id)).toMatchObject({ status: 'FAILED', num_successes: 1, num_errors: 2, num_skipped: 3, failure_reason: 'boom' });
		});
	});

	describe('lowercase enums (older docs)', () => {
		afterEach(() => ctx.sandbox.setLowercaseEnums(false));

		it('lowercases every enum value in responses while accepting any casing in requests', async () => {
			ctx.sandbox.setLowercaseEnums(true);
			const task = (await ctx.api.get(`/v2/tasks/${enc(SEED.taskIds.promptGeneration)}`)).body;
			expect(task.type).toBe('run_experiment');
			expect(task.run_configuration).toMatchObject({ experiment_type: 'llm_generation', input_variable_format: 'f_string' });
			expect(task.run_configuration.messages.map((message: { role: string }) => message.role)).toEqual(['system', 'user']);
			const runs = (await ctx.api.get(`/v2/tasks/${enc(SEED.taskIds.productionHallucination)}/runs?status=completed`)).body.task_runs;
			expect(runs.map((run: { status: string }) => run.status)).toEqual(['completed', 'completed', 'completed']);
			expect((await ctx.api.get('/v2/evaluators?limit=1')).body.evaluators[0].type).toBe('code');
			expect((await ctx.api.get('/v2/integrations?type=LLM&limit=1')).body.integrations[0]).toMatchObject({ type: 'llm', config: { provider: 'open_ai' } });
			const created = await ctx.api.post('/v2/tasks', {
				type: 'code_evaluation',
				name: 'lowercase world',
				project_id: SEED.projectIds.supportChatbot,
				evaluators: [{ evaluator_id: SEED.evaluatorIds.jsonFormat }],
			});
			expect(created.body.type).toBe('code_evaluation');
			ctx.sandbox.setLowercaseEnums(false);
			expect((await ctx.api.get(`/v2/tasks/${enc(created.body.id)}`)).body.type).toBe('CODE_EVALUATION');
		});
	});
});

describe('the run order chosen at start-up', () => {
	// setRunOrder is tested above. A sandbox started with an order (startSandbox({ runOrder }), the CLI's --run-order
	// or SANDBOX_RUN_ORDER) must list in it from its first request: a client under test never sees another order.

	/** 8 runs, a second apart but for two created in the same millisecond: enough that a shuffle is neither order. */
	const CREATED = ['01', '02', '02', '03', '04', '05', '06', '07'].map((s) => `2030-01-01T00:00:${s}.000Z`);
	// Fixed ids (new ones end in random bytes): the shuffle, a function of the id, is then the same in every store.
	function taskWithRuns(store: Store) {
		const task = store.addTask({
			id: encodeId('Task', 90001, Uint8Array.of(1)),
			name: 'Listed in order',
			type: 'CODE_EVALUATION',
			created_at: '2030-01-01T00:00:00.000Z',
		});
		const runs = CREATED.map((at, i) => store.addRun(task.id, { id: encodeId('TaskRun', 90001 + i, Uint8Array.of(i)), created_at: at }));
		return { taskId: task.id, ids: runs.map((run) => run.id) };
	}

	/** The same task and runs (same ids) in a store of their own, listed as setRunOrder(order) lists them. */
	function listedBySetRunOrder(order: RunOrder): string[] {
		const reference = createStore({ seed: false });
		const { taskId } = taskWithRuns(reference);
		reference.runOrder = order;
		return reference.listedRunsOf(taskId).map((run) => run.id);
	}

	/** What each order lists: ids are in creation order, the later of the two runs of one millisecond second. */
	const inOrder = (order: RunOrder, ids: string[]) => {
		if (order === 'newest') return [...ids].reverse();
		if (order === 'oldest') return ids;
		const shuffled = listedBySetRunOrder('shuffled');
		expect([...shuffled].sort()).toEqual([...ids].sort());
		expect(shuffled).not.toEqual(ids);
		expect(shuffled).not.toEqual([...ids].reverse());
		return shuffled;
	};

	/** Every page of GET /v2/tasks/{id}/runs, 3 runs a page, as any client reads them. */
	async function listedIds(url: string, taskId: string): Promise<string[]> {
		const { items } = await readAllPages(apiClient({ url }), `/v2/tasks/${enc(taskId)}/runs`, 'task_runs', 3);
		return items.map((run) => run.id);
	}

	describe('startSandbox({ runOrder })', () => {
		const started: Sandbox[] = [];
		afterEach(async () => {
			await Promise.all(started.splice(0).map(async (sandbox) => await sandbox.close()));
		});

		it.each(RUN_ORDERS)('%s: GET /v2/tasks/{id}/runs lists in that order from the first request', async (order) => {
			const sandbox = await startSandbox({ seed: false, runOrder: order });
			started.push(sandbox);
			const { taskId, ids } = taskWithRuns(sandbox.store);
			expect(await listedIds(sandbox.url, taskId)).toEqual(inOrder(order, ids));
			// And it is the order setRunOrder gives (tested above), run for run.
			expect(await listedIds(sandbox.url, taskId)).toEqual(listedBySetRunOrder(order));
		});

		it('without runOrder: newest first', async () => {
			const sandbox = await startSandbox({ seed: false });
			started.push(sandbox);
			const { taskId, ids } = taskWithRuns(sandbox.store);
			expect(await listedIds(sandbox.url, taskId)).toEqual([...ids].reverse());
		});

		it('refuses an unknown order, naming it and the orders there are', async () => {
			const starting = startSandbox({ seed: false, runOrder: 'random' as RunOrder });
			await expect(starting).rejects.toBeInstanceOf(RangeError);
			await expect(starting).rejects.toThrow('runOrder must be one of newest, oldest, shuffled, got random');
		});
	});

	describe('node sandbox/cli.ts --run-order and SANDBOX_RUN_ORDER', () => {
		const cli = useSandboxCli();
		let folder: string;
		let dataFile: string;
		let task: { taskId: string; ids: string[] };
		beforeAll(() => {
			// The CLI starts from the seed, whose tasks have 3 runs at most (a shuffle of 3 can look like either order):
			// it loads the task of these tests from a data file instead.
			folder = mkdtempSync(path.join(tmpdir(), 'sandbox-run-order-'));
			dataFile = path.join(folder, 'data.json');
			const store = createStore({ seed: false });
			task = taskWithRuns(store);
			new DataFile(store, dataFile).save();
		});
		afterAll(() => rmSync(folder, { recursive: true, force: true }));
		const spawnCli = (args: string[], env: Record<string, string>) => cli.spawn(['--data-file', dataFile, ...args], env);

		const said: Record<RunOrder, string> = {
			newest: 'Runs listed: newest first',
			oldest: 'Runs listed: oldest first',
			shuffled: 'Runs listed: in no order',
		};

		it.each<[string, string[], Record<string, string>, RunOrder]>([
			['--run-order oldest', ['--run-order', 'oldest'], {}, 'oldest'],
			['--run-order=shuffled', ['--run-order=shuffled'], {}, 'shuffled'],
			['SANDBOX_RUN_ORDER=oldest', [], { SANDBOX_RUN_ORDER: 'oldest' }, 'oldest'],
			['SANDBOX_RUN_ORDER=shuffled', [], { SANDBOX_RUN_ORDER: 'shuffled' }, 'shuffled'],
			['--run-order newest with SANDBOX_RUN_ORDER=shuffled (the option wins)', ['--run-order', 'newest'], { SANDBOX_RUN_ORDER: 'shuffled' }, 'newest'],
			['neither (the default)', [], {}, 'newest'],
			['SANDBOX_RUN_ORDER empty (the default, like the other variables)', [], { SANDBOX_RUN_ORDER: '' }, 'newest'],
		])('%s: says so at start-up and lists runs in that order', async (_how, args, env, order) => {
			const { url, output } = await started(spawnCli(args, env));
			expect(output()).toContain(`${said[order]}\n`);
			expect(await listedIds(url, task.taskId)).toEqual(inOrder(order, task.ids));
		});

		it.each<[string, string[], Record<string, string>, string]>([
			['--run-order random', ['--run-order', 'random'], {}, 'random'],
			['SANDBOX_RUN_ORDER=Oldest (the orders are lowercase)', [], { SANDBOX_RUN_ORDER: 'Oldest' }, 'Oldest'],
		])('refuses %s: exits 2 naming the value and the orders there are, without listening', async (_how, args, env, value) => {
			const { code, stdout, stderr } = await exited(spawnCli(args, env));
			expect(code).toBe(2);
			expect(stderr).toBe(`Invalid run order: ${value} (one of newest, oldest, shuffled)\n`);
			expect(stdout).toBe('');
		});
	});
});
