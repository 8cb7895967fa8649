import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createStore, DEFAULT_API_KEY, SEED, Store } from '../../sandbox/index.ts';
import { DataFile, restore, snapshot } from '../../sandbox/persistence.ts';
import { started, useSandboxCli } from './cli.ts';

// The sandbox's data file (sandbox/persistence.ts): what `node sandbox/cli.ts --data-file …` keeps across restarts,
// in the store and through the CLI itself (a real process, stopped with SIGTERM and with SIGKILL).

const START = Date.parse('2026-11-24T12:00:00.000Z');

let folder: string;
beforeEach(() => {
	folder = mkdtempSync(path.join(tmpdir(), 'sandbox-data-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function storeAt(nowMs: number, options: { runDurationMs?: number } = {}): Store {
	const store = createStore({ runDurationMs: options.runDurationMs ?? 3000 });
	store.now = () => nowMs;
	return store;
}

/** A task the seed does not have, and a run of a seed task triggered at START that takes 3 s. */
function editedStore(): Store {
	const store = storeAt(START);
	store.addTask({ type: 'TEMPLATE_EVALUATION', name: 'Added before the restart', project_id: SEED.projectIds.ragSearch });
	store.tasks.get(SEED.taskIds.productionHallucination)!.name = 'Renamed before the restart';
	store.startRun(store.tasks.get(SEED.taskIds.promptGeneration)!, {
		data_start_time: null,
		data_end_time: null,
		total: 4,
		experiment: { name: 'prompt-v9', dataset_id: SEED.datasetId, dataset_version_id: null },
	});
	return store;
}

describe('snapshot and restore', () => {
	it('bring back every collection: added, renamed and deleted tasks, runs and experiments', () => {
		const before = editedStore();
		before.deleteTask(SEED.taskIds.goldenJsonFormat);
		const after = storeAt(START);
		const restored = restore(after, snapshot(before));
		expect([...after.tasks.values()]).toEqual([...before.tasks.values()]);
		expect(after.tasks.has(SEED.taskIds.goldenJsonFormat)).toBe(false);
		expect(after.taskList().map((task) => task.name)).toContain('Renamed before the restart');
		expect([...after.runs.values()]).toEqual([...before.runs.values()]);
		expect(restored.loaded).toMatchObject({ tasks: before.tasks.size, runs: before.runs.size, experiments: 3 });
		expect(restored.kept).toEqual([]);
		expect(after.runsOf(SEED.taskIds.promptGeneration).map((run) => run.id)).toEqual(
			before.runsOf(SEED.taskIds.promptGeneration).map((run) => run.id),
		);
	});

	it('saves a Map field added to the Store later without a change to the persistence code', () => {
		class StoreWithNotes extends Store {
			notes = new Map<string, { text: string; tags: Map<string, number> }>();
		}
		const before = new StoreWithNotes();
		before.notes.set('n1', { text: 'kept', tags: new Map([['a', 1]]) });
		const after = new StoreWithNotes();
		expect(restore(after, snapshot(before)).loaded.notes).toBe(1);
		expect(after.notes.get('n1')).toEqual({ text: 'kept', tags: new Map([['a', 1]]) });
	});

	it('keeps the seed of a collection that an older file does not have', () => {
		const data = JSON.parse(snapshot(editedStore()));
		delete data.collections.evaluators;
		const after = createStore();
		const restored = restore(after, JSON.stringify(data));
		expect(restored.kept).toEqual(['evaluators']);
		expect(after.evaluators.size).toBe(createStore().evaluators.size);
		expect([...after.tasks.values()].some((task) => task.name === 'Added before the restart')).toBe(true);
	});

	it('goes on numbering ids after the restored ones', () => {
		const before = editedStore();
		const lastTask = [...before.tasks.keys()].at(-1)!;
		const after = storeAt(START);
		restore(after, snapshot(before));
		const next = after.addTask({ type: 'CODE_EVALUATION', name: 'After the restart', project_id: SEED.projectIds.ragSearch });
		const number = (id: string) => Number(Buffer.from(id, 'base64').toString('latin1').split(':')[1]);
		expect(number(next.id)).toBe(number(lastTask) + 1);
		expect(after.addTasks(1)[0].name).toBe(before.addTasks(1)[0].name);
	});

	it('lets a run in progress finish on the wall clock: due while stopped → COMPLETED at its planned time', () => {
		const before = editedStore();
		const runId = [...before.runs.keys()].at(-1)!;
		const text = snapshot(before);
		// Restarted 1.5 s after the trigger: RUNNING, its experiment provisioned now.
		const soon = storeAt(START + 1500);
		restore(soon, text);
		expect(soon.getRun(runId)).toMatchObject({ status: 'RUNNING', run_started_at: '2026-11-24T12:00:01.000Z' });
		// Restarted a minute later: COMPLETED at trigger + 3 s, with the planned counts.
		const late = storeAt(START + 60_000);
		restore(late, text);
		const run = late.getRun(runId)!;
		expect(run).toMatchObject({ status: 'COMPLETED', run_finished_at: '2026-11-24T12:00:03.000Z', failure_reason: null });
		expect(run.num_successes + run.num_errors + run.num_skipped).toBe(4);
		expect(late.experiments.get(run.experiment_id!)?.name).toBe('prompt-v9');
	});

	it('refuses text that is not sandbox data, leaving the store as it was', () => {
		const store = createStore();
		expect(() => restore(store, '{"tasks": [')).toThrow(/^not JSON/);
		expect(() => restore(store, '{"format": "something else"}')).toThrow(
			'not sandbox data of this version (expected "format": "n8n-nodes-arize sandbox data 2")',
		);
		expect(store.tasks.size).toBe(createStore().tasks.size);
	});
});

describe('DataFile', () => {
	const file = () => path.join(folder, 'nested', 'sandbox-data.json');

	it('load() without a file leaves the seed; save() creates the file and folder; a new store loads it', () => {
		const store = editedStore();
		const data = new DataFile(store, file());
		expect(data.load()).toBeUndefined();
		data.save();
		const again = storeAt(START);
		expect(new DataFile(again, file()).load()?.loaded.tasks).toBe(store.tasks.size);
		expect(again.tasks.get(SEED.taskIds.productionHallucination)?.name).toBe('Renamed before the restart');
	});

	it('replaces the file by renaming a complete temporary file over it, and leaves no temporary file', () => {
		const store = createStore();
		const data = new DataFile(store, file());
		data.save();
		const first = statSync(file()).ino;
		store.addTask({ type: 'TEMPLATE_EVALUATION', name: 'Second save', project_id: SEED.projectIds.ragSearch });
		data.save();
		// A new inode: the old file was never opened for writing, so a reader (or a kill) sees one whole version.
		expect(statSync(file()).ino).not.toBe(first);
		expect(readdirSync(path.dirname(file()))).toEqual(['sandbox-data.json']);
		expect(readFileSync(file(), 'utf8')).toContain('Second save');
	});

	it('writes nothing when the data did not change', () => {
		const store = createStore();
		const data = new DataFile(store, file());
		data.save();
		const first = statSync(file()).ino;
		data.save();
		expect(statSync(file()).ino).toBe(first);
	});

	it('saveSoon() folds a burst of changes into one save after the debounce', () => {
		jest.useFakeTimers();
		try {
			const store = createStore();
			const data = new DataFile(store, file(), { debounceMs: 500 });
			for (let i = 0; i < 5; i++) {
				store.addTask({ type: 'TEMPLATE_EVALUATION', name: `Burst ${i}`, project_id: SEED.projectIds.ragSearch });
				data.saveSoon();
			}
			jest.advanceTimersByTime(499);
			expect(() => statSync(file())).toThrow(/ENOENT/);
			jest.advanceTimersByTime(1);
			expect(readFileSync(file(), 'utf8')).toContain('Burst 4');
		} finally {
			jest.useRealTimers();
		}
	});

	it('names the file and the way out when it is not sandbox data', () => {
		writeFileSync(path.join(folder, 'bad.json'), '{"half": ');
		expect(() => new DataFile(createStore(), path.join(folder, 'bad.json')).load()).toThrow(
			`${path.join(folder, 'bad.json')} is not JSON`,
		);
		expect(() => new DataFile(createStore(), path.join(folder, 'bad.json')).load()).toThrow(
			/; move it away \(or delete it\) to start from the seed data$/,
		);
	});
});

describe('node sandbox/cli.ts --data-file', () => {
	const cli = useSandboxCli();

	/** Starts the CLI on a free port with `dataFile`; resolves with it, its URL and its output once it listens. */
	async function startCli(dataFile: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
		const child = cli.spawn(['--data-file', dataFile], { SANDBOX_API_KEY: DEFAULT_API_KEY });
		return { child, ...(await started(child)) };
	}

	const stopped = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', resolve));

	async function createTask(url: string, name: string): Promise<string> {
		const response = await fetch(`${url}/v2/tasks`, {
			method: 'POST',
			headers: { authorization: `Bearer ${DEFAULT_API_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				type: 'TEMPLATE_EVALUATION',
				name,
				project_id: SEED.projectIds.supportChatbot,
				evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination }],
			}),
		});
		expect(response.status).toBe(201);
		return ((await response.json()) as { id: string }).id;
	}

	async function taskStatus(url: string, id: string): Promise<number> {
		const response = await fetch(`${url}/v2/tasks/${encodeURIComponent(id)}`, {
			headers: { authorization: `Bearer ${DEFAULT_API_KEY}` },
		});
		return response.status;
	}

	it('keeps a task created over HTTP across a SIGTERM and a restart, and says where the data is', async () => {
		const dataFile = path.join(folder, 'data.json');
		const first = await startCli(dataFile);
		expect(first.output()).toContain(`Data: the seed, kept in ${dataFile} from now on`);
		const id = await createTask(first.url, 'Survives SIGTERM');
		const exit = stopped(first.child);
		first.child.kill('SIGTERM');
		expect(await exit).toBe(0);

		const second = await startCli(dataFile);
		expect(second.output()).toMatch(new RegExp(`Data: loaded from ${dataFile} \\(.*13 tasks.*\\); saved there on every change`));
		expect(await taskStatus(second.url, id)).toBe(200);
	});

	it('has saved a change within a second, so a SIGKILL (no chance to save) loses nothing', async () => {
		const dataFile = path.join(folder, 'data.json');
		const first = await startCli(dataFile);
		const id = await createTask(first.url, 'Survives SIGKILL');
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const exit = stopped(first.child);
		first.child.kill('SIGKILL');
		await exit;

		const second = await startCli(dataFile);
		expect(await taskStatus(second.url, id)).toBe(200);
	});

	it('exits 1 with the reason when the data file is not sandbox data', async () => {
		const dataFile = path.join(folder, 'data.json');
		writeFileSync(dataFile, 'not json');
		await expect(startCli(dataFile)).rejects.toThrow(
			`the CLI exited (1): ${dataFile} is not JSON (Unexpected token 'o', "not json" is not valid JSON); move it away (or delete it) to start from the seed data`,
		);
	});
});
