import type { INodeParameters } from 'n8n-workflow';

import { ArizeTasksTrigger } from '../../nodes/ArizeTasksTrigger/ArizeTasksTrigger.node';
import { SEED } from '../../sandbox/seed.ts';
import { credentialTypes, pollTrigger } from '../arize';
import { runListSearch } from '../harness';
import { ALL_TASKS, byPath, FAILING, oneTask, runsPath, stateOf, taskPath, useTriggerSandbox } from './testbed';

// What the trigger fires and when: the first poll, runs finishing after activation, statuses, output, failures,
// restarts, filters and Fetch Test Event.

// The transport backs off 0.5 s, 1 s and 2 s between its retries of a failed GET. The retries themselves still happen
// over real HTTP (the tests count them); only the waiting is skipped, so fault-heavy tests stay fast.
jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: async () => {} }));

const { arize, store, ActiveTrigger, clearTasks, apiRun, requested } = useTriggerSandbox();

describe('Arize Tasks Trigger: first poll', () => {
	it('fires nothing, even with finished runs in the history, and records every watched task', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		const withRuns = [...store().tasks.values()].filter((task) => task.last_run_at !== null);
		expect(withRuns.length).toBeGreaterThan(5);

		const first = await trigger.poll();
		expect(first.error).toBeUndefined();
		expect(first.items).toBeNull();
		expect(Object.keys(stateOf(first.staticDataAfterPoll).tasks).sort()).toEqual([...store().tasks.keys()].sort());
		// It reads runs only of tasks that ever ran, to learn which are still open (side by side, in no set order).
		const [listing, ...runReads] = requested();
		expect(listing).toEqual({ method: 'GET', path: '/v2/tasks', query: { limit: '100' } });
		expect(runReads.sort(byPath)).toEqual(
			withRuns.map((task) => ({ method: 'GET', path: runsPath(task.id), query: { limit: '100' } })).sort(byPath),
		);

		arize.sandbox.clearRequests();
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([{ method: 'GET', path: '/v2/tasks', query: { limit: '100' } }]);
	});

	it('fires nothing for a One Task watch whose task has finished runs', async () => {
		const trigger = new ActiveTrigger(oneTask(SEED.taskIds.productionHallucination));
		expect(await trigger.firedIds()).toEqual([]);
		expect(Object.keys(stateOf(trigger.memory).tasks)).toEqual([SEED.taskIds.productionHallucination]);
		expect(await trigger.firedIds()).toEqual([]);
	});
});

describe('Arize Tasks Trigger: runs that finish after activation', () => {
	const taskId = SEED.taskIds.productionHallucination;

	it('fires a run completing after activation exactly once', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		const run = store().addRun(taskId, { status: 'COMPLETED' });
		expect(await trigger.firedIds()).toEqual([run.id]);
		expect(await trigger.firedIds()).toEqual([]);
		expect(await trigger.firedIds()).toEqual([]);
	});

	it('fires two runs finishing between two polls as two items of one poll, oldest finish first', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		const a = store().addRun(taskId, { status: 'RUNNING' });
		const b = store().addRun(SEED.taskIds.goldenRelevance, { status: 'RUNNING' });
		expect(await trigger.firedIds()).toEqual([]);
		store().now = () => Date.parse('2030-01-01T00:00:05.000Z');
		store().finishRun(b.id, 'COMPLETED');
		store().now = () => Date.parse('2030-01-01T00:00:09.000Z');
		store().finishRun(a.id, 'COMPLETED');
		store().now = () => Date.now();
		expect(await trigger.firedIds()).toEqual([b.id, a.id]);
		expect(await trigger.firedIds()).toEqual([]);
	});

	it('fires a run seen PENDING in one poll when a later poll sees it COMPLETED', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		const run = store().addRun(taskId, { status: 'PENDING' });
		expect(await trigger.firedIds()).toEqual([]);
		expect(await trigger.firedIds()).toEqual([]);
		store().runs.get(run.id)!.status = 'RUNNING';
		expect(await trigger.firedIds()).toEqual([]);
		store().finishRun(run.id, 'COMPLETED');
		expect(await trigger.firedIds()).toEqual([run.id]);
		expect(await trigger.firedIds()).toEqual([]);
	});

	it('fires a run that was already RUNNING at activation when it finishes', async () => {
		const run = store().addRun(taskId, { status: 'RUNNING' });
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		expect(await trigger.firedIds()).toEqual([]);
		store().finishRun(run.id, 'COMPLETED');
		expect(await trigger.firedIds()).toEqual([run.id]);
		expect(await trigger.firedIds()).toEqual([]);
	});

	it('fires a run that finishes even when the task last_run_at does not move (it was open)', async () => {
		const run = store().addRun(taskId, { status: 'RUNNING' });
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		const lastRunAt = store().tasks.get(taskId)!.last_run_at;
		store().finishRun(run.id, 'COMPLETED');
		store().tasks.get(taskId)!.last_run_at = lastRunAt;
		expect(await trigger.firedIds()).toEqual([run.id]);
	});

	it('fires the runs of a task created after activation', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		const task = store().addTask({ name: 'Brand new', type: 'CODE_EVALUATION' });
		const run = store().addRun(task.id, { status: 'COMPLETED' });
		expect(await trigger.firedIds()).toEqual([run.id]);
		expect(await trigger.firedIds()).toEqual([]);
	});

	it('fires the runs of a task created while the activation poll was running', async () => {
		// The task appears after the activation poll has listed the tasks (e.g. while it reads runs): the next poll
		// meets it for the first time and must treat it as new, not as history.
		const created: string[] = [];
		const taskList = store().taskList.bind(store());
		store().taskList = () => {
			const list = taskList();
			if (created.length === 0) created.push(store().addTask({ name: 'Created mid-poll', type: 'CODE_EVALUATION' }).id);
			return list;
		};
		const trigger = new ActiveTrigger(ALL_TASKS);
		try {
			expect(await trigger.firedIds()).toEqual([]);
		} finally {
			delete (store() as { taskList?: unknown }).taskList; // back to the Store method
		}
		expect(Object.keys(stateOf(trigger.memory).tasks)).not.toContain(created[0]);
		const run = store().addRun(created[0], { status: 'COMPLETED' });
		expect(await trigger.firedIds()).toEqual([run.id]);
		expect(await trigger.firedIds()).toEqual([]);
	});

	it('fires the runs of a task created in the very millisecond the activation poll started', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		const { activatedAt } = stateOf(trigger.memory);
		const task = store().addTask({ name: 'Same instant', type: 'CODE_EVALUATION', created_at: activatedAt });
		const run = store().addRun(task.id, { status: 'COMPLETED' });
		expect(await trigger.firedIds()).toEqual([run.id]);
	});

	it('fires a new run created in the same millisecond as the newest run it had seen', async () => {
		clearTasks();
		const task = store().addTask({ name: 'Ties', type: 'CODE_EVALUATION' });
		const at = '2030-01-01T00:00:00.000Z';
		store().addRun(task.id, { status: 'COMPLETED', created_at: at });
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		const twin = store().addRun(task.id, { status: 'COMPLETED', created_at: at });
		// Only a moved last_run_at makes the trigger look at the task again (here: another event a second later).
		store().tasks.get(task.id)!.last_run_at = '2030-01-01T00:00:01.000Z';
		expect(await trigger.firedIds()).toEqual([twin.id]);
		expect(await trigger.firedIds()).toEqual([]);
	});

	it('fires each run once when a task has more than one page of runs', async () => {
		clearTasks();
		const task = store().addTask({ name: 'Busy', type: 'CODE_EVALUATION' });
		const start = Date.parse('2030-01-01T00:00:00.000Z');
		for (let i = 0; i < 150; i++) {
			store().addRun(task.id, { status: 'COMPLETED', created_at: new Date(start + i * 1000).toISOString() });
		}
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		const open = store().addRun(task.id, { status: 'RUNNING', created_at: new Date(start + 200_000).toISOString() });
		const done = store().addRun(task.id, { status: 'COMPLETED', created_at: new Date(start + 201_000).toISOString() });
		expect(await trigger.firedIds()).toEqual([done.id]);
		store().finishRun(open.id, 'COMPLETED');
		expect(await trigger.firedIds()).toEqual([open.id]);
		expect(await trigger.firedIds()).toEqual([]);
	});
});

describe('Arize Tasks Trigger: statuses', () => {
	it.each([
		[['COMPLETED'], ['COMPLETED']],
		[['FAILED'], ['FAILED']],
		[['CANCELLED'], ['CANCELLED']],
		[['COMPLETED', 'FAILED'], ['COMPLETED', 'FAILED']],
		[['FAILED', 'CANCELLED'], ['FAILED', 'CANCELLED']],
		[['COMPLETED', 'FAILED', 'CANCELLED'], ['COMPLETED', 'FAILED', 'CANCELLED']],
	])('with Run Statuses %j fires %j', async (statuses, expected) => {
		const trigger = new ActiveTrigger({ ...ALL_TASKS, statuses });
		expect(await trigger.firedIds()).toEqual([]);
		const runs = (['COMPLETED', 'FAILED', 'CANCELLED'] as const).map((status, i) => {
			const run = store().addRun(SEED.taskIds.goldenRelevance, { status: 'RUNNING' });
			store().now = () => Date.parse('2030-01-01T00:00:00.000Z') + i * 1000;
			store().finishRun(run.id, status);
			store().now = () => Date.now();
			return run;
		});
		const { fired } = await trigger.poll();
		expect(fired.map((run) => run.status)).toEqual(expected);
		expect(fired.map((run) => run.id)).toEqual(runs.filter((run) => expected.includes(run.status)).map((run) => run.id));
		expect(await trigger.firedIds()).toEqual([]);
	});

	it('never fires a run that finished with an unselected status, even if the selection changes later', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		store().addRun(SEED.taskIds.goldenRelevance, { status: 'FAILED' });
		expect(await trigger.firedIds()).toEqual([]);
		const widened = new ActiveTrigger({ ...ALL_TASKS, statuses: ['COMPLETED', 'FAILED'] });
		widened.memory = trigger.memory;
		expect(await widened.firedIds()).toEqual([]);
	});

	it('refuses to poll without a status', async () => {
		const { error, items } = await new ActiveTrigger({ ...ALL_TASKS, statuses: [] }).poll();
		expect(items).toBeNull();
		expect(error?.message).toBe('Choose at least one Run Status to watch for');
		expect(arize.sandbox.requests).toEqual([]);
	});
});

describe('Arize Tasks Trigger: output', () => {
	it('is the run as Arize returns it plus task_name, task_type and duration_seconds', async () => {
		clearTasks();
		const task = store().addTask({ name: 'JSON format', type: 'CODE_EVALUATION' });
		const trigger = new ActiveTrigger({ ...ALL_TASKS, statuses: ['COMPLETED', 'FAILED'] });
		expect(await trigger.firedIds()).toEqual([]);
		const completed = store().addRun(task.id, {
			status: 'COMPLETED',
			created_at: '2030-01-01T12:00:00.000Z',
			run_started_at: '2030-01-01T12:00:20.000Z',
			run_finished_at: '2030-01-01T12:07:50.250Z',
			num_successes: 412,
			num_errors: 3,
			num_skipped: 11,
		});
		const failed = store().addRun(task.id, {
			status: 'FAILED',
			created_at: '2030-01-01T12:10:00.000Z',
			run_started_at: '2030-01-01T12:10:00.500Z',
			run_finished_at: '2030-01-01T12:10:01.000Z',
			failure_reason: 'Template variable {context} is not mapped.',
		});

		const { fired } = await trigger.poll();
		const codeTask = { task_name: 'JSON format', task_type: 'CODE_EVALUATION' };
		expect(fired).toEqual([
			{ ...(await apiRun(completed.id)), ...codeTask, duration_seconds: 450.25 },
			{ ...(await apiRun(failed.id)), ...codeTask, duration_seconds: 0.5 },
		]);
		expect(fired[0]).toMatchObject({ id: completed.id, task_id: task.id, status: 'COMPLETED', num_successes: 412 });
		expect(fired[1]).toMatchObject({ status: 'FAILED', failure_reason: 'Template variable {context} is not mapped.' });
	});

	it('gives status and task_type in UPPERCASE when Arize answers lowercase; null duration without a start', async () => {
		const trigger = new ActiveTrigger({ ...ALL_TASKS, statuses: ['CANCELLED'] });
		expect(await trigger.firedIds()).toEqual([]);
		arize.sandbox.setLowercaseEnums(true);
		const run = store().addRun(SEED.taskIds.goldenRelevance, { status: 'CANCELLED', run_started_at: null });
		const { fired } = await trigger.poll();
		expect(fired).toEqual([
			{
				...(await apiRun(run.id)),
				status: 'CANCELLED',
				task_name: 'Golden Questions Relevance',
				task_type: 'TEMPLATE_EVALUATION',
				duration_seconds: null,
			},
		]);
	});
});

describe('Arize Tasks Trigger: a poll that fails', () => {
	const taskId = SEED.taskIds.productionHallucination;

	it.each([
		['the task list', '/v2/tasks', ALL_TASKS],
		['the runs list', runsPath(taskId), ALL_TASKS],
		['the task (One Task)', taskPath(taskId), oneTask(taskId)],
		['the runs list (One Task)', runsPath(taskId), oneTask(taskId)],
	])('with 503 on %s fires nothing, keeps its state; the next poll fires the run once', async (_, path, parameters) => {
		const trigger = new ActiveTrigger(parameters);
		expect(await trigger.firedIds()).toEqual([]);
		const run = store().addRun(taskId, { status: 'COMPLETED' });

		arize.sandbox.clearRequests();
		arize.sandbox.faults.inject({ status: 503 }, { path, method: 'GET', times: FAILING });
		const failed = await trigger.poll(); // also checks that the state is unchanged
		expect(failed.error?.message).toContain('503');
		expect(failed.fired).toEqual([]);
		expect(arize.sandbox.requests.filter((request) => request.path === path).map((request) => request.status)).toEqual(
			Array(FAILING).fill(503),
		);

		expect(await trigger.firedIds()).toEqual([run.id]);
		expect(await trigger.firedIds()).toEqual([]);
	});

	it('rides out fewer 503s than make a request fail (the transport retries)', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		const run = store().addRun(taskId, { status: 'COMPLETED' });
		arize.sandbox.faults.inject({ status: 503 }, { path: runsPath(taskId), times: FAILING - 1 });
		expect(await trigger.firedIds()).toEqual([run.id]);
	});

	it('fires nothing when one task of several fails, and the next poll fires every run once', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		const first = store().addRun(taskId, { status: 'COMPLETED' });
		const second = store().addRun(SEED.taskIds.goldenRelevance, { status: 'COMPLETED' });
		arize.sandbox.faults.inject({ status: 503 }, { path: runsPath(SEED.taskIds.goldenRelevance), times: FAILING });
		arize.sandbox.clearRequests();
		const failed = await trigger.poll();
		expect(failed.error).toBeDefined();
		// The first task's runs were read fine before the second task's failed.
		const ok = arize.sandbox.requests.filter((request) => request.path === runsPath(taskId) && request.status === 200);
		expect(ok).toHaveLength(1);
		expect((await trigger.firedIds()).sort()).toEqual([first.id, second.id].sort());
		expect(await trigger.firedIds()).toEqual([]);
	});

	it('records the present on the first successful poll when the first poll fails', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		arize.sandbox.faults.inject({ status: 503 }, { path: '/v2/tasks', times: FAILING });
		expect((await trigger.poll()).error).toBeDefined();
		expect(trigger.memory).toEqual({});
		expect(await trigger.firedIds()).toEqual([]);
		const run = store().addRun(taskId, { status: 'COMPLETED' });
		expect(await trigger.firedIds()).toEqual([run.id]);
	});
});

describe('Arize Tasks Trigger: restarts', () => {
	const taskId = SEED.taskIds.productionHallucination;

	it('keeps its state as plain JSON', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		await trigger.poll();
		store().addRun(taskId, { status: 'RUNNING' });
		store().addRun(SEED.taskIds.goldenRelevance, { status: 'COMPLETED' });
		const { staticData, fired } = await trigger.poll();
		expect(fired).toHaveLength(1);
		expect(JSON.parse(JSON.stringify(staticData))).toEqual(staticData);
		expect(stateOf(staticData).tasks[taskId].open).toHaveLength(1);
	});

	it('never fires a run twice after a restart from the saved state', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		const run = store().addRun(taskId, { status: 'COMPLETED' });
		expect(await trigger.firedIds()).toEqual([run.id]);
		trigger.restart();
		expect(await trigger.firedIds()).toEqual([]);
		trigger.restart();
		expect(await trigger.firedIds()).toEqual([]);
	});

	it('after a restart that loses the in-memory state of quiet polls, fires only what it has not fired', async () => {
		const trigger = new ActiveTrigger({ ...ALL_TASKS, statuses: ['COMPLETED'] });
		expect(await trigger.firedIds()).toEqual([]);
		const fired = store().addRun(taskId, { status: 'COMPLETED' });
		expect(await trigger.firedIds()).toEqual([fired.id]); // saved here
		const open = store().addRun(taskId, { status: 'RUNNING' });
		const unwanted = store().addRun(SEED.taskIds.goldenRelevance, { status: 'FAILED' });
		expect(await trigger.firedIds()).toEqual([]); // sees open and unwanted; not saved
		expect(await trigger.firedIds()).toEqual([]);
		store().finishRun(open.id, 'COMPLETED');
		trigger.restart();
		expect(await trigger.firedIds()).toEqual([open.id]);
		trigger.restart();
		expect(await trigger.firedIds()).toEqual([]);
		expect(unwanted.status).toBe('FAILED');
	});

	it('fires a run open at the last save that finishes while n8n is down', async () => {
		const trigger = new ActiveTrigger(ALL_TASKS);
		const open = store().addRun(taskId, { status: 'RUNNING' });
		expect(await trigger.firedIds()).toEqual([]);
		const first = store().addRun(SEED.taskIds.goldenRelevance, { status: 'COMPLETED' });
		expect(await trigger.firedIds()).toEqual([first.id]); // saved, with `open` still open
		store().finishRun(open.id, 'COMPLETED');
		trigger.restart();
		expect(await trigger.firedIds()).toEqual([open.id]);
	});
});
describe('Arize Tasks Trigger: filters', () => {
	it('sends every Get Many filter with the task list request and watches only the tasks it lists', async () => {
		const filters = {
			spaceId: SEED.spaceId,
			spaceName: 'production',
			projectId: SEED.projectIds.supportChatbot,
			type: 'CODE_EVALUATION',
			name: 'json',
		};
		const trigger = new ActiveTrigger({ ...ALL_TASKS, filters });
		expect(await trigger.firedIds()).toEqual([]);
		expect(arize.sandbox.requests[0]).toMatchObject({
			method: 'GET',
			path: '/v2/tasks',
			query: {
				space_id: SEED.spaceId,
				space_name: 'production',
				project_id: SEED.projectIds.supportChatbot,
				type: 'CODE_EVALUATION',
				name: 'json',
				limit: '100',
			},
		});
		expect(Object.keys(stateOf(trigger.memory).tasks)).toEqual([SEED.taskIds.chatbotJsonFormat]);
	});

	it('reads the Space, Project and Dataset filters as resource locators (from the list or by ID)', async () => {
		const filters = {
			spaceId: { __rl: true, mode: 'list', value: SEED.spaceId, cachedResultName: 'production' },
			projectId: { __rl: true, mode: 'id', value: ` ${SEED.projectIds.supportChatbot} ` },
			datasetId: { __rl: true, mode: 'list', value: '' },
		};
		const trigger = new ActiveTrigger({ ...ALL_TASKS, filters });
		expect(await trigger.firedIds()).toEqual([]);
		expect(arize.sandbox.requests[0].query).toEqual({
			space_id: SEED.spaceId,
			project_id: SEED.projectIds.supportChatbot,
			limit: '100',
		});
	});

	it('lists spaces, projects and datasets for its filters', async () => {
		for (const method of ['searchSpaces', 'searchProjects', 'searchDatasets']) {
			const { results } = await runListSearch({
				nodeType: new ArizeTasksTrigger(),
				credentialTypes,
				credentials: arize.credentials,
				method,
			});
			expect(results.length).toBeGreaterThan(0);
		}
		expect(arize.sandbox.requests.map((request) => request.path)).toEqual(['/v2/spaces', '/v2/projects', '/v2/datasets']);
	});

	// The filters were plain ID boxes before; a workflow saved then holds strings, which n8n hands on unchanged.
	it.each([
		[{ datasetId: SEED.datasetId }, { dataset_id: SEED.datasetId }],
		[{ type: 'RUN_EXPERIMENT' }, { type: 'RUN_EXPERIMENT' }],
		[{ name: 'golden' }, { name: 'golden' }],
		[{ projectId: SEED.projectIds.ragSearch }, { project_id: SEED.projectIds.ragSearch }],
	])('filter %j reaches the query as %j and narrows what fires', async (filters, query) => {
		const trigger = new ActiveTrigger({ ...ALL_TASKS, filters });
		expect(await trigger.firedIds()).toEqual([]);
		expect(arize.sandbox.requests[0].query).toEqual({ ...query, limit: '100' });
		const watched = Object.keys(stateOf(trigger.memory).tasks);
		expect(watched.length).toBeGreaterThan(0);
		const inside = store().addRun(watched[0], { status: 'COMPLETED' });
		const outsideTask = [...store().tasks.keys()].find((id) => !watched.includes(id))!;
		store().addRun(outsideTask, { status: 'COMPLETED' });
		expect(await trigger.firedIds()).toEqual([inside.id]);
	});
});

describe('Arize Tasks Trigger: Fetch Test Event (manual mode)', () => {
	const manual = async (parameters: INodeParameters) => await pollTrigger(arize.credentials, parameters, {}, 'manual');

	it.each([
		[['COMPLETED'], SEED.taskIds.productionHallucination, '2026-11-23T18:35:00.000Z'],
		[['FAILED'], SEED.taskIds.chatbotRelevanceSample, '2026-11-19T12:02:00.000Z'],
		[['CANCELLED'], SEED.taskIds.ragRetrievalRelevance, '2026-11-12T15:46:00.000Z'],
		[['FAILED', 'CANCELLED'], SEED.taskIds.chatbotRelevanceSample, '2026-11-19T12:02:00.000Z'],
	])('with %j returns the newest finished run that matches', async (statuses, taskId, finishedAt) => {
		const { items, error, staticData, staticDataAfterPoll } = await manual({ ...ALL_TASKS, statuses });
		expect(error).toBeUndefined();
		// The task list, then the runs of the 5 most recently run tasks.
		expect(requested().map((request) => request.path)).toEqual([
			'/v2/tasks',
			...[...store().tasks.values()]
				.filter((task) => task.last_run_at)
				.sort((a, b) => Date.parse(b.last_run_at!) - Date.parse(a.last_run_at!))
				.slice(0, 5)
				.map((task) => runsPath(task.id)),
		]);
		expect(items).toHaveLength(1);
		const run = items![0].json;
		expect(run).toMatchObject({ task_id: taskId, run_finished_at: finishedAt });
		expect(statuses).toContain(run.status);
		expect(run).toEqual({
			...(await apiRun(run.id as string)),
			task_name: store().tasks.get(taskId)!.name,
			task_type: store().tasks.get(taskId)!.type,
			duration_seconds: (Date.parse(finishedAt) - Date.parse(run.run_started_at as string)) / 1000,
		});
		// A test event does not touch the trigger's state.
		expect(staticData).toEqual({});
		expect(staticDataAfterPoll).toEqual({});
	});

	it('returns a run that just finished, for One Task too', async () => {
		const run = store().addRun(SEED.taskIds.goldenRelevance, { status: 'COMPLETED' });
		const all = await manual(ALL_TASKS);
		expect(all.items?.map((item) => item.json.id)).toEqual([run.id]);
		const one = await manual(oneTask(SEED.taskIds.goldenRelevance));
		expect(one.items?.map((item) => item.json.id)).toEqual([run.id]);
	});

	it('returns the newest match even when the most recently run tasks have none', async () => {
		clearTasks();
		const old = store().addTask({ name: 'Cancelled long ago', type: 'CODE_EVALUATION' });
		const cancelled = store().addRun(old.id, { status: 'CANCELLED', created_at: '2026-01-01T00:00:00.000Z' });
		for (const task of store().addTasks(8)) store().addRun(task.id, { status: 'COMPLETED' });
		const { items, error } = await manual({ ...ALL_TASKS, statuses: ['CANCELLED'] });
		expect(error).toBeUndefined();
		expect(items?.map((item) => item.json.id)).toEqual([cancelled.id]);
	});

	it('says clearly when no watched task has a matching run', async () => {
		clearTasks();
		const task = store().addTask({ name: 'Only failures', type: 'CODE_EVALUATION' });
		store().addRun(task.id, { status: 'FAILED' });
		store().addRun(task.id, { status: 'RUNNING' });
		const { items, error } = await manual({ ...ALL_TASKS, statuses: ['COMPLETED', 'CANCELLED'] });
		expect(items).toBeNull();
		expect(error?.message).toBe('No finished run matches yet');
		expect((error as { description?: string }).description).toBe(
			'None of the watched tasks has a COMPLETED or CANCELLED run. Trigger a run in Arize and try again.',
		);
	});

	it('says clearly when the watched task never ran', async () => {
		const { items, error } = await manual(oneTask(SEED.taskIds.goldenJsonFormat));
		expect(items).toBeNull();
		expect(error?.message).toBe('No finished run matches yet');
	});
});

