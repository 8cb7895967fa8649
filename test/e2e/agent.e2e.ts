import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { SEED } from '../../sandbox/index.ts';
import { ROOT, env } from './lib/env';
import { describeFailure, executeWorkflow, outputItems, runN8n, tail } from './lib/n8nCli';
import { recordedRequests } from './lib/sandbox';
import type { ChatMessage, ReceivedRequest, ScriptedModel } from './lib/scriptedModel';
import { MODEL_NAME, startScriptedModel } from './lib/scriptedModel';

// Phase "cli" of ./scripts/e2e: example 05 (an AI Agent with the Arize Tasks tools) run by `n8n execute` with a
// scripted OpenAI-compatible model (lib/scriptedModel.ts) instead of OpenAI. The copy of the example is started by
// a Manual Trigger and a Set node that says what the chat trigger would (`chatInput`); the agent, its model and the
// tools are the example's own nodes, with an OpenAI credential whose base URL is the scripted model.

const EXAMPLE = path.join(ROOT, 'examples', '05-ai-agent-with-arize-tool.json');
const WORKFLOW_ID = 'arizeAgentE2e001';
const MODEL_KEY = 'sk-scripted-model-key-d0-not-leak';
const UNKNOWN_TASK_ID = 'VGFzazo5OTk5OTk=';

interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
}

/** Example 05 with its chat trigger replaced by a Manual Trigger and a Set node giving the agent its `chatInput`. */
function agentWorkflowCopy(question: string) {
	const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as {
		nodes: WorkflowNode[];
		connections: Record<string, unknown>;
		[key: string]: unknown;
	};
	const chatTrigger = example.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger')!;
	const nodes = example.nodes.filter((node) => node !== chatTrigger);
	for (const node of nodes) {
		if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi') {
			node.credentials = { openAiApi: { id: 'scriptedModelCred', name: 'Scripted model' } };
		}
	}
	nodes.push(
		{ id: 'm1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-400, 0], parameters: {} },
		{
			id: 'm2',
			name: 'Chat message',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [-200, 0],
			parameters: {
				assignments: { assignments: [{ id: 'q', name: 'chatInput', value: question, type: 'string' }] },
				options: {},
			},
		},
	);
	const connections = { ...example.connections };
	delete connections[chatTrigger.name];
	Object.assign(connections, {
		Start: { main: [[{ node: 'Chat message', type: 'main', index: 0 }]] },
		'Chat message': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
	});
	return { ...example, id: WORKFLOW_ID, name: 'Arize: AI agent (scripted model, e2e)', nodes, connections };
}

async function importInto(command: 'import:credentials' | 'import:workflow', file: string, data: unknown) {
	writeFileSync(file, JSON.stringify(data));
	const run = await runN8n([command, `--input=${file}`]);
	if (run.code !== 0) throw new Error(`n8n ${command} failed:\n${tail(run.stdout + run.stderr)}`);
}

const exampleTool = (name: string) =>
	(JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { nodes: WorkflowNode[] }).nodes.find((node) => node.name === name)!;

const chatCalls = (requests: ReceivedRequest[]) => requests.filter((request) => request.path === '/v1/chat/completions');
const toolResult = (request: ReceivedRequest): ChatMessage | undefined =>
	request.body?.messages.find((message) => message.role === 'tool');

describe('example 05: the AI Agent calls the Arize Tasks tools (scripted model, n8n execute)', () => {
	let model: ScriptedModel;

	beforeAll(async () => {
		model = await startScriptedModel(path.join(env.runDir, 'scripted-model.log'));
		const credential = { id: 'scriptedModelCred', name: 'Scripted model', type: 'openAiApi', data: { apiKey: MODEL_KEY, url: `${model.url}/v1` } };
		await importInto('import:credentials', path.join(env.runDir, 'model-credential.json'), [credential]);
		await importInto('import:workflow', path.join(env.runDir, 'agent-workflow.json'), agentWorkflowCopy('Which hallucination checks do we have?'));
	});
	afterAll(async () => await model?.close());
	beforeEach(() => {
		model.requests.length = 0;
	});

	it('the model gets both tools with their descriptions, calls Find Arize Tasks, reads the simplified tasks and answers', async () => {
		model.script = {
			tool: 'Find_Arize_Tasks',
			arguments: { name_contains: 'Hallucination', limit: 5 },
			answer: (result) => {
				const tasks = JSON.parse(result) as Array<{ name: string }>;
				return `Found ${tasks.length} tasks: ${tasks.map((task) => task.name).join('; ')}`;
			},
		};
		const sandboxBefore = (await recordedRequests()).length;
		const execution = await executeWorkflow(WORKFLOW_ID);
		expect(describeFailure(execution)).toMatch(/^status success/);

		// Two calls to the model, not streamed: the tool call, then the answer from its result.
		const calls = chatCalls(model.requests);
		expect(calls.map((call) => [call.body?.model, call.body?.stream, call.authorization])).toEqual([
			[MODEL_NAME, false, `Bearer ${MODEL_KEY}`],
			[MODEL_NAME, false, `Bearer ${MODEL_KEY}`],
		]);

		// The tools as the model sees them: names from the node names, the example's descriptions, and a schema from
		// the $fromAI calls (a $fromAI with a default is optional).
		const tools = Object.fromEntries(calls[0].body!.tools!.map(({ function: tool }) => [tool.name, tool]));
		expect(Object.keys(tools).sort()).toEqual(['Find_Arize_Tasks', 'Get_Arize_Task']);
		expect(tools.Find_Arize_Tasks.description).toBe(exampleTool('Find Arize Tasks').parameters.toolDescription);
		expect(tools.Get_Arize_Task.description).toBe(exampleTool('Get Arize Task').parameters.toolDescription);
		expect(tools.Find_Arize_Tasks.parameters).toMatchObject({
			type: 'object',
			properties: {
				limit: { type: 'number', description: 'How many tasks to return, from 1 to 1000' },
				name_contains: { type: 'string', description: 'Text the task name contains; leave out to list all tasks' },
			},
		});
		expect(tools.Find_Arize_Tasks.parameters.required ?? []).toEqual([]);
		expect(tools.Get_Arize_Task.parameters.required).toEqual(['task_id']);

		// What the sandbox saw: one list call with the model's arguments.
		const sandboxSaw = (await recordedRequests()).slice(sandboxBefore);
		expect(sandboxSaw).toEqual([
			{ method: 'GET', path: '/v2/tasks', query: { name: 'Hallucination', limit: '5' }, status: 200 },
		]);

		// What the model read: the simplified tasks, compact, without any key.
		const result = toolResult(calls[1])!;
		expect(result.tool_call_id).toBe('call_scripted_1');
		const tasks = JSON.parse(String(result.content)) as Array<Record<string, unknown>>;
		expect(tasks.length).toBeGreaterThan(0);
		expect(tasks[0]).toEqual({
			id: SEED.taskIds.productionHallucination,
			name: 'Production Hallucination Check',
			type: 'TEMPLATE_EVALUATION',
			project_id: SEED.projectIds.supportChatbot,
			evaluator_names: ['Hallucination Eval'],
			last_run_at: expect.any(String),
			created_at: expect.any(String),
			updated_at: expect.any(String),
		});
		expect(tasks.every((task) => String(task.name).includes('Hallucination'))).toBe(true);
		expect(String(result.content).length).toBeLessThan(300 * tasks.length);
		const everythingTheModelRead = JSON.stringify(calls.map((call) => call.body));
		expect(everythingTheModelRead).not.toContain(env.sandboxApiKey);
		expect(everythingTheModelRead).not.toContain(MODEL_KEY);

		// The agent's answer is the model's final message.
		expect(outputItems(execution, 'AI Agent')).toEqual([
			{ output: `Found ${tasks.length} tasks: ${tasks.map((task) => task.name).join('; ')}` },
		]);
	});

	it('a call that leaves out both optional arguments lists the tasks up to the default limit of 20', async () => {
		model.script = { tool: 'Find_Arize_Tasks', arguments: {}, answer: (result) => `${(JSON.parse(result) as unknown[]).length} tasks` };
		const sandboxBefore = (await recordedRequests()).length;
		const execution = await executeWorkflow(WORKFLOW_ID);
		expect(describeFailure(execution)).toMatch(/^status success/);
		expect((await recordedRequests()).slice(sandboxBefore)).toEqual([
			{ method: 'GET', path: '/v2/tasks', query: { limit: '20' }, status: 200 },
		]);
		const listed = JSON.parse(String(toolResult(chatCalls(model.requests)[1])!.content)) as unknown[];
		expect(listed.length).toBeGreaterThanOrEqual(12);
		expect(outputItems(execution, 'AI Agent')).toEqual([{ output: `${listed.length} tasks` }]);
	});

	it('a call with an unknown task ID: the model reads the 404 and the hint to list tasks, and the run goes on', async () => {
		model.script = {
			tool: 'Get_Arize_Task',
			arguments: { task_id: UNKNOWN_TASK_ID },
			answer: (result) => `The tool said: ${result}`,
		};
		const sandboxBefore = (await recordedRequests()).length;
		const execution = await executeWorkflow(WORKFLOW_ID);
		expect(describeFailure(execution)).toMatch(/^status success/);

		expect((await recordedRequests()).slice(sandboxBefore)).toEqual([
			{ method: 'GET', path: `/v2/tasks/${encodeURIComponent(UNKNOWN_TASK_ID)}`, query: {}, status: 404 },
		]);
		const calls = chatCalls(model.requests);
		expect(calls).toHaveLength(2);
		const result = JSON.parse(String(toolResult(calls[1])!.content)) as Array<Record<string, unknown>>;
		expect(result).toEqual([
			{
				error: expect.stringMatching(new RegExp(`${UNKNOWN_TASK_ID}.*\\[HTTP 404\\]$`)),
				description: expect.any(String),
				httpCode: '404',
				hint: "No Arize task has this ID. List the tasks (filtered by name) to find the task's ID, then call again with that ID.",
			},
		]);
		expect(JSON.stringify(calls.map((call) => call.body))).not.toContain(env.sandboxApiKey);
		expect(outputItems(execution, 'AI Agent')![0].output).toContain('List the tasks (filtered by name)');
	});
});
