import path from 'node:path';

// What ./scripts/e2e (its phase runner, scripts/orchestrator/phases.ts) hands the suites: where the sandbox and n8n
// are, and how to reach them. The suites only run inside that script (it starts and stops everything); run alone they
// fail at once with this hint.

export const ROOT = path.resolve(__dirname, '../../..');

function required(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run the end-to-end tests with ./scripts/e2e`);
	return value;
}

export const env = {
	/** The n8n binary (the pinned 2.41.1 in .tools/n8n) and the user folder of this run. */
	get n8nBin() {
		return required('N8N_BIN');
	},
	get userFolder() {
		return required('N8N_USER_FOLDER');
	},
	/** e.g. http://localhost:41233 (phases "server" and "editor" only). */
	get n8nUrl() {
		return required('E2E_N8N_URL');
	},
	get ownerEmail() {
		return required('E2E_OWNER_EMAIL');
	},
	get ownerPassword() {
		return required('E2E_OWNER_PASSWORD');
	},
	get sandboxUrl() {
		return required('E2E_SANDBOX_URL');
	},
	get sandboxControlUrl() {
		return required('E2E_SANDBOX_CONTROL_URL');
	},
	get sandboxApiKey() {
		return required('E2E_SANDBOX_API_KEY');
	},
	get runDir() {
		return required('E2E_RUN_DIR');
	},
	get chromium() {
		return process.env.CHROMIUM_BIN || '/usr/bin/chromium';
	},
	screenshots: path.join(ROOT, '.tools', 'screenshots'),
	docsScreenshot: path.join(ROOT, 'docs', 'arize-tasks-node.png'),
};

/** The id of the "Arize API" credential that the phase runner imports (pointing at the sandbox). */
export { SANDBOX_CREDENTIAL_ID } from '../../../scripts/orchestrator/n8n.ts';

export { sleep, waitFor } from '../../../scripts/orchestrator/processes.ts';
