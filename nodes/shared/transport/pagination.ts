import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Page } from '../types';
import type { ArizeFunctions } from './request';
import { arizeApiRequest } from './request';

/** Arize caps the task, run and lookup lists at 100 items per page. */
export const MAX_PAGE_SIZE = 100;
/** Experiment runs and spans come in pages of up to 500. */
export const MAX_RESULTS_PAGE_SIZE = 500;

/** Empty pages that still say `has_more` are followed, but not forever. */
const MAX_EMPTY_PAGES_IN_A_ROW = 5;

export interface ListRequest {
	path: string;
	/** The key that holds the items in the response, e.g. `tasks` or `task_runs`. */
	listKey: string;
	qs?: IDataObject;
	/**
	 * A list read with POST (`/v2/spans`): its filters go in this body, sent unchanged with every page, while `limit`
	 * and `cursor` stay in the query string. Such a POST only reads, so it is retried like a GET.
	 */
	body?: IDataObject;
	/** The endpoint's largest page; MAX_PAGE_SIZE unless it allows more. */
	maxPageSize?: number;
	itemIndex?: number;
}

/**
 * Returns the items of a list endpoint, following `next_cursor` while `has_more`. With a limit it asks each page for
 * no more than is still needed, so Limit 120 costs two calls (100 + 20); without one it asks for full pages.
 */
export async function arizeApiRequestAllItems(
	this: ArizeFunctions,
	list: ListRequest,
	limit?: number,
): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	const seenCursors = new Set<string>();
	let emptyPagesInARow = 0;
	let cursor: string | undefined;
	const maxPageSize = list.maxPageSize ?? MAX_PAGE_SIZE;
	do {
		const pageSize = limit === undefined ? maxPageSize : Math.min(maxPageSize, limit - items.length);
		const page = await arizeApiRequestPage.call(this, list, pageSize, cursor);
		items.push(...page.items);
		cursor = page.nextCursor;
		if (cursor === undefined) break;
		emptyPagesInARow = page.items.length === 0 ? emptyPagesInARow + 1 : 0;
		const problem = seenCursors.has(cursor)
			? 'returned the same page cursor twice'
			: emptyPagesInARow >= MAX_EMPTY_PAGES_IN_A_ROW
				? `returned ${emptyPagesInARow} empty pages in a row that all said there was more`
				: undefined;
		if (problem) {
			throw new NodeOperationError(this.getNode(), `Arize ${problem} for ${list.path}`, {
				description: 'Stopped paging to avoid an endless loop. Try again; if it persists, report it to Arize.',
				itemIndex: list.itemIndex,
			});
		}
		seenCursors.add(cursor);
	} while (cursor !== undefined && (limit === undefined || items.length < limit));
	return limit === undefined ? items : items.slice(0, limit);
}

/** One page of a list endpoint; `nextCursor` is set only when Arize says there is more. */
export async function arizeApiRequestPage(
	this: ArizeFunctions,
	list: ListRequest,
	pageSize: number,
	cursor?: string,
): Promise<{ items: IDataObject[]; nextCursor?: string }> {
	const page = (await arizeApiRequest.call(this, {
		method: list.body ? 'POST' : 'GET',
		path: list.path,
		qs: { ...list.qs, limit: pageSize, cursor },
		body: list.body,
		idempotent: true,
		itemIndex: list.itemIndex,
	})) as Page;
	const items = page[list.listKey];
	if (!Array.isArray(items) || typeof page.pagination?.has_more !== 'boolean') {
		throw new NodeApiError(this.getNode(), page as JsonObject, {
			message: `Arize returned a malformed page for ${list.path}`,
			description: `Expected "${list.listKey}" (a list) and "pagination.has_more" in the response.`,
			itemIndex: list.itemIndex,
		});
	}
	const nextCursor = page.pagination.has_more ? page.pagination.next_cursor : undefined;
	return { items: items as IDataObject[], nextCursor: nextCursor || undefined };
}

