import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, deepCopy } from 'n8n-workflow';

import { ArizeTasks } from '../../nodes/ArizeTasks/ArizeTasks.node';
import { SEED } from '../../sandbox/seed.ts';
import { API_KEY, credentialTypes, jsonOf, runTasksNode, summary, useArize } from '../arize';
import { runNode } from '../harness';

// Arize Tasks as an AI agent's tool: Simplify (on by default in the tool variant from version 1.1), the Limit range
// a model cannot widen, and failed calls that come back as an item telling the model what to try.

const arize = useArize();
const T = SEED.taskIds;

/**
 * The tool variant as n8n's loader derives it from a `usableAsTool` node (packages/cli/src/tool-generation/ai-tools.ts,
 * convertNodeToAiTool): the name gains "Tool", no main input, an ai_tool output. n8n reads `@tool` parameters from
 * that name.
 */
function arizeTasksTool(): ArizeTasks {
	const node = new ArizeTasks();
	node.description = {
		...deepCopy(node.description),
		name: 'arizeTasksTool',
		displayName: 'Arize Tasks Tool',
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
		usableAsTool: undefined,
	};
	return node;
}

const asTool = (parameters: INodeParameters, typeVersion?: number) =>
	runNode({ nodeType: arizeTasksTool(), credentialTypes, credentials: arize.credentials, parameters, typeVersion });

const asNode = (parameters: INodeParameters, typeVersion?: number) =>
	runNode({ nodeType: new ArizeTasks(), credentialTypes, credentials: arize.credentials, parameters, typeVersion });

const byId = (value: string) => ({ __rl: true, mode: 'id', value });

async function api(path: string): Promise<IDataObject> {
	const response = await fetch(`${arize.sandbox.url}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } });
	arize.sandbox.clearRequests();
	return (await response.json()) as IDataObject;
}

const simplifiedTask = {
	id: T.productionHallucination,
	name: 'Production Hallucination Check',
	type: 'TEMPLATE_EVALUATION',
	project_id: SEED.projectIds.supportChatbot,
	evaluator_names: ['Hallucination Eval'],
	last_run_at: '2026-11-23T18:35:00.000Z',
	created_at: '2026-02-20T10:00:00.000Z',
	updated_at: '2026-02-20T10:00:00.500Z',
};

describe('Simplify', () => {
	const getTask = { resource: 'task', operation: 'get', taskId: byId(T.productionHallucination) };

	it('is on by default in the tool variant: Task → Get returns what a model needs, no mappings or user IDs', async () => {
		const { items, error } = await asTool(getTask);
		expect(error).toBeUndefined();
		expect(jsonOf(items)).toEqual([simplifiedTask]);
	});

	it('is off by default in the node, and in the tool variant of version 1 (saved workflows keep their output)', async () => {
		const full = await api(`/v2/tasks/${encodeURIComponent(T.productionHallucination)}`);
		expect(full.created_by_user_id).toEqual(expect.any(String));
		for (const run of [await asNode(getTask), await asNode(getTask, 1), await asTool(getTask, 1)]) {
			expect(run.error).toBeUndefined();
			expect(jsonOf(run.items)).toEqual([full]);
		}
	});

	it('follows the switch either way', async () => {
		expect(jsonOf((await asNode({ ...getTask, simplify: true })).items)).toEqual([simplifiedTask]);
		expect(jsonOf((await asTool({ ...getTask, simplify: false })).items)).toEqual([
			await api(`/v2/tasks/${encodeURIComponent(T.productionHallucination)}`),
		]);
		expect(jsonOf((await asTool({ ...getTask, simplify: true }, 1)).items)).toEqual([simplifiedTask]);
	});

	it('Task → Get Many: a dataset task names its dataset, an experiment task has no evaluators; 286 characters a task instead of 706', async () => {
		const { items, error } = await asTool({ resource: 'task', operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		const tasks = jsonOf(items);
		expect(tasks[0]).toEqual(simplifiedTask);
		expect(tasks.find((task) => task.id === T.goldenRelevance)).toEqual({
			id: T.goldenRelevance,
			name: expect.any(String),
			type: 'TEMPLATE_EVALUATION',
			dataset_id: expect.any(String),
			evaluator_names: [expect.any(String)],
			last_run_at: expect.any(String),
			created_at: expect.any(String),
			updated_at: expect.any(String),
		});
		expect(tasks.find((task) => task.type === 'RUN_EXPERIMENT')).toMatchObject({ evaluator_names: [] });

		// What a model reads: the items as JSON. Measured over the 12 seed tasks.
		const full = jsonOf((await asNode({ resource: 'task', operation: 'getAll', returnAll: true })).items);
		const perTask = (list: IDataObject[]) => Math.round(JSON.stringify(list).length / list.length);
		expect({ tasks: tasks.length, full: perTask(full), simplified: perTask(tasks) }).toEqual({
			tasks: 12,
			full: 706,
			simplified: 286,
		});
	});

	it('Task Run → Get and Get Many: status, counts, times, and why a run failed', async () => {
		const failed = arize.sandbox.store.runsOf(T.chatbotRelevanceSample).at(-1)!;
		const full = await api(`/v2/task-runs/${encodeURIComponent(failed.id)}`);
		const expected = {
			id: failed.id,
			task_id: T.chatbotRelevanceSample,
			status: 'FAILED',
			num_successes: full.num_successes,
			num_errors: full.num_errors,
			num_skipped: full.num_skipped,
			created_at: full.created_at,
			run_started_at: full.run_started_at,
			run_finished_at: full.run_finished_at,
			experiment_id: null,
			failure_reason: expect.stringContaining('429'),
		};
		const { items } = await asTool({ resource: 'taskRun', operation: 'get', runId: failed.id });
		expect(jsonOf(items)).toEqual([expected]);

		const many = await asTool({
			resource: 'taskRun',
			operation: 'getAll',
			taskId: byId(T.chatbotRelevanceSample),
			returnAll: true,
		});
		expect(jsonOf(many.items)[0]).toEqual(expected);
		expect(jsonOf(many.items).every((run) => !('created_by_user_id' in run))).toBe(true);
	});
});

describe('Limit from an expression or a model', () => {
	it.each([
		[1001, 'Limit must be a whole number from 1 to 1000, got 1001'],
		['100000', 'Limit must be a whole number from 1 to 1000, got 100000'],
		[0, 'Limit must be a whole number from 1 to 1000, got 0'],
		[2.5, 'Limit must be a whole number from 1 to 1000, got 2.5'],
		['many', 'Limit must be a whole number from 1 to 1000, got "many"'],
	])('refuses %p before any request, naming the field and the range', async (limit, message) => {
		const { error } = await runTasksNode(arize.credentials, {
			resource: 'task',
			operation: 'getAll',
			returnAll: false,
			limit: `={{ ${JSON.stringify(limit)} }}`,
		});
		expect(error).toBeInstanceOf(NodeOperationError);
		expect({ message: error?.message, description: error?.description }).toEqual({
			message,
			description: 'For more than 1000 results, turn on Return All',
		});
		expect(arize.sandbox.requests).toEqual([]);
	});

	it('accepts 1000 from an expression and asks for no more', async () => {
		const { error } = await runTasksNode(arize.credentials, {
			resource: 'task',
			operation: 'getAll',
			returnAll: false,
			limit: '={{ 1000 }}',
		});
		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map(summary)).toEqual([
			{ method: 'GET', path: '/v2/tasks', query: expect.objectContaining({ limit: '100' }) },
		]);
	});
});

describe('a failed tool call: the model reads what went wrong and what to try', () => {
	it('an unknown task ID comes back as an item, with Arize\'s message and a hint to list tasks', async () => {
		const { items, error } = await asTool({ resource: 'task', operation: 'get', taskId: byId('VGFzazo5OTk5OTk=') });
		expect(error).toBeUndefined();
		expect(jsonOf(items)).toEqual([
			{
				error: expect.stringMatching(/VGFzazo5OTk5OTk=.* \[HTTP 404\]$/),
				description: expect.any(String),
				httpCode: '404',
				hint: "No Arize task has this ID. List the tasks (filtered by name) to find the task's ID, then call again with that ID.",
			},
		]);
		expect(JSON.stringify(items)).not.toContain(API_KEY);
	});

	it('an unknown run ID points at the runs of its task', async () => {
		const { items } = await asTool({ resource: 'taskRun', operation: 'get', runId: 'VGFza1J1bjo5OTk5OTk=' });
		expect(items[0].json).toMatchObject({
			httpCode: '404',
			hint: "No task run has this ID. List the runs of the run's task to find its ID, then call again with that ID.",
		});
	});

	it('a Limit out of range says to correct the argument, and nothing is sent', async () => {
		const { items } = await asTool({ resource: 'task', operation: 'getAll', returnAll: false, limit: '={{ 5000 }}' });
		expect(jsonOf(items)).toEqual([
			{
				error: 'Limit must be a whole number from 1 to 1000, got 5000',
				description: 'For more than 1000 results, turn on Return All',
				hint: 'The arguments are not valid: correct them as the error says and call again.',
			},
		]);
		expect(arize.sandbox.requests).toEqual([]);
	});

	it('the node outside an agent still fails the execution on an unknown task', async () => {
		const { error, items } = await asNode({ resource: 'task', operation: 'get', taskId: byId('VGFzazo5OTk5OTk=') });
		expect(error?.message).toMatch(/\[HTTP 404\]$/);
		expect(items).toEqual([]);
	});
});
