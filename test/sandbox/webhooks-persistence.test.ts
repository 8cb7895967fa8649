import { createStore, SEED, WEBHOOK_SEED } from '../../sandbox/index.ts';
import { restore, snapshot } from '../../sandbox/persistence.ts';

// The data file (sandbox/persistence.ts saves every Map of the Store) keeps webhooks, subscriptions, delivery
// attempts, prompts and the failing-task causes across a restart of the CLI sandbox.

describe('webhook state in the data file', () => {
	it('is saved and restored with the rest of the store', () => {
		const before = createStore();
		before.webhooks.set('V2ViaG9vazox', {
			id: 'V2ViaG9vazox',
			organization_id: WEBHOOK_SEED.orgIds.main,
			name: 'n8n: wf/node',
			description: '',
			url: 'http://127.0.0.1:5678/webhook/x',
			auth_type: 'BEARER',
			auth_token: 'Bearer kept',
			headers: { 'X-A': '1' },
			signing_secret: null,
			timeout_ms: 30000,
			created_at: '2026-12-01T00:00:00.000Z',
			updated_at: '2026-12-01T00:00:00.000Z',
			created_by_user_id: SEED.userId,
		});
		before.webhookSubscriptions.set('U3ViOjE=', {
			id: 'U3ViOjE=',
			webhook_id: 'V2ViaG9vazox',
			source_type: 'SPACE',
			source_id: SEED.spaceId,
			event: 'ONLINE_TASK_RUN_FAILED',
			created_at: '2026-12-01T00:00:01.000Z',
		});
		before.webhookDeliveryAttempts.set('V2ViaG9vazox', [
			{ id: 'e:1', event_id: 'e', attempt_number: 1, payload: { event: 'x' }, status_code: null, error_message: 'No response: ECONNREFUSED.', created_at: '2026-12-01T00:00:02.000Z' },
		]);
		before.taskFailureCauses.set(SEED.taskIds.productionHallucination, 'cause A');
		before.promptVersions.get(WEBHOOK_SEED.promptVersionIds.supportAnswer[0])!.labels.push('canary');

		const after = createStore();
		const restored = restore(after, snapshot(before));
		for (const name of ['organizations', 'prompts', 'promptVersions', 'webhooks', 'webhookSubscriptions', 'webhookDeliveryAttempts', 'taskFailureCauses'] as const) {
			expect([...after[name]]).toEqual([...before[name]]);
		}
		expect(restored.loaded).toMatchObject({ webhooks: 1, webhookSubscriptions: 1, webhookDeliveryAttempts: 1, taskFailureCauses: 1, prompts: 2 });
		expect(restored.kept).toEqual([]);
	});

	it('a data file from before webhooks keeps the seed organizations and prompts', () => {
		const saved = JSON.parse(snapshot(createStore()));
		for (const name of ['organizations', 'prompts', 'promptVersions', 'webhooks', 'webhookSubscriptions', 'webhookDeliveryAttempts', 'taskFailureCauses']) {
			delete saved.collections[name];
		}
		const after = createStore();
		const restored = restore(after, JSON.stringify(saved));
		expect(restored.kept.sort()).toEqual(
			['organizations', 'promptVersions', 'prompts', 'taskFailureCauses', 'webhookDeliveryAttempts', 'webhookSubscriptions', 'webhooks'].sort(),
		);
		expect(after.prompts.size).toBe(2);
		expect(after.organizations.has(WEBHOOK_SEED.orgIds.main)).toBe(true);
	});
});
