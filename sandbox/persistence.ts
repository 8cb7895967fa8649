import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

import type { Store } from './store.ts';

// Keeps a sandbox's data across restarts: `node sandbox/cli.ts --data-file FILE` (which ./scripts/start uses) loads
// FILE at start, saves it shortly after every request and on SIGINT/SIGTERM. Tests keep their in-memory sandbox.
//
// What is saved: every Map field of the Store, whatever its name (a collection added to store.ts later is saved
// without a change here), and the store's private bookkeeping (Store.exportInternals: id counters, runs in
// progress). Configuration (run duration, the clock) is not data: it comes from the command line at each start.
// Loading keeps the seed for a collection the file does not have (a file written before that collection existed),
// and ignores what the file has that the store no longer knows.
//
// Runs in progress come back on the wall clock: a triggered run moves PENDING → RUNNING → COMPLETED by the time since
// it was created, so one that was due while the sandbox was stopped is COMPLETED at its planned time when first read
// after the restart, as a run in Arize would have gone on while nobody looked.
//
// Written safely: into FILE.tmp-<pid>, flushed to disk, then renamed over FILE (an atomic replace), so a kill at any
// moment leaves either the previous file or the new one, never half of one.

// Raised whenever a stored record's shape changes (2: integrations and evaluator versions as the spec has them), so
// an older file is refused with a hint instead of being served in a shape the spec does not allow.
const FORMAT = 'n8n-nodes-arize sandbox data 2';
/** Marks a Map inside the JSON: {"<MAP_TAG>": [[key, value], …]}. */
const MAP_TAG = '__sandboxMap__';

interface SavedData {
	format: string;
	collections: Record<string, Map<unknown, unknown>>;
	internals: ReturnType<Store['exportInternals']>;
}

/** The store's Map fields by name (own enumerable fields of the instance; private # fields are not among them). */
function collectionsOf(store: Store): Record<string, Map<unknown, unknown>> {
	const collections: Record<string, Map<unknown, unknown>> = {};
	for (const [name, value] of Object.entries(store)) {
		if (value instanceof Map) collections[name] = value;
	}
	return collections;
}

function encode(_key: string, value: unknown): unknown {
	return value instanceof Map ? { [MAP_TAG]: [...value] } : value;
}

function decode(_key: string, value: unknown): unknown {
	if (typeof value === 'object' && value !== null && MAP_TAG in value) {
		return new Map((value as Record<string, [unknown, unknown][]>)[MAP_TAG]);
	}
	return value;
}

/** The store's data as the text of a data file. */
export function snapshot(store: Store): string {
	const data: SavedData = { format: FORMAT, collections: collectionsOf(store), internals: store.exportInternals() };
	return JSON.stringify(data, encode);
}

/** What restore() did: the collections it loaded, and those it left as they were (not in the file). */
export interface Restored {
	loaded: Record<string, number>;
	kept: string[];
}

/** Replaces the store's data with the text of a data file; throws, leaving the store as it was, when it is not one. */
export function restore(store: Store, text: string): Restored {
	let data: SavedData;
	try {
		data = JSON.parse(text, decode) as SavedData;
	} catch (error) {
		throw new Error(`not JSON (${(error as Error).message})`);
	}
	if (
		data?.format !== FORMAT ||
		typeof data.collections !== 'object' ||
		!(data.internals?.nextNumber instanceof Map) ||
		!(data.internals.progress instanceof Map)
	) {
		throw new Error(`not sandbox data of this version (expected "format": "${FORMAT}")`);
	}
	const restored: Restored = { loaded: {}, kept: [] };
	for (const [name, collection] of Object.entries(collectionsOf(store))) {
		const saved = data.collections[name];
		if (!(saved instanceof Map)) {
			restored.kept.push(name);
			continue;
		}
		collection.clear();
		for (const [key, value] of saved) collection.set(key, value);
		restored.loaded[name] = collection.size;
	}
	store.importInternals(data.internals);
	return restored;
}

/** Replaces `file` with `text` in one step (see the top of this file). */
export function writeFileAtomically(file: string, text: string): void {
	mkdirSync(dirname(file), { recursive: true });
	const temporary = `${file}.tmp-${process.pid}`;
	const fd = openSync(temporary, 'w');
	try {
		writeSync(fd, text);
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
	renameSync(temporary, file);
}

export interface DataFileOptions {
	/** How long saveSoon() waits, so that a burst of requests costs one write. Default 500 ms. */
	debounceMs?: number;
}

/** One store kept in one file. */
export class DataFile {
	readonly path: string;
	readonly #store: Store;
	readonly #debounceMs: number;
	#lastWritten: string | undefined;
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(store: Store, path: string, options: DataFileOptions = {}) {
		this.path = path;
		this.#store = store;
		this.#debounceMs = options.debounceMs ?? 500;
	}

	/** Loads the file into the store; undefined (store untouched) when there is no file yet. Throws naming the file. */
	load(): Restored | undefined {
		let text: string;
		try {
			text = readFileSync(this.path, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw new Error(`Cannot read the sandbox data in ${this.path}: ${(error as Error).message}`);
		}
		try {
			const restored = restore(this.#store, text);
			this.#lastWritten = text;
			return restored;
		} catch (error) {
			throw new Error(`${this.path} is ${(error as Error).message}; move it away (or delete it) to start from the seed data`);
		}
	}

	/**
	 * Saves within debounceMs; calls until then are folded into that one save. A failed save (a full disk) is
	 * reported on stderr and tried again at the next change: the sandbox keeps serving.
	 */
	saveSoon(): void {
		this.#timer ??= setTimeout(() => {
			this.#timer = undefined;
			try {
				this.save();
			} catch (error) {
				console.error(`Could not save the sandbox data in ${this.path}: ${(error as Error).message}`);
			}
		}, this.#debounceMs);
	}

	/** Saves now (and cancels a pending saveSoon); writes nothing when the data did not change since the last write. */
	save(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		const text = snapshot(this.#store);
		if (text === this.#lastWritten) return;
		writeFileAtomically(this.path, text);
		this.#lastWritten = text;
	}
}
