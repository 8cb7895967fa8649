import type { IPollFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { arizeApiRequest, arizeApiRequestPage, arizePath, MAX_PAGE_SIZE } from '../shared/transport';
import type { Task, TaskRun } from '../shared/types';
import { isTerminal, normaliseTaskRun } from '../shared/types';
import type { FinishedRun } from './runWatcher';
import type { Listing, ReadAnswer, RunRead, TaskReading } from './taskReading';
import { consume, isNewestFirst, nextReads } from './taskReading';

/** How many of the most recently run tasks "Fetch Test Event" looks into for a sample (more when none matches). */
const SAMPLE_TASKS = 5;

/** Sends the reads a task's reading asks for until it has read enough; returns the complete reading. */
export async function readTask(context: IPollFunctions, taskId: string, start: TaskReading): Promise<TaskReading> {
	let reading = start;
	const cursors = new Set<string>();
	for (let reads = nextReads(reading); reads.length > 0; reads = nextReads(reading)) {
		for (const read of reads) {
			if (!('cursor' in read) || read.cursor === undefined) continue;
			if (cursors.has(`${read.listing}:${read.cursor}`)) throw repeatedCursor(context, taskId);
			cursors.add(`${read.listing}:${read.cursor}`);
		}
		const answers = await Promise.all(reads.map(async (read) => await send(context, taskId, read)));
		reading = reads.reduce((next, read, index) => consume(next, read, answers[index]), reading);
	}
	return reading;
}

async function send(context: IPollFunctions, taskId: string, read: RunRead): Promise<ReadAnswer> {
	if ('runId' in read) return { run: await runById(context, read.runId) };
	return await runsPage(context, taskId, read.listing, read.cursor);
}

async function runsPage(context: IPollFunctions, taskId: string, listing: Listing, cursor?: string) {
	const page = await arizeApiRequestPage.call(
		context,
		{
			path: arizePath`/v2/tasks/${taskId}/runs`,
			listKey: 'task_runs',
			qs: listing === 'all' ? undefined : { status: listing },
		},
		MAX_PAGE_SIZE,
		cursor,
	);
	return { runs: page.items.map(normaliseTaskRun), nextCursor: page.nextCursor };
}

/** The run, or null when Arize no longer has it (deleted, with its task or alone): the trigger forgets it. */
async function runById(context: IPollFunctions, runId: string): Promise<TaskRun | null> {
	return await arizeApiRequest.call(context, { method: 'GET', path: arizePath`/v2/task-runs/${runId}` }).then(
		normaliseTaskRun,
		async (error: unknown) => (error instanceof NodeApiError && error.httpCode === '404' ? null : await Promise.reject(error)),
	);
}

function repeatedCursor(context: IPollFunctions, taskId: string): NodeOperationError {
	return new NodeOperationError(context.getNode(), `Arize returned the same page cursor twice for the runs of task ${taskId}`, {
		description: 'Stopped paging to avoid an endless loop. Try again; if it persists, report it to Arize.',
	});
}

/**
 * The newest finished run among the most recently run tasks, for the editor's sample. When none of those has a match
 * it looks further back, task by task, so "no run matches" is only said when no watched task has one.
 */
export async function newestFinishedRun(
	context: IPollFunctions,
	tasks: Task[],
	statuses: string[],
): Promise<FinishedRun | undefined> {
	const recent = tasks
		.filter((task) => task.last_run_at)
		.sort((a, b) => Date.parse(b.last_run_at as string) - Date.parse(a.last_run_at as string));
	const matches = (run: TaskRun) => isTerminal(run.status) && statuses.includes(run.status);
	let newest: FinishedRun | undefined;
	for (let start = 0; start < recent.length && !newest; start += SAMPLE_TASKS) {
		const batch = recent.slice(start, start + SAMPLE_TASKS);
		const listings = await Promise.all(
			batch.map(async (task) => ({ task, runs: await newestRunsWithMatch(context, task.id, matches) })),
		);
		for (const { task, runs } of listings) {
			for (const run of runs.filter(matches)) {
				if (!newest || Date.parse(run.run_finished_at ?? '') > Date.parse(newest.run.run_finished_at ?? '')) {
					newest = { run, task };
				}
			}
		}
	}
	return newest;
}

/**
 * A task's runs from the newest, page by page, up to the first page with a match while the listing is newest first
 * (the runs further down were created earlier); all of them once it is not.
 */
async function newestRunsWithMatch(context: IPollFunctions, taskId: string, matches: (run: TaskRun) => boolean) {
	const runs: TaskRun[] = [];
	let newestFirst = true;
	const cursors = new Set<string>();
	let cursor: string | undefined;
	do {
		const page = await runsPage(context, taskId, 'all', cursor);
		newestFirst &&= isNewestFirst(runs.at(-1), page.runs);
		runs.push(...page.runs);
		cursor = page.nextCursor;
		if (cursor !== undefined && cursors.has(cursor)) throw repeatedCursor(context, taskId);
		if (cursor !== undefined) cursors.add(cursor);
	} while (cursor !== undefined && !(newestFirst && runs.some(matches)));
	return runs;
}
