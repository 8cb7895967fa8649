import type { INodeParameterResourceLocator } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { SEED } from '../../sandbox/seed.ts';
import { API_KEY, jsonOf, runTasksNode, useArize } from '../arize';

const arize = useArize();

const deleteTask = (taskId: INodeParameterResourceLocator, options: Parameters<typeof runTasksNode>[2] = {}) =>
	runTasksNode(arize.credentials, { resource: 'task', operation: 'delete', taskId }, options);

async function apiStatus(path: string) {
	const response = await fetch(`${arize.sandbox.url}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } });
	arize.sandbox.clearRequests();
	return response.status;
}

describe('Task → Delete', () => {
	it('deletes the task (ID URL-encoded) and outputs { deleted: true, id }; the task and its runs are gone', async () => {
		const id = SEED.taskIds.goldenRelevance; // ends with '='
		const runs = arize.sandbox.store.runsOf(id).map((run) => run.id);
		expect(runs.length).toBeGreaterThan(0);

		const { items, error } = await deleteTask({ __rl: true, mode: 'list', value: id });

		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
			{ method: 'DELETE', path: `/v2/tasks/${encodeURIComponent(id)}`, status: 204 },
		]);
		expect(jsonOf(items)).toEqual([{ deleted: true, id }]);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(await apiStatus(`/v2/tasks/${encodeURIComponent(id)}`)).toBe(404);
		expect(await apiStatus(`/v2/task-runs/${encodeURIComponent(runs[0])}`)).toBe(404);
	});

	it('deletes one task per item, IDs from an expression', async () => {
		const ids = [SEED.taskIds.productionHallucination, SEED.taskIds.ragRetrievalRelevance];
		const { items, error } = await deleteTask(
			{ __rl: true, mode: 'id', value: '={{ $json.id }}' },
			{ input: ids.map((id) => ({ id: ` ${id} ` })) },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json, item.pairedItem])).toEqual([
			[{ deleted: true, id: ids[0] }, { item: 0 }],
			[{ deleted: true, id: ids[1] }, { item: 1 }],
		]);
		expect(arize.sandbox.store.tasks.has(ids[0]) || arize.sandbox.store.tasks.has(ids[1])).toBe(false);
	});

	it("surfaces a task that does not exist (404) with Arize's detail", async () => {
		const { items, error } = await deleteTask({ __rl: true, mode: 'id', value: 'VGFzazo5OTk5OTk=' });
		expect(items).toEqual([]);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe("Task 'VGFzazo5OTk5OTk=' was not found. [HTTP 404]");
		expect(error?.httpCode).toBe('404');
	});

	it('retries a DELETE answered 503 and then deletes', async () => {
		arize.sandbox.faults.inject({ status: 503 }, { method: 'DELETE' });
		const { items, error } = await deleteTask({ __rl: true, mode: 'id', value: SEED.taskIds.goldenJsonFormat });
		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map((request) => request.status)).toEqual([503, 204]);
		expect(jsonOf(items)).toEqual([{ deleted: true, id: SEED.taskIds.goldenJsonFormat }]);
	});

	it('refuses an empty task ID before sending anything', async () => {
		const { error } = await deleteTask({ __rl: true, mode: 'id', value: '={{ $json.id }}' }, { input: [{ id: '' }] });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('No task chosen');
		expect(arize.sandbox.requests).toEqual([]);
		expect(arize.sandbox.store.tasks.size).toBe(12);
	});
});
