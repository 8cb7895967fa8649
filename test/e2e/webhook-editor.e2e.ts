import type { BrowserContext, Page } from 'playwright-core';

import { PROMPT, promptLabeledTrigger, webhooksOfOrg } from './lib/arizeWebhooks';
import type { Step } from './lib/editor';
import { EDITOR_TIMEOUT, openEditor } from './lib/editor';
import { env, SANDBOX_CREDENTIAL_ID, waitFor } from './lib/env';
import { N8nRest } from './lib/n8nRest';
import { setTestOutage } from './lib/sandbox';

// Phase "editor" of ./scripts/e2e, after editor.e2e.ts: the Arize Trigger in the n8n editor (headless Chromium):
// its event list, its locators filled from the sandbox, and "Listen for test event", where the sandbox's test
// delivery arrives as the sample, and when Arize cannot deliver one the editor says why. Screenshots go to
// .tools/screenshots/webhook-editor-*.png.

const TIMEOUT = EDITOR_TIMEOUT;
const TRIGGER = 'When a Prompt Version Is Labeled';
const WEBHOOK_ID = 'e8f7a6b5-c4d3-4e2f-9a1b-0c9d8e7f6a5b';
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
			const options = page.locator('.el-select-dropdown:visible .el-select-dropdown__item');
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
});

const testUrl = `${env.n8nUrl}/webhook-test/${WEBHOOK_ID}/webhook`;
