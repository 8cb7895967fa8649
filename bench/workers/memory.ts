/**
 * Memory of Task → Get Many, Return All over N tasks, in a fresh process started with --expose-gc; the sandbox
 * holding the N tasks runs in another process, so nothing here is the API's memory.
 *
 * - Peak RSS: the kernel's high-water mark of this process's resident memory (VmHWM), reset just before the run
 *   (write 5 to /proc/self/clear_refs), minus RSS before the run. Falls back to sampling every 2 ms.
 * - Peak heap: V8's used heap, sampled every 2 ms during the run (a lower bound of the true peak), minus the heap
 *   before the run.
 * - Retained heap: used heap after the run and a full GC, while the run's result (what n8n hands to the next node and
 *   keeps in the execution data) is still referenced, minus the heap before the run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';

import { runNode } from '../../test/harness';
import { arizeCredentials, assert, loadBuiltPackage, worker } from '../lib/common';

export interface MemoryInput {
	url: string;
	tasks: number;
}

export interface MemoryResult {
	tasks: number;
	requests: number;
	wallMs: number;
	baseline: { rss: number; heapUsed: number };
	peakRssDelta: number;
	peakRssMethod: 'VmHWM' | 'sampled';
	peakHeapDelta: number;
	retainedHeapDelta: number;
	/** JSON bytes of the output items, for scale. */
	outputJsonBytes: number;
	/** Set when the run failed (the numbers are then those of the failed run). */
	error?: string;
}

const gc = () => {
	const collect = (globalThis as { gc?: () => void }).gc;
	assert(collect, 'run with --expose-gc');
	collect();
	collect();
};

function resetPeakRss(): boolean {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

function peakRssBytes(): number | undefined {
	try {
		const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

worker(async ({ url, tasks }: MemoryInput): Promise<MemoryResult> => {
	const pkg = loadBuiltPackage();
	const getMany = (parameters: Record<string, unknown>) =>
		runNode({
			nodeType: pkg.tasks(),
			credentialTypes: pkg.credentialTypes,
			credentials: arizeCredentials(url),
			parameters: { resource: 'task', operation: 'getAll', ...parameters },
		});

	// Warm-up: every module loaded, n8n-core's services built, the code paths compiled.
	for (let i = 0; i < 3; i++) {
		const { items, error } = await getMany({ returnAll: false, limit: 250 });
		assert(!error && items.length === 250, `warm-up: ${error?.message}`);
	}

	gc();
	const before = process.memoryUsage();
	const hwmReset = resetPeakRss();
	let sampledRss = before.rss;
	let sampledHeap = before.heapUsed;
	const sampler = setInterval(() => {
		sampledRss = Math.max(sampledRss, process.memoryUsage.rss());
		sampledHeap = Math.max(sampledHeap, v8.getHeapStatistics().used_heap_size);
	}, 2);

	const start = performance.now();
	const result = await getMany({ returnAll: true });
	const wallMs = performance.now() - start;
	clearInterval(sampler);
	sampledRss = Math.max(sampledRss, process.memoryUsage.rss());
	sampledHeap = Math.max(sampledHeap, v8.getHeapStatistics().used_heap_size);
	const hwm = hwmReset ? peakRssBytes() : undefined;

	if (!result.error) {
		assert(result.items.length === tasks, `Return All gave ${result.items.length} items, expected ${tasks}`);
	}

	gc();
	const after = process.memoryUsage();
	// Still referenced here, so the GC above could not collect it.
	const outputJsonBytes = Buffer.byteLength(JSON.stringify(result.items.map((item) => item.json)));

	return {
		tasks,
		requests: Math.ceil(tasks / 100),
		wallMs,
		baseline: { rss: before.rss, heapUsed: before.heapUsed },
		peakRssDelta: (hwm ?? sampledRss) - before.rss,
		peakRssMethod: hwm ? 'VmHWM' : 'sampled',
		peakHeapDelta: sampledHeap - before.heapUsed,
		retainedHeapDelta: after.heapUsed - before.heapUsed,
		outputJsonBytes,
		...(result.error && { error: result.error.message }),
	};
});
