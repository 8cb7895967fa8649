import { createHash } from 'node:crypto';

import { badRequest } from './problems.ts';

// Every list endpoint takes `limit` (1–100, default 50) and an opaque `cursor`, and answers
// `{ <key>: [...], pagination: { has_more, next_cursor? } }` with next_cursor absent (not null) on the last page.
//
// The cursor is standard base64 of JSON { o: offset, a: id of the last item returned, f: fingerprint of the
// endpoint and its filters }. Standard base64 may contain '+', '/' and '=', so a client that does not encode it in the
// query string gets a 400, as it would from a real opaque token. Resuming prefers the position after `a` (so
// deletions between pages neither skip nor repeat items) and falls back to the offset if that item is gone.

export interface PageOptions {
	/** Largest allowed limit (100; 500 for dataset examples). */
	maxLimit?: number;
	defaultLimit?: number;
}

export interface Pagination {
	has_more: boolean;
	next_cursor?: string;
}

interface CursorPayload {
	o: number;
	a: string | null;
	f: string;
}

export type Filters = Record<string, string | undefined>;

/** Identifies the endpoint plus the filters a cursor was issued for; `limit` is not part of it and may change. */
function fingerprint(scope: string, filters: Filters): string {
	const entries = Object.entries(filters)
		.filter(([, value]) => value !== undefined)
		.sort(([a], [b]) => (a < b ? -1 : 1));
	return createHash('sha256')
		.update(JSON.stringify([scope, entries]))
		.digest('base64')
		.slice(0, 16);
}

export function parseLimit(query: URLSearchParams, options: PageOptions = {}): number {
	const maxLimit = options.maxLimit ?? 100;
	const raw = query.get('limit');
	if (raw === null) return options.defaultLimit ?? 50;
	if (!/^-?\d+$/.test(raw.trim())) {
		throw badRequest(`Query parameter 'limit' must be an integer between 1 and ${maxLimit}; got '${raw}'.`);
	}
	const limit = Number(raw.trim());
	if (limit < 1 || limit > maxLimit) {
		throw badRequest(`Query parameter 'limit' must be between 1 and ${maxLimit}; got ${limit}.`);
	}
	return limit;
}

function decodeCursor(raw: string): CursorPayload | undefined {
	try {
		const payload = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Partial<CursorPayload>;
		if (
			typeof payload === 'object' &&
			payload !== null &&
			Number.isInteger(payload.o) &&
			(payload.o as number) >= 0 &&
			typeof payload.f === 'string' &&
			(payload.a === null || typeof payload.a === 'string')
		) {
			return payload as CursorPayload;
		}
	} catch {
		// Falls through to the 400 below.
	}
	return undefined;
}

function encodeCursor(payload: CursorPayload): string {
	return Buffer.from(JSON.stringify(payload)).toString('base64');
}

/**
 * One page of `items` (already filtered and ordered) for this request. `scope` names the endpoint (e.g. 'tasks' or
 * 'task_runs:<task id>') and `filters` the normalised filter values, so a cursor only works where it was issued.
 */
export function paginate<T extends { id: string }>(
	items: readonly T[],
	query: URLSearchParams,
	scope: string,
	filters: Filters,
	options: PageOptions = {},
): { page: T[]; pagination: Pagination } {
	const limit = parseLimit(query, options);
	const print = fingerprint(scope, filters);
	let start = 0;
	const rawCursor = query.get('cursor');
	if (rawCursor !== null) {
		const cursor = decodeCursor(rawCursor);
		if (!cursor) {
			throw badRequest(
				"Query parameter 'cursor' is not a valid pagination cursor. Pass back pagination.next_cursor unchanged (URL-encoded).",
			);
		}
		if (cursor.f !== print) {
			throw badRequest(
				"Query parameter 'cursor' was issued for a different endpoint or different filters. Repeat the filters of the request that returned it.",
			);
		}
		start = resumePosition(items, cursor);
	}
	const page = items.slice(start, start + limit);
	const end = start + page.length;
	if (end >= items.length || page.length === 0) return { page, pagination: { has_more: false } };
	const next = encodeCursor({ o: end, a: page[page.length - 1].id, f: print });
	return { page, pagination: { has_more: true, next_cursor: next } };
}

function resumePosition<T extends { id: string }>(items: readonly T[], cursor: CursorPayload): number {
	if (cursor.a === null) return Math.min(cursor.o, items.length);
	if (items[cursor.o - 1]?.id === cursor.a) return cursor.o;
	const index = items.findIndex((item) => item.id === cursor.a);
	return index >= 0 ? index + 1 : Math.min(cursor.o, items.length);
}
