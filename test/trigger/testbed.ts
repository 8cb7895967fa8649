import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { forgetPolls } from '../../nodes/ArizeTasksTrigger/overlappingPolls';
import { API_KEY, pollTrigger, summary, useArize } from '../arize';

// What the trigger's suites share: one sandbox per file, an activated workflow (ActiveTrigger), request helpers.
// Each suite still mocks n8n-workflow's sleep itself (jest hoists a mock only within the file that declares it).

/** One attempt plus the transport's 3 retries: this many 503s in a row make a GET, and so the poll, fail. */
export const FAILING = 4;

export const ALL_TASKS = { watch: 'allTasks', statuses: ['COMPLETED'] };
export const oneTask = (taskId: string, statuses = ['COMPLETED']) => ({
	watch: 'oneTask',
	taskId: { __rl: true, mode: 'id', value: taskId },
	statuses,
});

export const runsPath = (taskId: string) => `/v2/tasks/${encodeURIComponent(taskId)}/runs`;
export const taskPath = (taskId: string) => `/v2/tasks/${encodeURIComponent(taskId)}`;
export const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
export const stateOf = (staticData: IDataObject) =>
	staticData.watcher as { activatedAt: string; tasks: Record<string, IDataObject> };

/** A sandbox for the file, and the helpers bound to it. */
export function useTriggerSandbox(options: Parameters<typeof useArize>[0] = {}) {
	const arize = useArize(options);
	const store = () => arize.sandbox.store;
	// Every test is a workflow of its own: nothing a poll of another test left in this process's memory applies.
	beforeEach(forgetPolls);
	// Some tests drive the sandbox clock; the store's reset does not restore it.
	afterEach(() => {
		store().now = () => Date.now();
	});

	/**
	 * One activated workflow with the trigger: what n8n keeps in memory between polls and what it has saved.
	 * n8n saves static data when a poll emits items; a poll that returns null (or fails) leaves its changes only in the
	 * active workflow's memory. A restart reloads the saved JSON.
	 */
	class ActiveTrigger {
		memory: IDataObject = {};
		persisted: IDataObject = {};

		constructor(readonly parameters: INodeParameters) {}

		async poll() {
			const before = this.memory;
			const result = await pollTrigger(arize.credentials, this.parameters, before);
			if (result.error) {
				// A failed poll must leave the state exactly as it found it.
				expect(result.items).toBeNull();
				expect(result.staticDataAfterPoll).toEqual(before);
			}
			this.memory = result.staticDataAfterPoll;
			if (result.items) this.persisted = result.staticData;
			return { ...result, fired: (result.items ?? []).map((item) => item.json) };
		}

		/** The ids of the runs the next poll fires (fails the test if the poll fails). */
		async firedIds() {
			const { fired, error } = await this.poll();
			expect(error).toBeUndefined();
			return fired.map((run) => run.id);
		}

		restart() {
			this.memory = JSON.parse(JSON.stringify(this.persisted)) as IDataObject;
			// What the n8n process kept in memory is gone too.
			forgetPolls();
		}
	}

	/** Deletes every task (and its runs), so a test starts from a known set. */
	function clearTasks() {
		for (const id of [...store().tasks.keys()]) store().deleteTask(id);
	}

	/** The sandbox's own answer for a run, to compare the trigger's output with. */
	async function apiRun(runId: string): Promise<IDataObject> {
		const response = await fetch(`${arize.sandbox.url}/v2/task-runs/${encodeURIComponent(runId)}`, {
			headers: { authorization: `Bearer ${API_KEY}` },
		});
		arize.sandbox.clearRequests();
		return (await response.json()) as IDataObject;
	}

	const requested = () => arize.sandbox.requests.map(summary);

	return { arize, store, ActiveTrigger, clearTasks, apiRun, requested };
}
