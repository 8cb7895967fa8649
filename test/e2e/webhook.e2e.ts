import { SEED } from '../../sandbox/seed.ts';
import { WEBHOOK_SEED } from '../../sandbox/webhooks/seed.ts';
import {
	activate,
	deactivate,
	deliveryAttempts,
	labelPromptVersion,
	promptLabeledTrigger,
	PROMPT,
	subscriptionsOf,
	subscriptionsOfPrompt,
	webhooksOfOrg,
} from './lib/arizeWebhooks';
import { sleep, SANDBOX_CREDENTIAL_ID, waitFor } from './lib/env';
import { describeFailure, outputItems } from './lib/n8nCli';
import { finishTaskRun } from './lib/sandbox';
import { N8nRest } from './lib/n8nRest';

// Phase "server" of ./scripts/e2e: the Arize Trigger in n8n 2.41.1 (`n8n start`) against the sandbox, driven through
// n8n's REST API as the owner. Activating registers the webhook and its subscription in the sandbox; labeling a
// prompt version there starts exactly one execution whose output is the payload the sandbox delivered; a forged
// delivery starts none; deactivating removes the webhook.

const TRIGGER = 'When a Prompt Version Is Labeled';
const WEBHOOK_ID = '9b2f6a1e-7c3d-4e5f-8a9b-0c1d2e3f4a5b';

let rest: N8nRest;
beforeAll(async () => {
	rest = await N8nRest.login();
});

const triggerNode = promptLabeledTrigger(TRIGGER, WEBHOOK_ID, SANDBOX_CREDENTIAL_ID);

/** The newest execution of the workflow, once it has finished. */
async function finishedExecution(workflowId: string, timeoutMs: number) {
	return await waitFor(
		`an execution of ${workflowId} to finish`,
		async () => {
			const [latest] = await rest.executions(workflowId);
			if (!latest || ['new', 'running', 'waiting'].includes(latest.status)) return undefined;
			return await rest.execution(latest.id);
		},
		timeoutMs,
		1000,
	);
}

describe('Arize Trigger in n8n (n8n start)', () => {
	it('is registered as a webhook trigger', async () => {
		const types = await rest.get<Array<{ name: string; group: string[]; webhooks?: unknown[] }>>('/types/nodes.json');
		expect(types.find((type) => type.name === 'n8n-nodes-arize.arizeTrigger')).toMatchObject({
			group: ['trigger'],
			webhooks: [expect.objectContaining({ name: 'default', httpMethod: 'POST', responseMode: 'onReceived' })],
		});
	});

	it('activation registers, a label fires one execution with the delivered payload, a forgery fires none, deactivation removes', async () => {
		const { data: created } = await rest.post<{ data: { id: string; versionId: string } }>('/rest/workflows', {
			name: 'e2e: Arize Trigger',
			active: false,
			nodes: [triggerNode],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		const url = `${rest.baseUrl}/webhook/${WEBHOOK_ID}/webhook`;
		try {
			const before = await webhooksOfOrg();
			const webhook = await activate(rest, created.id, created.versionId, url, subscriptionsOfPrompt);

			// One BEARER webhook at the node's production URL, one subscription on the prompt.
			const added = (await webhooksOfOrg()).filter((candidate) => !before.some((old) => old.id === candidate.id));
			expect(added).toEqual([
				expect.objectContaining({ name: `n8n workflow ${created.id} node e2e-arize-trigger`, url, auth_type: 'BEARER' }),
			]);
			expect((await subscriptionsOfPrompt()).filter((subscription) => subscription.webhook_id === webhook.id)).toEqual([
				expect.objectContaining({ source_type: 'PROMPT', source_id: PROMPT, event: 'PROMPT_VERSION_LABELED' }),
			]);

			// Label the newest version `production` (it moves there from the version that had it).
			const [, , newest] = WEBHOOK_SEED.promptVersionIds.supportAnswer;
			await labelPromptVersion(newest, ['staging', 'production']);

			const [fired] = await waitFor(
				'the trigger to fire',
				async () => {
					const executions = await rest.executions(created.id);
					return executions.length ? executions : undefined;
				},
				30_000,
				500,
			);
			expect(fired.mode).toBe('webhook');
			const execution = await waitFor(
				'the execution to end',
				async () => {
					const run = await rest.execution(fired.id);
					return ['new', 'running', 'waiting'].includes(run.status) ? undefined : run;
				},
				30_000,
			);
			if (execution.status !== 'success') throw new Error(describeFailure(execution));
			const attempts = await deliveryAttempts(webhook.id);
			expect(attempts.map(({ attempt_number, status_code }) => [attempt_number, status_code])).toEqual([[1, 200]]);
			const items = outputItems(execution, TRIGGER) ?? [];
			expect(items).toHaveLength(1);
			const { receivedAt, ...payload } = items[0];
			expect(payload).toEqual(attempts[0].payload);
			expect(payload.event).toBe('prompt.version.labeled');
			expect(Number.isNaN(Date.parse(String(receivedAt)))).toBe(false);

			// A forged delivery (no token, or a wrong one): 401, and no execution.
			for (const authorization of [undefined, 'Bearer forged-token']) {
				const forged = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
					body: JSON.stringify(attempts[0].payload),
				});
				expect(forged.status).toBe(401);
			}
			await sleep(2000);
			expect((await rest.executions(created.id)).map((run) => run.id)).toEqual([fired.id]);

			await deactivate(rest, created.id, webhook.id);
			expect((await subscriptionsOfPrompt()).some((subscription) => subscription.webhook_id === webhook.id)).toBe(false);
		} finally {
			await rest.post(`/rest/workflows/${created.id}/deactivate`, {}).catch(() => undefined);
		}
	});

	it('"Listen for test event" (the editor\'s run of the trigger): Arize\'s test delivery arrives as the sample, then n8n removes the test webhook', async () => {
		const { data: created } = await rest.post<{ data: { id: string } }>('/rest/workflows', {
			name: 'e2e: Arize Trigger, test event',
			active: false,
			nodes: [promptLabeledTrigger(TRIGGER, 'c4d5e6f7-0a1b-4c2d-8e3f-4a5b6c7d8e9f', SANDBOX_CREDENTIAL_ID)],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		const testUrl = `${rest.baseUrl}/webhook-test/c4d5e6f7-0a1b-4c2d-8e3f-4a5b6c7d8e9f/webhook`;
		// n8n 1.x's editor sends the workflow along; 2.x reads it from the database.
		const { data: settings } = await rest.get<{ data: { versionCli: string } }>('/rest/settings');
		const { data: workflowData } = await rest.get<{ data: Record<string, unknown> }>(`/rest/workflows/${created.id}`);
		const { data } = await rest.post<{ data: { waitingForWebhook?: boolean } }>(`/rest/workflows/${created.id}/run`, {
			...(settings.versionCli.startsWith('1.') && { workflowData }),
			triggerToStartFrom: { name: TRIGGER },
		});
		expect(data.waitingForWebhook).toBe(true);

		const [summary] = await waitFor(
			'the sample to arrive',
			async () => {
				const executions = await rest.executions(created.id);
				return executions.length && !['new', 'running', 'waiting'].includes(executions[0].status) ? executions : undefined;
			},
			30_000,
			500,
		);
		expect(summary.mode).toBe('manual');
		const execution = await rest.execution(summary.id);
		if (execution.status !== 'success') throw new Error(describeFailure(execution));
		const [item] = outputItems(execution, TRIGGER) ?? [];
		// The sandbox's test delivery names its own event (Arize documents none for it).
		expect(item).toMatchObject({ event: expect.any(String), receivedAt: expect.any(String) });
		expect(['prompt.version.labeled']).not.toContain(item.event);
		await waitFor(
			'the test webhook to be deleted',
			async () => ((await webhooksOfOrg()).some((webhook) => webhook.url === testUrl) ? undefined : true),
			30_000,
			250,
		);
	});

	it('07: labeling a prompt version runs the regression experiment through to its verdict', async () => {
		const id = 'arizeExample0007';
		const { data: workflow } = await rest.get<{ data: { versionId: string } }>(`/rest/workflows/${id}`);
		let webhookId = '';
		try {
			const url = `${rest.baseUrl}/webhook/3e7b1c52-9a4d-4f8e-b6c1-2d5f8a9e0b71/webhook`;
			webhookId = (await activate(rest, id, workflow.versionId, url, subscriptionsOfPrompt)).id;
			const [oldest] = WEBHOOK_SEED.promptVersionIds.supportAnswer;
			await labelPromptVersion(oldest, ['candidate']);

			const execution = await finishedExecution(id, 90_000);
			if (execution.status !== 'success') throw new Error(describeFailure(execution));
			expect(outputItems(execution, 'When a Prompt Version Is Labeled')).toEqual([
				expect.objectContaining({ event: 'prompt.version.labeled', receivedAt: expect.any(String) }),
			]);
			expect(outputItems(execution, 'Run Experiment')).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
			const [summary] = outputItems(execution, 'Get Results') ?? [];
			// As example 06 (the same task): the sandbox fails about one example run in ten, under the IF's 20 %.
			expect(outputItems(execution, 'Ship It')).toEqual([
				{
					verdict: 'ship it',
					results: summary.results,
					error_rate: summary.error_rate,
					text: `The regression experiment passed: ${summary.results} runs, error rate ${((summary.error_rate as number) * 100).toFixed(1)} %. Ship the labeled prompt version.`,
				},
			]);
			expect((await rest.executions(id)).length).toBe(1);
		} finally {
			await deactivate(rest, id, webhookId);
		}
	});

	it('08: activating the failing-task alert subscribes its webhook to the space; a failing online task alerts once; deactivating removes it', async () => {
		const id = 'arizeExample0008';
		const { data: workflow } = await rest.get<{ data: { versionId: string } }>(`/rest/workflows/${id}`);
		const spaceSubscriptions = subscriptionsOf('SPACE', SEED.spaceId);
		try {
			const url = `${rest.baseUrl}/webhook/5c1d9e2f-3a4b-4c6d-8e7f-9a0b1c2d3e4f/webhook`;
			const webhook = await activate(rest, id, workflow.versionId, url, spaceSubscriptions);
			expect((await spaceSubscriptions()).filter((subscription) => subscription.webhook_id === webhook.id)).toEqual([
				expect.objectContaining({ event: 'ONLINE_TASK_RUN_FAILED', source_type: 'SPACE', source_id: SEED.spaceId }),
			]);

			// A run of a continuous evaluation task of the space fails (a cause not seen before, so Arize sends the event).
			const reason = `Evaluator timed out (${Date.now()})`;
			const run = await finishTaskRun(SEED.taskIds.productionHallucination, reason);
			expect(run.status).toBe('FAILED');
			const execution = await finishedExecution(id, 60_000);
			if (execution.status !== 'success') throw new Error(describeFailure(execution));
			expect(outputItems(execution, 'When an Online Task Run Fails')).toEqual([
				expect.objectContaining({ event: 'online_task.run.failed', receivedAt: expect.any(String) }),
			]);
			const [alert] = outputItems(execution, 'Compose Alert') as Array<{ text: string }>;
			expect(alert.text).toMatch(/^An online evaluation task in Arize started failing \(received .+\): \{.*"event":"online_task\.run\.failed"/);
			expect(alert.text).toContain(reason);
			await sleep(2000);
			expect((await rest.executions(id)).length).toBe(1);
			await deactivate(rest, id, webhook.id);
		} finally {
			await rest.post(`/rest/workflows/${id}/deactivate`, {}).catch(() => undefined);
		}
	});
});
