import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import type { BrowserContext, Locator, Page } from 'playwright-core';

import { createStore } from '../../sandbox/index.ts';
import type { Step } from './lib/editor';
import { EDITOR_TIMEOUT, noDropdownOpen, openDropdowns, openEditor, pickOption } from './lib/editor';
import { env, SANDBOX_CREDENTIAL_ID, waitFor } from './lib/env';
import { N8nRest } from './lib/n8nRest';
import { recordedRequests, runsOf } from './lib/sandbox';

// Phase "editor" of ./scripts/e2e: the n8n editor in headless Chromium (Debian's, driven by playwright-core),
// signed in as the owner. Every check looks for elements (n8n's data-test-id attributes, texts), never at pixels;
// each step leaves a screenshot in .tools/screenshots/, and a failing step leaves one named FAILED-….

const seedTasks = [...createStore().tasks.values()];
const typeNames: Record<string, string> = {
	TEMPLATE_EVALUATION: 'Template Evaluation',
	CODE_EVALUATION: 'Code Evaluation',
	RUN_EXPERIMENT: 'Run Experiment',
};
/** How the Task list names a seed task: its type and the end of its ID (no two seed tasks share a name). */
const listedAs = (task: { id: string; name: string; type: string }) => `${task.name} (${typeNames[task.type]} · …${task.id.slice(-6)})`;
const seedTask = (name: string) => seedTasks.find((task) => task.name === name)!;
const TIMEOUT = EDITOR_TIMEOUT;

let context: BrowserContext;
let page: Page;
let step: Step;

beforeAll(async () => {
	rmSync(env.screenshots, { recursive: true, force: true });
	mkdirSync(env.screenshots, { recursive: true });
	({ context, page, step } = await openEditor('editor'));
});

afterAll(async () => {
	await context?.close();
});

async function selectParameter(name: string, label: string, scope: Page | Locator = page): Promise<void> {
	await noDropdownOpen(page);
	await scope.getByTestId(`parameter-input-${name}`).click();
	await pickOption(page, label);
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
async function openArizeTasksNode(operation: string, nodeName: string, parameters: Record<string, unknown> = {}): Promise<void> {
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
				parameters: { resource: 'task', operation, ...parameters },
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
			await noDropdownOpen(page);
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
					return listed.length >= seedTasks.length ? listed.map((name) => name.trim()) : undefined;
				},
				TIMEOUT,
				250,
			);
			// Each task with its type and the end of its ID, so same-name tasks can be told apart.
			expect(names.slice(0, seedTasks.length)).toEqual(seedTasks.map(listedAs));
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
			expect(names).toEqual(
				['Golden Questions Relevance', 'Golden Questions Hallucination', 'Golden Questions JSON Format'].map((name) => listedAs(seedTask(name))),
			);
		});

		await step('get-task-chosen', async () => {
			await page.getByTestId('rlc-item').filter({ hasText: 'Golden Questions Relevance' }).click();
			await expect(page.getByTestId('resource-locator-taskId').getByTestId('rlc-input').inputValue()).resolves.toBe(
				listedAs(seedTask('Golden Questions Relevance')),
			);
		});
	});

	it('Trigger Run: a listed task with the wrong Task Type fails with an error naming the field and its type, and starts no run', async () => {
		const task = seedTask('Support prompt generation (gpt-4.1-mini)');
		const runsBefore = (await runsOf(task.id)).length;
		await step('trigger-wrong-type-picked', async () => {
			await openArizeTasksNode('trigger', 'Trigger a run');
			await expectParameters(['taskId', 'taskType', 'dataStartTime'], ['experimentName']);
			await page.getByTestId('resource-locator-taskId').getByTestId('rlc-input').click();
			await page.getByTestId('rlc-search').fill('prompt generation');
			await page.getByTestId('rlc-item').filter({ hasText: task.name }).first().click();
			// The choice says the task's type right above the Task Type field (left at Template Evaluation).
			await expect(page.getByTestId('resource-locator-taskId').getByTestId('rlc-input').inputValue()).resolves.toBe(listedAs(task));
		});
		await step('trigger-wrong-type-error', async () => {
			const requestsBefore = (await recordedRequests()).length;
			await page.getByTestId('node-execute-button').first().click();
			const error = page
				.getByTestId('ndv')
				.getByText(`Task Type is Template Evaluation, but the task "${task.name}" is a Run Experiment task`, { exact: false })
				.first();
			await error.waitFor();
			// Arize refused the body of the wrong type (400); one GET of the task named the cause.
			const sent = (await recordedRequests()).slice(requestsBefore);
			expect(sent.filter((request) => request.path.endsWith('/trigger')).map((request) => request.status)).toEqual([400]);
			expect((await runsOf(task.id)).length).toBe(runsBefore);
		});
	});

	it('Get Many: Project and Dataset filters are pickable from a list, and an ID saved as plain text still shows', async () => {
		const datasetId = [...createStore().datasets.keys()][0];
		await step('get-many-filter-locators', async () => {
			await openArizeTasksNode('getAll', 'Get many tasks', {
				filters: { projectId: { __rl: true, mode: 'list', value: '' }, datasetId },
			});
			// A workflow saved when the filters were ID boxes: the string is shown as it is.
			await expect(page.getByTestId('resource-locator-datasetId').getByTestId('rlc-input').inputValue()).resolves.toBe(datasetId);
			await page.getByTestId('resource-locator-projectId').getByTestId('rlc-input').click();
			await page.getByTestId('rlc-item').filter({ hasText: 'support-chatbot' }).first().click();
			await expect(page.getByTestId('resource-locator-projectId').getByTestId('rlc-input').inputValue()).resolves.toBe(
				'support-chatbot',
			);
		});
	});

	it('Create: the Evaluator list offers only the evaluators of the Task Type, with the variables a template expects', async () => {
		const evaluatorOptions = async (): Promise<string[]> => {
			await noDropdownOpen(page);
			await page.getByTestId('parameter-input-evaluatorId').locator('input').first().click();
			const options = openDropdowns(page).locator('.el-select-dropdown__item');
			let seen = '';
			const texts = await waitFor(
				'the evaluator list',
				async () => {
					seen = (await openDropdowns(page).allInnerTexts()).join(' | ');
					const listed = (await options.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
					return listed.length > 0 && !listed.some((text) => /loading/i.test(text)) ? listed : undefined;
				},
				TIMEOUT,
				250,
			).catch((error: Error) => {
				throw new Error(`${error.message}; open dropdowns showed: ${seen || 'none'}`);
			});
			await page.keyboard.press('Escape');
			await noDropdownOpen(page);
			return texts;
		};
		await step('create-evaluators-template', async () => {
			await openArizeTasksNode('create', 'Create with evaluators', {
				taskType: 'TEMPLATE_EVALUATION',
				evaluators: { evaluator: [{ evaluatorId: '', columnMappings: { pair: [{ key: '', value: '' }] } }] },
			});
			const listed = await evaluatorOptions();
			expect(listed.map((text) => text.split(' TEMPLATE evaluator')[0])).toEqual(['Hallucination Eval', 'Relevance Eval']);
			expect(listed[0]).toContain('expects {input}, {reference}, {output}');
			expect(listed[1]).toContain('expects {input}, {output}');
			const pair = page.getByTestId('fixed-collection-evaluators');
			await expect(pair.getByTestId('parameter-input-key').locator('input').getAttribute('placeholder')).resolves.toBe('e.g. input');
			await expect(pair.getByTestId('parameter-input-value').locator('input').getAttribute('placeholder')).resolves.toBe(
				'e.g. attributes.input.value',
			);
			expect(await pair.innerText()).toContain('the Evaluator list shows which ones it expects');
		});
		await step('create-evaluators-code', async () => {
			await selectParameter('taskType', 'Code Evaluation');
			const listed = await waitFor(
				'the list to follow the Task Type',
				async () => {
					const texts = await evaluatorOptions();
					return texts.length === 1 ? texts : undefined;
				},
				TIMEOUT,
				500,
			);
			expect(listed[0]).toMatch(/^JSON Format Check CODE evaluator/);
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
