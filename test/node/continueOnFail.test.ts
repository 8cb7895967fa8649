import { NodeOperationError } from 'n8n-workflow';

import { SEED } from '../../sandbox/seed.ts';
import { API_KEY, runTasksNode, useArize } from '../arize';

const arize = useArize();

const UNKNOWN_EVALUATOR = 'RXZhbHVhdG9yOjk5OTk6AAAA';

/** Create, one task per item, name and evaluator from the item. */
const createEach = {
	resource: 'task',
	operation: 'create',
	name: '={{ $json.name }}',
	taskType: 'TEMPLATE_EVALUATION',
	dataSource: 'project',
	projectId: { __rl: true, mode: 'list', value: SEED.projectIds.supportChatbot },
	evaluators: { evaluator: [{ evaluatorId: '={{ $json.evaluator }}' }] },
};

const batch = [
	{ name: 'First', evaluator: SEED.evaluatorIds.relevance },
	{ name: ' ', evaluator: SEED.evaluatorIds.relevance }, // fails before sending: empty name
	{ name: 'Third', evaluator: SEED.evaluatorIds.hallucination },
	{ name: 'Fourth', evaluator: UNKNOWN_EVALUATOR }, // fails at Arize: 422
];

async function apiTask(id: string) {
	const response = await fetch(`${arize.sandbox.url}/v2/tasks/${encodeURIComponent(id)}`, {
		headers: { authorization: `Bearer ${API_KEY}` },
	});
	return await response.json();
}

describe('Continue On Fail across a batch of items (Create)', () => {
	it('outputs one item per input item, in order and paired, with the errors on the items that failed', async () => {
		const tasksBefore = arize.sandbox.store.tasks.size;
		const { items, error } = await runTasksNode(arize.credentials, createEach, { input: batch, continueOnFail: true });

		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);

		expect(items[0].json).toMatchObject({ name: 'First', type: 'TEMPLATE_EVALUATION', evaluators: [expect.objectContaining({ evaluator_id: SEED.evaluatorIds.relevance })] });
		expect(items[0].json).toEqual(await apiTask(items[0].json.id as string));
		expect(items[1].json).toEqual({ error: 'Name must not be empty' });
		expect(items[2].json).toMatchObject({ name: 'Third', evaluators: [expect.objectContaining({ evaluator_id: SEED.evaluatorIds.hallucination })] });
		expect(items[2].json).toEqual(await apiTask(items[2].json.id as string));
		expect(items[3].json).toEqual({
			error: `evaluators[0].evaluator_id '${UNKNOWN_EVALUATOR}' does not name an evaluator. [HTTP 422]`,
			description: 'One or more fields failed validation',
			httpCode: '422',
		});

		// Three POSTs (the client-side failure sent none), in item order; two tasks created, each once.
		expect(
			arize.sandbox.requests
				.filter((request) => request.method === 'POST')
				.map((request) => [(request.body as { name: string }).name, request.status]),
		).toEqual([
			['First', 201],
			['Third', 201],
			['Fourth', 422],
		]);
		expect(arize.sandbox.store.tasks.size).toBe(tasksBefore + 2);
		expect(new Set([items[0].json.id, items[2].json.id]).size).toBe(2);
	});

	it('without Continue On Fail, stops at the first failing item with its error', async () => {
		const { items, error } = await runTasksNode(arize.credentials, createEach, { input: batch });

		expect(items).toEqual([]);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('Name must not be empty');
		// The first item was already created; nothing after the failing item was sent.
		expect(arize.sandbox.requests.map((request) => [request.method, (request.body as { name: string }).name])).toEqual([
			['POST', 'First'],
		]);
	});
});
