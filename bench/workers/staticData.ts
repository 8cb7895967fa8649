/**
 * The trigger's static data (what n8n stores in the workflow, as JSON) while 10,000 runs finish over 10 polls.
 * Watch All Tasks over 200 tasks; each poll, every task has 5 new finished runs (1,000 a poll). Activated before any
 * run exists. Every run must fire exactly once.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox } from '../../sandbox/index.ts';
import { runPoll } from '../../test/harness';
import { BENCH_API_KEY, arizeCredentials, assert, loadBuiltPackage, worker } from '../lib/common';

export interface StaticDataResult {
	tasks: number;
	polls: Array<{ runsFinished: number; fired: number; requests: number; bytes: number }>;
	/** After one more poll that sees a run still RUNNING on every task. */
	withOpenRunOnEveryTask: number;
}

const TASKS = 200;
const POLLS = 10;
const RUNS_PER_TASK_PER_POLL = 5;

worker(async (): Promise<StaticDataResult> => {
	const pkg = loadBuiltPackage();
	const sandbox = await startSandbox({ apiKeys: [BENCH_API_KEY], seed: false });
	const credentials = arizeCredentials(sandbox.url);
	const parameters = { watch: 'allTasks', statuses: ['COMPLETED', 'FAILED', 'CANCELLED'] };
	const bytes = (data: IDataObject) => Buffer.byteLength(JSON.stringify(data));
	const poll = async (staticData: IDataObject) => {
		sandbox.clearRequests();
		const result = await runPoll({
			nodeType: pkg.trigger(),
			credentialTypes: pkg.credentialTypes,
			credentials,
			parameters,
			staticData,
		});
		assert(!result.error, `poll: ${result.error?.message}`);
		return result;
	};

	try {
		const tasks = sandbox.store.addTasks(TASKS);
		let state = (await poll({})).staticDataAfterPoll;
		const polls: StaticDataResult['polls'] = [{ runsFinished: 0, fired: 0, requests: sandbox.requests.length, bytes: bytes(state) }];
		const statuses = ['COMPLETED', 'COMPLETED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
		let clock = Date.now() - 3_600_000;
		let runsFinished = 0;
		let firedTotal = 0;
		for (let round = 0; round < POLLS; round++) {
			for (const task of tasks) {
				for (let i = 0; i < RUNS_PER_TASK_PER_POLL; i++) {
					clock += 1; // distinct creation times, as real runs have
					sandbox.store.addRun(task.id, { status: statuses[i], created_at: new Date(clock).toISOString() });
					runsFinished += 1;
				}
			}
			const result = await poll(state);
			state = result.staticDataAfterPoll;
			const fired = result.items?.length ?? 0;
			firedTotal += fired;
			polls.push({ runsFinished, fired, requests: sandbox.requests.length, bytes: bytes(state) });
		}
		assert(firedTotal === runsFinished, `fired ${firedTotal} of ${runsFinished} finished runs`);

		for (const task of tasks) sandbox.store.addRun(task.id, { status: 'RUNNING' });
		const open = await poll(state);
		assert(open.items === null, 'runs still running fire nothing');
		return { tasks: TASKS, polls, withOpenRunOnEveryTask: bytes(open.staticDataAfterPoll) };
	} finally {
		await sandbox.close();
	}
});
