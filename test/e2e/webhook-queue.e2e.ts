import { WEBHOOK_SEED } from '../../sandbox/webhooks/seed.ts';
import {
	activate,
	deactivate,
	deliveryAttempts,
	labelPromptVersion,
	promptLabeledTrigger,
	subscriptionsOfPrompt,
	webhooksOfOrg,
} from './lib/arizeWebhooks';
import { env, waitFor } from './lib/env';
import type { Execution } from './lib/n8nCli';
import { describeFailure, outputItems } from './lib/n8nCli';
import { N8nRest } from './lib/n8nRest';
import { createSandboxCredential, N8nProcess, setUpOwner } from './lib/stack';

// Phase "queue" of ./scripts/e2e, after queue.e2e.ts: the Arize Trigger in n8n 2.41.1 queue mode (Redis, PostgreSQL,
// a main that receives the webhooks and a worker that runs the executions), and a restart of the main: the
// registration stays one webhook, and each event starts one execution.

const TRIGGER = 'When a Prompt Version Is Labeled';
const WEBHOOK_ID = '0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a';
const main = new N8nProcess('main');
const worker = new N8nProcess('worker', 1);
let rest: N8nRest;

beforeAll(async () => {
	await main.start();
	await worker.start();
	await setUpOwner();
	rest = await N8nRest.login();
});

afterAll(async () => {
	await Promise.all([main, worker].map((process) => process.stop()));
});

async function executionsOf(workflowId: string, count: number): Promise<Execution[]> {
	const summaries = await waitFor(
		`${count} execution(s) to end`,
		async () => {
			const found = await rest.executions(workflowId);
			return found.length >= count && found.every((run) => !['new', 'running', 'waiting', 'unknown'].includes(run.status))
				? found
				: undefined;
		},
		60_000,
		1000,
	);
	return await Promise.all(summaries.map(async (summary) => await rest.execution(summary.id)));
}

describe('Arize Trigger in queue mode (a main and a worker)', () => {
	it('activation registers once; a label runs on the worker; after a restart of the main still one webhook and one execution per event', async () => {
		const credentialId = await createSandboxCredential(rest);
		const { data: created } = await rest.post<{ data: { id: string; versionId: string } }>('/rest/workflows', {
			name: 'queue: Arize Trigger',
			active: false,
			nodes: [promptLabeledTrigger(TRIGGER, WEBHOOK_ID, credentialId)],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		const url = `${env.n8nUrl}/webhook/${WEBHOOK_ID}/webhook`;
		const webhook = await activate(rest, created.id, created.versionId, url, subscriptionsOfPrompt);
		const [first, second, third] = WEBHOOK_SEED.promptVersionIds.supportAnswer;
		try {
			await labelPromptVersion(first, ['queue-1']);
			const [execution] = await executionsOf(created.id, 1);
			if (execution.status !== 'success') throw new Error(describeFailure(execution));
			const id = (await rest.executions(created.id))[0].id;
			expect(worker.text()).toContain(`Worker started execution ${id} `);
			expect(main.text()).not.toContain(`Worker started execution ${id} `);
			const [attempt] = await deliveryAttempts(webhook.id);
			const [item] = outputItems(execution, TRIGGER) ?? [];
			const { receivedAt, ...payload } = item;
			expect(payload).toEqual(attempt.payload);
			expect(typeof receivedAt).toBe('string');

			await main.stop();
			await main.start();
			rest = await N8nRest.login();
			// n8n checks the registration when it starts again (checkExists): the same webhook, no second one.
			expect((await webhooksOfOrg()).filter((candidate) => candidate.url === url).map((candidate) => candidate.id)).toEqual([
				webhook.id,
			]);

			await labelPromptVersion(second, ['queue-2']);
			await labelPromptVersion(third, ['staging', 'queue-3']);
			const executions = await executionsOf(created.id, 3);
			expect(executions.map((run) => run.status)).toEqual(['success', 'success', 'success']);
			expect((await rest.executions(created.id)).length).toBe(3);
			expect((await deliveryAttempts(webhook.id)).map(({ attempt_number, status_code }) => [attempt_number, status_code])).toEqual([
				[1, 200],
				[1, 200],
				[1, 200],
			]);
		} finally {
			await deactivate(rest, created.id, webhook.id);
		}
	});
});
