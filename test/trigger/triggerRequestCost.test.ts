import type { INodeParameters } from 'n8n-workflow';

import { ALL_TASKS, oneTask, runsPath, stateOf, taskPath, useTriggerSandbox } from './testbed';

// What a poll costs: the exact requests it sends.

// The transport backs off 0.5 s, 1 s and 2 s between its retries of a failed GET. The retries themselves still happen
// over real HTTP (the tests count them); only the waiting is skipped, so fault-heavy tests stay fast.
jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: async () => {} }));

const { arize, store, ActiveTrigger, clearTasks, requested } = useTriggerSandbox();

describe('Arize Tasks Trigger: cost of a poll', () => {
	const TASK_LIST = { method: 'GET', path: '/v2/tasks', query: { limit: '100' } };

	/** 30 tasks that each ran once before activation, and a trigger past its first poll. */
	async function thirtyTasks(parameters: INodeParameters = ALL_TASKS) {
		clearTasks();
		const tasks = store().addTasks(30);
		for (const task of tasks) store().addRun(task.id, { status: 'COMPLETED' });
		const trigger = new ActiveTrigger(
			parameters.watch === 'oneTask' ? oneTask(tasks[17].id) : parameters,
		);
		expect(await trigger.firedIds()).toEqual([]);
		arize.sandbox.clearRequests();
		return { tasks, trigger };
	}

	it('All Tasks, 30 tasks, one new finished run: 2 requests (the task list and that task’s runs)', async () => {
		const { tasks, trigger } = await thirtyTasks();
		const run = store().addRun(tasks[17].id, { status: 'COMPLETED' });
		expect(await trigger.firedIds()).toEqual([run.id]);
		expect(requested()).toEqual([TASK_LIST, { method: 'GET', path: runsPath(tasks[17].id), query: { limit: '100' } }]);
	});

	it('All Tasks, 30 tasks, nothing new: 1 request', async () => {
		const { trigger } = await thirtyTasks();
		for (let i = 0; i < 3; i++) expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST, TASK_LIST, TASK_LIST]);
	});

	it('All Tasks: a run still open costs one read of that run per poll until it finishes', async () => {
		const { tasks, trigger } = await thirtyTasks();
		const open = store().addRun(tasks[3].id, { status: 'RUNNING' });
		expect(await trigger.firedIds()).toEqual([]);
		arize.sandbox.clearRequests();
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST, { method: 'GET', path: `/v2/task-runs/${encodeURIComponent(open.id)}`, query: {} }]);
		store().finishRun(open.id, 'COMPLETED');
		expect(await trigger.firedIds()).toEqual([open.id]);
		arize.sandbox.clearRequests();
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([TASK_LIST]);
	});

	it('All Tasks, 250 tasks, nothing new: one request per page of 100 tasks', async () => {
		clearTasks();
		store().addTasks(250);
		const trigger = new ActiveTrigger(ALL_TASKS);
		expect(await trigger.firedIds()).toEqual([]);
		arize.sandbox.clearRequests();
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested().map((request) => [request.path, request.query.limit, Boolean(request.query.cursor)])).toEqual([
			['/v2/tasks', '100', false],
			['/v2/tasks', '100', true],
			['/v2/tasks', '100', true],
		]);
		expect(Object.keys(stateOf(trigger.memory).tasks)).toHaveLength(250);
		// A task that never ran: its id and four empty fields.
		const idle = Object.entries(stateOf(trigger.memory).tasks)[0];
		expect(JSON.stringify({ [idle[0]]: idle[1] }).length).toBeLessThanOrEqual(90);
	});

	it('One Task, nothing new: 1 request (the task); one new run: 2 requests', async () => {
		const { tasks, trigger } = await thirtyTasks({ watch: 'oneTask' });
		expect(await trigger.firedIds()).toEqual([]);
		expect(requested()).toEqual([{ method: 'GET', path: taskPath(tasks[17].id), query: {} }]);
		arize.sandbox.clearRequests();
		const run = store().addRun(tasks[17].id, { status: 'COMPLETED' });
		store().addRun(tasks[18].id, { status: 'COMPLETED' });
		expect(await trigger.firedIds()).toEqual([run.id]);
		expect(requested()).toEqual([
			{ method: 'GET', path: taskPath(tasks[17].id), query: {} },
			{ method: 'GET', path: runsPath(tasks[17].id), query: { limit: '100' } },
		]);
	});
});
