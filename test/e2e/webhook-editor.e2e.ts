import type { BrowserContext, Page } from 'playwright-core';

import { SEED } from '../../sandbox/seed.ts';
import { ORG, PROMPT, promptLabeledTrigger, webhooksOfOrg } from './lib/arizeWebhooks';
import type { Step } from './lib/editor';
import { EDITOR_TIMEOUT, openDropdowns, openEditor, pickOption } from './lib/editor';
import { env, SANDBOX_CREDENTIAL_ID, waitFor } from './lib/env';
import { N8nRest } from './lib/n8nRest';
import { setTestOutage } from './lib/sandbox';

// Phase "editor" of ./scripts/e2e, after editor.e2e.ts: the Arize Trigger in the n8n editor (headless Chromium):
// its event list, its locators filled from the sandbox (each one's list, and one given By ID), and "Listen for test
// event", where the sandbox's test delivery arrives as the sample, and when Arize cannot deliver one the editor says
// why. Screenshots go to .tools/screenshots/webhook-editor-*.png.

const TIMEOUT = EDITOR_TIMEOUT;
const TRIGGER = 'When a Prompt Version Is Labeled';
const WEBHOOK_ID = 'e8f7a6b5-c4d3-4e2f-9a1b-0c9d8e7f6a5b';
/** A second trigger, on the events whose sources are a task or a space, and an evaluator. */
const LISTS_TRIGGER = 'When an Evaluation Fails or an Evaluator Changes';
const LISTS_WEBHOOK_ID = 'c0ffee00-4b1d-4a7e-9c3f-5e6d7c8b9a01';
let context: BrowserContext;
let page: Page;
let step: Step;

beforeAll(async () => {
	({ context, page, step } = await openEditor('webhook-editor'));
});

afterAll(async () => {
	await context?.close();
});

/** Opens the resource locator `name` and waits until its list shows every entry of `expected` (the selected one first). */
async function expectListed(name: string, expected: string[]): Promise<void> {
	await page.getByTestId(`resource-locator-${name}`).getByTestId('rlc-input').click();
	let seen: string[] = [];
	await waitFor(
		`${expected.join(', ')} in the ${name} list`,
		async () => {
			seen = (await page.getByTestId('rlc-item').allInnerTexts()).map((text) => text.trim());
			return expected.every((entry) => seen.some((text) => text.startsWith(entry))) ? true : undefined;
		},
		TIMEOUT,
		200,
	).catch(() => {
		throw new Error(`The ${name} list shows ${JSON.stringify(seen)}, not all of ${JSON.stringify(expected)}`);
	});
	await page.keyboard.press('Escape');
}

describe('the n8n editor with the Arize Trigger (headless Chromium)', () => {
	it('shows the five events and the prompt and organization lists; Listen for test event receives the sandbox\'s test delivery', async () => {
		const rest = await N8nRest.login();
		const node = promptLabeledTrigger(TRIGGER, WEBHOOK_ID, SANDBOX_CREDENTIAL_ID);
		// The lists open in the locators' From List mode.
		node.parameters.promptId = { __rl: true, mode: 'list', value: PROMPT, cachedResultName: 'support-answer' };
		const { data: workflow } = await rest.post<{ data: { id: string } }>('/rest/workflows', {
			name: 'e2e: Arize Trigger in the editor',
			nodes: [node],
			connections: {},
			settings: { executionOrder: 'v1' },
		});

		await step('open', async () => {
			await page.goto(`${env.n8nUrl}/workflow/${workflow.id}`);
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${TRIGGER}"]`).dblclick();
			await page.getByTestId('ndv').waitFor();
			await page.getByTestId('node-parameters').waitFor();
		});

		await step('events', async () => {
			await page.getByTestId('parameter-input-events').click();
			const options = openDropdowns(page).locator('.el-select-dropdown__item');
			const names = await waitFor(
				'the event list',
				async () => {
					const texts = (await options.allInnerTexts()).map((text) => text.split('\n')[0].trim());
					return texts.length >= 5 ? texts : undefined;
				},
				TIMEOUT,
				200,
			);
			expect(names).toEqual([
				'Evaluator Version Created',
				'Online Task Run Failed',
				'Prompt Version Created',
				'Prompt Version Labeled',
				'Prompt Version Unlabeled',
			]);
			await page.keyboard.press('Escape');
		});

		await step('lists', async () => {
			await expectListed('organizationId', ['Acme Support', 'Acme Research']);
			await expectListed('promptId', ['support-answer', 'rag-summary']);
		});

		await step('listen-for-test-event', async () => {
			await page.getByTestId('node-execute-button').first().click();
			await waitFor(
				'the sample in the output panel',
				async () => ((await page.getByTestId('output-panel').innerText().catch(() => '')).includes('receivedAt') ? true : undefined),
				30_000,
				500,
			);
			await waitFor(
				'the test webhook to be deleted',
				async () => ((await webhooksOfOrg()).some((webhook) => webhook.url === testUrl) ? undefined : true),
				30_000,
				250,
			);
		});

		// When Arize cannot deliver a test event (here: it answers 404, as for an n8n it cannot reach), the editor says
		// why on the node, and the test webhook goes again.
		await setTestOutage(404);
		try {
			await step('listen-when-arize-cannot-deliver', async () => {
				await page.getByTestId('node-execute-button').first().click();
				await page.getByText('Arize cannot reach this n8n to send a test event').first().waitFor({ timeout: 30_000 });
				await waitFor(
					'the test webhook to be deleted',
					async () => ((await webhooksOfOrg()).some((webhook) => webhook.url === testUrl) ? undefined : true),
					30_000,
					250,
				);
			});
		} finally {
			await setTestOutage(null);
		}
	});

	it('the Task, Evaluator and Space lists show the sandbox\'s entries; a space from its list and an evaluator By ID are saved', async () => {
		const rest = await N8nRest.login();
		const node = promptLabeledTrigger(LISTS_TRIGGER, LISTS_WEBHOOK_ID, SANDBOX_CREDENTIAL_ID);
		node.parameters = {
			organizationId: { __rl: true, mode: 'list', value: ORG, cachedResultName: 'Acme Support' },
			events: ['ONLINE_TASK_RUN_FAILED', 'EVALUATOR_VERSION_CREATED'],
			taskScope: 'task',
			taskId: { __rl: true, mode: 'list', value: '' },
			evaluatorId: { __rl: true, mode: 'list', value: '' },
		};
		const { data: workflow } = await rest.post<{ data: { id: string } }>('/rest/workflows', {
			name: 'e2e: Arize Trigger lists in the editor',
			nodes: [node],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		const t = SEED.taskIds;

		await step('lists-open', async () => {
			await page.goto(`${env.n8nUrl}/workflow/${workflow.id}`);
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${LISTS_TRIGGER}"]`).dblclick();
			await page.getByTestId('node-parameters').waitFor();
		});

		await step('lists-task-and-evaluator', async () => {
			// Each task with its type and the end of its ID, as in the Arize Tasks node.
			await expectListed('taskId', [
				`Production Hallucination Check (Template Evaluation · …${t.productionHallucination.slice(-6)})`,
				`Chatbot JSON Output Format (Code Evaluation · …${t.chatbotJsonFormat.slice(-6)})`,
				`Golden Questions Relevance (Template Evaluation · …${t.goldenRelevance.slice(-6)})`,
			]);
			await expectListed('evaluatorId', ['JSON Format Check', 'Hallucination Eval', 'Relevance Eval', 'Answer Correctness (harness)']);
		});

		await step('lists-space', async () => {
			await page.getByTestId('parameter-input-taskScope').click();
			await pickOption(page, 'Every Evaluation Task in a Space');
			await page.getByTestId('resource-locator-taskId').waitFor({ state: 'detached' });
			await expectListed('spaceId', ['Production Evals']);
			await page.getByTestId('resource-locator-spaceId').getByTestId('rlc-input').click();
			await page.getByTestId('rlc-item').filter({ hasText: 'Production Evals' }).first().click();
			await expect(page.getByTestId('resource-locator-spaceId').getByTestId('rlc-input').inputValue()).resolves.toBe('Production Evals');
		});

		await step('lists-evaluator-by-id', async () => {
			const evaluator = page.getByTestId('resource-locator-evaluatorId');
			await evaluator.getByTestId('rlc-mode-selector').click();
			await pickOption(page, 'By ID');
			await evaluator.getByTestId('rlc-input').fill(SEED.evaluatorIds.relevance);
			await page.getByTestId('tab-params').click();
			await expect(evaluator.getByTestId('rlc-input').inputValue()).resolves.toBe(SEED.evaluatorIds.relevance);
		});

		// What the editor saved is what activation registers from: the space's ID from its list, the evaluator's as typed.
		await step('lists-saved', async () => {
			await page.getByTestId('ndv-close-button').click();
			await page.getByTestId('ndv').waitFor({ state: 'hidden' });
			await page.keyboard.press('Control+s');
			const saved = await waitFor(
				'the workflow saved with the evaluator By ID',
				async () => {
					const { data } = await rest.get<{ data: { nodes: Array<{ name: string; parameters: Record<string, unknown> }> } }>(
						`/rest/workflows/${workflow.id}`,
					);
					const parameters = data.nodes.find((candidate) => candidate.name === LISTS_TRIGGER)?.parameters;
					return (parameters?.evaluatorId as { mode?: string } | undefined)?.mode === 'id' ? parameters : undefined;
				},
				TIMEOUT,
				250,
			);
			expect(saved).toMatchObject({
				events: ['ONLINE_TASK_RUN_FAILED', 'EVALUATOR_VERSION_CREATED'],
				taskScope: 'space',
				spaceId: { __rl: true, mode: 'list', value: SEED.spaceId },
				evaluatorId: { __rl: true, mode: 'id', value: SEED.evaluatorIds.relevance },
			});
		});
	});
});

const testUrl = `${env.n8nUrl}/webhook-test/${WEBHOOK_ID}/webhook`;
