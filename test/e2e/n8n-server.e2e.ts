import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INode, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { SEED } from '../../sandbox/index.ts';
import { ROOT, sleep, waitFor } from './lib/env';
import type { Execution } from './lib/n8nCli';
import { describeFailure, outputItems } from './lib/n8nCli';
import { N8nRest } from './lib/n8nRest';
import { allTasks, arize, recordedRequests, runsOf } from './lib/sandbox';
import type { TaskRun } from './lib/sandbox';

// Phase "server" of ./scripts/e2e: n8n 2.41.1 started (`n8n start`) with the package, the sandbox credential and the
// examples, driven through its REST API as the owner: what n8n registers, the agent example, the trigger example run
// by hand, and an active trigger workflow that must fire exactly once for a run that finishes in the sandbox.

let rest: N8nRest;
let nodeTypes: INodeTypeDescription[];

beforeAll(async () => {
	rest = await N8nRest.login();
	nodeTypes = await rest.get<INodeTypeDescription[]>('/types/nodes.json');
});

function nodeType(name: string, version?: number): INodeTypeDescription | undefined {
	return nodeTypes.find(
		(type) => type.name === name && (version === undefined || ([] as number[]).concat(type.version).includes(version)),
	);
}

interface StoredWorkflow {
	id: string;
	name: string;
	versionId: string;
	active: boolean;
	nodes: INode[];
	connections: Record<string, Record<string, Array<Array<{ node: string; type: string; index: number }>>>>;
}

const TRIGGER = 'When a Task Run Finishes';
const FINISHED = ['COMPLETED', 'FAILED'];

function triggerItems(execution: Execution): Array<Record<string, unknown>> {
	if (execution.status !== 'success') throw new Error(`The run did not succeed: ${describeFailure(execution)}`);
	return outputItems(execution, TRIGGER) ?? [];
}

async function waitForExecutionEnd(id: string): Promise<Execution> {
	return await waitFor(
		`execution ${id} to finish`,
		async () => {
			const execution = await rest.execution(id);
			return ['new', 'running', 'waiting'].includes(execution.status) ? undefined : execution;
		},
		60_000,
	);
}

describe('n8n with the package (n8n start)', () => {
	it('registers Arize Tasks, Arize Tasks Trigger, the Arize API credential, and the tool variant Arize Tasks Tool', async () => {
		expect(nodeType('n8n-nodes-arize.arizeTasks', 1)).toMatchObject({ displayName: 'Arize Tasks', usableAsTool: true });
		expect(nodeType('n8n-nodes-arize.arizeTasksTrigger', 1)).toMatchObject({
			displayName: 'Arize Tasks Trigger',
			polling: true,
			group: ['trigger'],
		});
		// n8n derives the tool from a node that is usableAsTool: same parameters, an ai_tool output for agents.
		const tool = nodeType('n8n-nodes-arize.arizeTasksTool', 1);
		expect(tool).toMatchObject({ displayName: 'Arize Tasks Tool', outputs: ['ai_tool'] });
		expect(tool!.properties.map((property) => property.name)).toEqual(
			expect.arrayContaining(['resource', 'operation', 'taskId', 'filters']),
		);

		const credentials = await rest.get<Array<{ name: string; displayName: string }>>('/types/credentials.json');
		expect(credentials).toContainEqual(expect.objectContaining({ name: 'arizeApi', displayName: 'Arize API' }));
	});

	it('05: the AI agent example is stored, wired agent ← model + Arize tool, and every node validates against its registered type', async () => {
		const { data: workflow } = await rest.get<{ data: StoredWorkflow }>('/rest/workflows/arizeExample0005');
		expect(workflow.name).toBe('Arize: AI agent that answers questions about evaluation tasks');

		const names = workflow.nodes.map((node) => node.name);
		const problems: string[] = [];
		for (const node of workflow.nodes) {
			const type = nodeType(node.type, node.typeVersion);
			if (!type) {
				problems.push(`${node.name}: ${node.type} v${node.typeVersion} is not registered`);
				continue;
			}
			const issues = NodeHelpers.getNodeParametersIssues(type.properties, node, type);
			if (issues) problems.push(`${node.name}: ${JSON.stringify(issues.parameters)}`);
		}
		for (const [source, outputs] of Object.entries(workflow.connections)) {
			if (!names.includes(source)) problems.push(`connection from unknown node ${source}`);
			for (const connection of Object.values(outputs).flat(2)) {
				if (!names.includes(connection.node)) problems.push(`connection to unknown node ${connection.node}`);
			}
		}
		expect(problems).toEqual([]);

		const tool = workflow.nodes.find((node) => node.type === 'n8n-nodes-arize.arizeTasksTool')!;
		expect(tool.credentials?.arizeApi?.id).toBe('arizeSandboxCred');
		expect(workflow.connections[tool.name].ai_tool).toEqual([[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]]);
		expect(workflow.connections['OpenAI Chat Model'].ai_languageModel).toEqual([
			[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }],
		]);
	});

	it('04 run by hand (the editor\'s "Execute workflow"): the trigger returns the newest finished run and the message is composed', async () => {
		// The newest COMPLETED or FAILED run of any task, straight from the sandbox.
		let newest: { run: TaskRun; taskName: string } | undefined;
		for (const task of await allTasks()) {
			for (const run of await runsOf(task.id)) {
				if (!FINISHED.includes(run.status)) continue;
				if (!newest || Date.parse(run.run_finished_at!) > Date.parse(newest.run.run_finished_at!)) {
					newest = { run, taskName: task.name };
				}
			}
		}

		const { data } = await rest.post<{ data: { executionId: string } }>('/rest/workflows/arizeExample0004/run', {
			triggerToStartFrom: { name: TRIGGER },
		});
		const execution = await waitForExecutionEnd(data.executionId);
		expect(execution.mode).toBe('manual');
		const items = triggerItems(execution);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ id: newest!.run.id, status: newest!.run.status, task_name: newest!.taskName });

		const [message] = outputItems(execution, 'Compose Message')!;
		expect(message.channel).toBe('#llm-evals');
		expect(message.text).toContain(`*${newest!.taskName}* finished ${newest!.run.status}`);
		expect(outputItems(execution, 'Send to Slack (replace me)')).toHaveLength(1);
	});

	it('an active workflow with the trigger fires exactly once when a run finishes in the sandbox, and not again on later polls', async () => {
		// Example 04 with a faster schedule. n8n 2.41 refuses a poll time under a minute ("The polling interval is too
		// short"), e.g. `*/5 * * * * *`; six poll times, each once a minute at its own second, poll every 10 s.
		const example = JSON.parse(readFileSync(path.join(ROOT, 'examples', '04-notify-when-a-run-finishes.json'), 'utf8'));
		const trigger = example.nodes.find((node: INode) => node.name === TRIGGER);
		trigger.parameters.pollTimes = {
			item: [5, 15, 25, 35, 45, 55].map((second) => ({ mode: 'custom', cronExpression: `${second} * * * * *` })),
		};
		const { data: created } = await rest.post<{ data: StoredWorkflow }>('/rest/workflows', {
			name: 'e2e: the trigger fires once',
			// n8n 1.x stores `active` as given and refuses a workflow without it; 2.x activates through /activate only.
			active: false,
			nodes: example.nodes,
			connections: example.connections,
			settings: example.settings,
		});
		const polls = async () =>
			(await recordedRequests()).filter((request) => request.method === 'GET' && request.path === '/v2/tasks').length;

		try {
			// Activation polls once and records the present: nothing fires for the runs that finished before.
			const { data: active } = await rest.post<{ data: StoredWorkflow }>(`/rest/workflows/${created.id}/activate`, {
				versionId: created.versionId,
			});
			expect(active.active).toBe(true);
			expect(await rest.executions(created.id)).toEqual([]);

			const run = await arize<TaskRun>(
				'POST',
				`/v2/tasks/${encodeURIComponent(SEED.taskIds.productionHallucination)}/trigger`,
				{
					data_start_time: new Date(Date.now() - 86_400_000).toISOString(),
					data_end_time: new Date().toISOString(),
				},
			);
			expect(run.status).toBe('PENDING');

			const [fired] = await waitFor(
				'the trigger to fire',
				async () => {
					const executions = await rest.executions(created.id);
					return executions.length ? executions : undefined;
				},
				90_000,
				1000,
			);
			expect(fired.mode).toBe('trigger');
			const execution = await waitForExecutionEnd(fired.id);
			const items = triggerItems(execution);
			expect(items).toEqual([
				expect.objectContaining({
					id: run.id,
					task_id: SEED.taskIds.productionHallucination,
					status: 'COMPLETED',
					task_name: 'Production Hallucination Check',
				}),
			]);
			expect(outputItems(execution, 'Compose Message')![0].text).toContain(
				'*Production Hallucination Check* finished COMPLETED',
			);

			// Two more polls (counted at the sandbox: each poll lists the tasks once) must not fire again.
			const pollsAtFire = await polls();
			await waitFor('two more polls', async () => ((await polls()) >= pollsAtFire + 2 ? true : undefined), 60_000);
			await sleep(2000);
			const executions = await rest.executions(created.id);
			expect(executions.map((e) => e.id)).toEqual([fired.id]);
		} finally {
			await rest.post(`/rest/workflows/${created.id}/deactivate`, {}).catch(() => undefined);
		}
	});
});
