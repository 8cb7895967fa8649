import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';

import type { BrowserContext, Locator, Page } from 'playwright-core';
import { chromium, selectors } from 'playwright-core';

import { Store } from '../../sandbox/index.ts';
import { env, SANDBOX_CREDENTIAL_ID, waitFor } from './lib/env';
import { N8nRest } from './lib/n8nRest';

// Phase "editor" of ./scripts/e2e: the n8n editor in headless Chromium (Debian's, driven by playwright-core),
// signed in as the owner. Every check looks for elements (n8n's data-test-id attributes, texts), never at pixels;
// each step leaves a screenshot in .tools/screenshots/, and a failing step leaves one named FAILED-….

const seedTaskNames = [...new Store({ seed: true }).tasks.values()].map((task) => task.name);
const TIMEOUT = 20_000;

let context: BrowserContext;
let page: Page;
let shots = 0;

async function screenshot(name: string): Promise<string> {
	const file = path.join(env.screenshots, `editor-${String(++shots).padStart(2, '0')}-${name}.png`);
	await page.screenshot({ path: file });
	return file;
}

/** Runs one step of a check; when it throws, the screen at that moment is saved before the error goes on. */
async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
	try {
		const result = await action();
		await screenshot(name);
		return result;
	} catch (error) {
		await screenshot(`FAILED-${name}`).catch(() => undefined);
		throw error;
	}
}

beforeAll(async () => {
	rmSync(env.screenshots, { recursive: true, force: true });
	mkdirSync(env.screenshots, { recursive: true });
	selectors.setTestIdAttribute('data-test-id');
	context = await chromium.launchPersistentContext(mkdtempSync(path.join(env.runDir, 'chromium-')), {
		executablePath: env.chromium,
		headless: true,
		viewport: { width: 1440, height: 900 },
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	context.setDefaultTimeout(TIMEOUT);
	page = context.pages()[0] ?? (await context.newPage());

	await step('signin', async () => {
		await page.goto(`${env.n8nUrl}/signin`);
		await page.locator('input[name=emailOrLdapLoginId]').fill(env.ownerEmail);
		await page.locator('input[name=password]').fill(env.ownerPassword);
		await page.getByTestId('form-submit-button').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	});
});

afterAll(async () => {
	await context?.close();
});

const openDropdowns = () => page.locator('.el-select-dropdown:visible');

/** Waits until no dropdown is open (one that is closing still counts: its options are still in the page). */
async function noDropdownOpen(): Promise<void> {
	await waitFor('the open dropdown to close', async () => ((await openDropdowns().count()) === 0 ? true : undefined), TIMEOUT, 100);
}

/** Picks `label` in the dropdown just opened (an option's first line is its name; a description may follow). */
async function pickOption(label: string): Promise<void> {
	const options = openDropdowns().locator('.el-select-dropdown__item');
	let seen: string[] = [];
	const option = await waitFor(
		`the option "${label}"`,
		async () => {
			seen = (await options.allInnerTexts()).map((text) => text.split('\n')[0].trim());
			const index = seen.indexOf(label);
			return index < 0 ? undefined : options.nth(index);
		},
		TIMEOUT,
		100,
	).catch(() => {
		throw new Error(`No option "${label}" in the open dropdown (has: ${seen.join(' | ') || 'nothing'})`);
	});
	await option.click();
	await noDropdownOpen();
}

async function selectParameter(name: string, label: string, scope: Page | Locator = page): Promise<void> {
	await noDropdownOpen();
	await scope.getByTestId(`parameter-input-${name}`).click();
	await pickOption(label);
}

/** The names of the node parameters shown in the open node's panel, in order. */
async function visibleParameters(): Promise<string[]> {
	const inputs = page.getByTestId('node-parameters').locator('[data-test-id^="parameter-input-"]:visible');
	const names: string[] = [];
	for (const input of await inputs.all()) {
		const id = (await input.getAttribute('data-test-id')) ?? '';
		if (!id.endsWith('-field')) names.push(id.replace('parameter-input-', ''));
	}
	return names;
}

/** Waits until the panel shows every parameter in `shown` and none in `hidden`; fails naming what it saw. */
async function expectParameters(shown: string[], hidden: string[]): Promise<string[]> {
	let seen: string[] = [];
	try {
		return await waitFor(
			'the parameters to update',
			async () => {
				seen = await visibleParameters();
				const ok = shown.every((name) => seen.includes(name)) && hidden.every((name) => !seen.includes(name));
				return ok ? seen : undefined;
			},
			TIMEOUT,
			250,
		);
	} catch {
		throw new Error(`Expected parameters ${JSON.stringify(shown)} shown and ${JSON.stringify(hidden)} hidden; saw ${JSON.stringify(seen)}`);
	}
}

/**
 * Opens an "Arize Tasks" node with the given operation, in a workflow saved through n8n's REST API (Manual Trigger →
 * the node, with the sandbox credential), by double-clicking it on the canvas. The checks after the first one start
 * here, so that they do not hang on the node panel's search, which the first check covers.
 */
async function openArizeTasksNode(operation: string, nodeName: string): Promise<void> {
	const rest = await N8nRest.login();
	const { data: workflow } = await rest.post<{ data: { id: string } }>('/rest/workflows', {
		name: `e2e: ${nodeName}`,
		nodes: [
			{ id: 't', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'a',
				name: nodeName,
				type: 'n8n-nodes-arize.arizeTasks',
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'task', operation },
				credentials: { arizeApi: { id: SANDBOX_CREDENTIAL_ID, name: 'Arize API (sandbox)' } },
			},
		],
		connections: { Start: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	await page.goto(`${env.n8nUrl}/workflow/${workflow.id}`);
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	await page.getByTestId('ndv').waitFor();
	await page.getByTestId('node-parameters').waitFor();
	await expect(page.getByTestId('node-credentials-select').locator('input').inputValue()).resolves.toBe('Arize API (sandbox)');
}

async function expectImageLoaded(image: Locator): Promise<{ src: string; width: number }> {
	await image.waitFor();
	const src = (await image.getAttribute('src')) ?? '';
	const width = await waitFor(
		`the icon ${src} to load`,
		async () => {
			const natural = await image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth);
			return natural > 0 ? natural : undefined;
		},
		TIMEOUT,
		200,
	);
	const response = await page.request.get(new URL(src, env.n8nUrl).toString());
	expect({ status: response.status(), type: response.headers()['content-type'] }).toEqual({
		status: 200,
		type: expect.stringContaining('image/svg+xml'),
	});
	return { src, width };
}

describe('the n8n editor with Arize Tasks (headless Chromium)', () => {
	it('adds "Arize Tasks" from the node panel (search "Arize"), and its icon renders in the panel, on the canvas and in the node', async () => {
		await step('node-panel-search', async () => {
			await page.goto(`${env.n8nUrl}/workflow/new`);
			await page.getByTestId('canvas-plus-button').click();
			await page.getByTestId('node-creator-search-bar').fill('Manual Trigger');
			await page.getByTestId('node-creator-item-name').getByText('Manual Trigger', { exact: true }).click();
			await page.getByTestId('canvas-handle-plus').first().click();
			await page.getByTestId('node-creator-search-bar').fill('Arize');
			const item = page
				.getByTestId('item-iterator-item')
				.filter({ has: page.getByTestId('node-creator-item-name').getByText('Arize Tasks', { exact: true }) })
				.first();
			await item.waitFor().catch(async () => {
				const listed = await page.getByTestId('node-creator-item-name').allInnerTexts();
				throw new Error(`"Arize Tasks" is not in the node panel's results for "Arize" (listed: ${listed.join(' | ') || 'nothing'})`);
			});
			const icon = await expectImageLoaded(item.locator('img').first());
			expect(icon.src).toContain('/icons/n8n-nodes-arize/');
		});

		await step('node-actions', async () => {
			await page.getByTestId('node-creator-item-name').getByText('Arize Tasks', { exact: true }).click();
			for (const action of ['Create a task', 'Get a task', 'Get many tasks', 'Trigger a task run', 'Wait for a task run']) {
				await page.getByTestId('node-creator-item-name').getByText(action, { exact: true }).waitFor();
			}
		});

		await step('node-added', async () => {
			await page.getByTestId('node-creator-item-name').getByText('Get many tasks', { exact: true }).click();
			await page.getByTestId('ndv').waitFor();
			await expectImageLoaded(page.getByTestId('ndv').locator('img[src*="n8n-nodes-arize"]').first());
			await page.getByTestId('ndv-close-button').click();
			const node = page.locator('[data-test-id="canvas-node"][data-node-name="Get many tasks"]');
			const icon = await expectImageLoaded(node.locator('img').first());
			expect(icon.src).toBe('/icons/n8n-nodes-arize/dist/icons/arize.svg');
		});
	});

	it('Create: each Task Type shows its own fields and hides the others', async () => {
		await step('create-template-evaluation', async () => {
			await openArizeTasksNode('create', 'Create a task');
			await selectParameter('taskType', 'Template Evaluation');
			await expectParameters(
				['name', 'taskType', 'dataSource', 'projectId', 'evaluatorsInput'],
				['datasetId', 'experimentIds', 'runConfigurationInput', 'experimentType'],
			);
			await page.getByTestId('fixed-collection-evaluators').waitFor();
			const text = await page.getByTestId('node-parameters').innerText();
			expect(text).toContain('Data Source');
			expect(text).toContain('Evaluators');
			expect(text).not.toContain('Define Run Configuration');
		});

		await step('create-template-evaluation-dataset', async () => {
			await selectParameter('dataSource', 'Dataset');
			await expectParameters(['dataSource', 'datasetId', 'experimentIds', 'evaluatorsInput'], ['projectId', 'experimentType']);
			await selectParameter('dataSource', 'Project');
			await expectParameters(['projectId'], ['datasetId', 'experimentIds']);
		});

		await step('create-code-evaluation', async () => {
			await selectParameter('taskType', 'Code Evaluation');
			await expectParameters(
				['dataSource', 'projectId', 'evaluatorsInput'],
				['runConfigurationInput', 'experimentType'],
			);
			await page.getByTestId('fixed-collection-evaluators').waitFor();
		});

		await step('create-run-experiment', async () => {
			await selectParameter('taskType', 'Run Experiment');
			await expectParameters(
				['name', 'taskType', 'datasetId', 'runConfigurationInput', 'experimentType', 'aiIntegrationId', 'modelName'],
				['dataSource', 'projectId', 'experimentIds', 'evaluatorsInput'],
			);
			expect(await page.getByTestId('fixed-collection-evaluators').count()).toBe(0);
			const text = await page.getByTestId('node-parameters').innerText();
			expect(text).toContain('Define Run Configuration');
			expect(text).toContain('Experiment Type');
			expect(text).not.toContain('Data Source');
		});

		await step('create-run-experiment-agent-call', async () => {
			await selectParameter('experimentType', 'Agent Call');
			await expectParameters(['experimentType'], ['modelName', 'aiIntegrationId']);
		});

		// The README's picture: a template-evaluation task on a project chosen from the sandbox's list.
		await step('create-for-readme', async () => {
			await selectParameter('taskType', 'Template Evaluation');
			await page.getByTestId('parameter-input-name').locator('input, textarea').first().fill('Hallucination check');
			await page.getByTestId('resource-locator-projectId').getByTestId('rlc-input').click();
			await page.getByTestId('rlc-item').filter({ hasText: 'support-chatbot' }).first().click();
			await expect(page.getByTestId('resource-locator-projectId').getByTestId('rlc-input').inputValue()).resolves.toBe(
				'support-chatbot',
			);
			// Nothing focused, no tip or dropdown open: a click on the (already active) Parameters tab.
			await page.getByTestId('tab-params').click();
			await noDropdownOpen();
			if (process.env.E2E_UPDATE_DOCS_SCREENSHOT === '1' || !existsSync(env.docsScreenshot)) {
				mkdirSync(path.dirname(env.docsScreenshot), { recursive: true });
				await page.screenshot({ path: env.docsScreenshot });
			}
		});
	});

	it('Get: the Task list ("From List") shows the sandbox\'s tasks and filters them as you type', async () => {
		await step('get-task-list', async () => {
			await openArizeTasksNode('get', 'Get a task');
			await expectParameters(['operation', 'taskId'], ['name', 'taskType']);
			await page.getByTestId('resource-locator-taskId').getByTestId('rlc-input').click();
			const names = await waitFor(
				'the task list',
				async () => {
					const listed = await page.getByTestId('rlc-item').allInnerTexts();
					return listed.length >= seedTaskNames.length ? listed.map((name) => name.trim()) : undefined;
				},
				TIMEOUT,
				250,
			);
			expect(names.slice(0, seedTaskNames.length)).toEqual(seedTaskNames);
		});

		await step('get-task-list-search', async () => {
			await page.getByTestId('rlc-search').fill('Golden');
			const names = await waitFor(
				'the filtered task list',
				async () => {
					const listed = (await page.getByTestId('rlc-item').allInnerTexts()).map((name) => name.trim());
					return listed.length === 3 && listed.every((name) => name.startsWith('Golden')) ? listed : undefined;
				},
				TIMEOUT,
				250,
			);
			expect(names).toEqual(['Golden Questions Relevance', 'Golden Questions Hallucination', 'Golden Questions JSON Format']);
		});

		await step('get-task-chosen', async () => {
			await page.getByTestId('rlc-item').filter({ hasText: 'Golden Questions Relevance' }).click();
			await expect(page.getByTestId('resource-locator-taskId').getByTestId('rlc-input').inputValue()).resolves.toBe(
				'Golden Questions Relevance',
			);
		});
	});

	it('the credential test succeeds against the sandbox, and a wrong key fails with the region hint', async () => {
		const modal = page.getByTestId('editCredential-modal');
		const credentialTest = () =>
			page.waitForResponse((response) => response.url().includes('/rest/credentials/test'), { timeout: TIMEOUT });

		await step('credential-new', async () => {
			await openArizeTasksNode('getAll', 'Get many tasks');
			await page.getByTestId('node-credentials-select').click();
			await page.getByTestId('node-credentials-select-item-new').click();
			await modal.waitFor();
			await modal.getByTestId('parameter-input-apiKey').locator('input').fill(env.sandboxApiKey);
			await selectParameter('region', 'Custom', modal);
			await modal.getByTestId('parameter-input-baseUrl').locator('input').fill(env.sandboxUrl);
		});

		await step('credential-saved-tested', async () => {
			const tested = credentialTest();
			await modal.getByTestId('credential-save-button').click();
			expect(await (await tested).json()).toEqual({ data: { status: 'OK', message: 'Connection successful!' } });
			// A new credential that tests fine is saved and the dialog closes; opening it again tests it again.
			await modal.waitFor({ state: 'hidden' });
			const retested = credentialTest();
			await page.getByTestId('credential-edit-button').click();
			await retested;
			await modal.getByTestId('credentials-config-container-test-success').waitFor();
			expect(await modal.innerText()).toContain('Connection tested successfully');
		});

		await step('credential-wrong-key', async () => {
			const tested = credentialTest();
			await modal.getByTestId('parameter-input-apiKey').locator('input').fill('a-key-from-another-region');
			await modal.getByTestId('credential-save-button').click();
			const { data } = await (await tested).json();
			expect(data.status).toBe('Error');
			await modal.getByText('Couldn’t connect with these settings').waitFor();
			const details = modal.getByText('More details');
			if (await details.count()) await details.click();
			const hint = modal.getByText('a key from another region fails the same way', { exact: false });
			await hint.waitFor();
			expect(await hint.innerText()).toBe(
				'Arize rejected the API key (401). Check the key, and that the Region matches the account that issued it: a key from another region fails the same way.',
			);
			expect(await modal.locator('[data-test-id=credentials-config-container-test-success]:visible').count()).toBe(0);
		});
	});
});
