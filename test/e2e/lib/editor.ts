import { mkdtempSync } from 'node:fs';
import path from 'node:path';

import type { BrowserContext, Page } from 'playwright-core';
import { chromium, selectors } from 'playwright-core';

import { env, waitFor } from './env';

/** How long an element may take to show (n8n's editor is slower on a loaded machine than anywhere else). */
export const EDITOR_TIMEOUT = 20_000;

/**
 * n8n's editor in headless Chromium (Debian's, driven by playwright-core), signed in as the owner. Each `step` leaves a
 * screenshot `<prefix>-NN-<step>.png` in env.screenshots; a step that throws leaves one named FAILED-<step>.
 */
export async function openEditor(prefix: string): Promise<{ context: BrowserContext; page: Page; step: Step }> {
	selectors.setTestIdAttribute('data-test-id');
	const context = await chromium.launchPersistentContext(mkdtempSync(path.join(env.runDir, `chromium-${prefix}-`)), {
		executablePath: env.chromium,
		headless: true,
		viewport: { width: 1440, height: 900 },
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	context.setDefaultTimeout(EDITOR_TIMEOUT);
	const page = context.pages()[0] ?? (await context.newPage());
	let shots = 0;
	const screenshot = async (name: string) =>
		await page.screenshot({ path: path.join(env.screenshots, `${prefix}-${String(++shots).padStart(2, '0')}-${name}.png`) });
	const step: Step = async (name, action) => {
		try {
			const result = await action();
			await screenshot(name);
			return result;
		} catch (error) {
			await screenshot(`FAILED-${name}`).catch(() => undefined);
			throw error;
		}
	};
	await step('signin', async () => {
		await page.goto(`${env.n8nUrl}/signin`);
		await page.locator('input[name=emailOrLdapLoginId]').fill(env.ownerEmail);
		await page.locator('input[name=password]').fill(env.ownerPassword);
		await page.getByTestId('form-submit-button').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	});
	return { context, page, step };
}

/** Runs one step of a check; when it throws, the screen at that moment is saved before the error goes on. */
export type Step = <T>(name: string, action: () => Promise<T>) => Promise<T>;

/** The dropdowns open in the page. */
export const openDropdowns = (page: Page) => page.locator('.el-select-dropdown:visible');

/** Waits until no dropdown is open (one that is closing still counts: its options are still in the page). */
export async function noDropdownOpen(page: Page): Promise<void> {
	await waitFor('the open dropdown to close', async () => ((await openDropdowns(page).count()) === 0 ? true : undefined), EDITOR_TIMEOUT, 100);
}

/** Picks `label` in the dropdown just opened (an option's first line is its name; a description may follow). */
export async function pickOption(page: Page, label: string): Promise<void> {
	const options = openDropdowns(page).locator('.el-select-dropdown__item');
	let seen: string[] = [];
	const option = await waitFor(
		`the option "${label}"`,
		async () => {
			seen = (await options.allInnerTexts()).map((text) => text.split('\n')[0].trim());
			const index = seen.indexOf(label);
			return index < 0 ? undefined : options.nth(index);
		},
		EDITOR_TIMEOUT,
		100,
	).catch(() => {
		throw new Error(`No option "${label}" in the open dropdown (has: ${seen.join(' | ') || 'nothing'})`);
	});
	await option.click();
	await noDropdownOpen(page);
}
