import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { abandonedAfterMs, CLASSIC_POLL_BUDGET_MS, pollBudget } from '../../nodes/ArizeTasksTrigger/schedulers';
import { env } from './lib/env';

/**
 * The durable scheduler's facts (nodes/ArizeTasksTrigger/schedulers.ts) against the installed n8n's own code: the
 * poll context its trigger factory builds, with and without a durable lease, for several poll timeouts and leases.
 * An n8n that changes how it budgets or abandons a poll fails here instead of firing runs twice.
 */
const dist = path.join(path.dirname(env.n8nBin), '../n8n/dist');

describe("the installed n8n's poll scheduler", () => {
	const userFolder = mkdtempSync(path.join(tmpdir(), 'n8n-schedulers-'));
	afterAll(() => rmSync(userFolder, { recursive: true, force: true }));

	it('budgets a durable poll below the time at which it abandons it, and a classic poll at the default', () => {
		process.env.N8N_USER_FOLDER = userFolder;
		require(require.resolve('reflect-metadata', { paths: [dist] }));
		const { TriggerExecutionContextFactory } = require(path.join(dist, 'workflows/triggers/trigger-execution-context.factory.js'));
		const { Workflow } = require(require.resolve('n8n-workflow', { paths: [dist] }));
		const node = { id: 'n', name: 'Trigger', type: 'test.trigger', typeVersion: 1, position: [0, 0], parameters: {} };
		const nodeTypes = { getByName: () => ({}), getByNameAndVersion: () => ({ description: { properties: [] } }), getKnownTypes: () => ({}) };
		const workflow = new Workflow({ id: 'w', nodes: [node], connections: {}, active: true, nodeTypes });
		// Only the scheduler settings are read when the poll functions are built.
		const factory = Object.create(TriggerExecutionContextFactory.prototype);
		const pollContext = (fence: number | undefined) =>
			factory.getExecutePollFunctions({ id: 'w' }, {}, 'trigger', 'activate', async () => ({}), fence, undefined)(workflow, node);
		// The handler that runs each durable poll races it against this timeout and abandons it there.
		const { PollTriggerTaskHandler } = require(path.join(dist, 'scheduling/poll-trigger-node/poll-trigger-task-handler.js'));
		const handlerTimeoutMs = (pollTimeoutSeconds: number): number =>
			new PollTriggerTaskHandler({ scoped: () => ({}) }, {}, {}, {}, {}, {}, {}, { scheduler: { pollTimeoutSeconds } }).pollTimeoutMs;

		for (const [pollTimeoutSeconds, leaseDurationSeconds] of [[45, 60], [15, 60], [8, 60], [120, 90], [600, 900]]) {
			factory.globalConfig = { scheduler: { pollTimeoutSeconds, leaseDurationSeconds } };
			// A poll still running when its lease ends may be taken over by another instance (n8n warns of it): from then on
			// it is as good as abandoned.
			const abandonsAtMs = Math.min(handlerTimeoutMs(pollTimeoutSeconds), leaseDurationSeconds * 1000);
			const durable = pollBudget(pollContext(1));
			expect(durable.durable).toBe(true);
			expect(abandonedAfterMs(durable.budgetMs)).toBeGreaterThan(durable.budgetMs);
			expect(abandonedAfterMs(durable.budgetMs)).toBeLessThanOrEqual(abandonsAtMs);
			expect(abandonsAtMs - abandonedAfterMs(durable.budgetMs)).toBeLessThanOrEqual(1_000);
			expect(pollBudget(pollContext(undefined))).toEqual({ budgetMs: CLASSIC_POLL_BUDGET_MS, durable: false });
		}
	});
});
