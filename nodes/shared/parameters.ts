import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_MAX_CONCURRENCY, MAX_CONCURRENCY } from './transport/requestGate';

/** The ID a filter holds: a locator's value, or the plain string of a workflow saved before the filters were locators. */
function filterId(filter: unknown): string | undefined {
	const value = filter !== null && typeof filter === 'object' ? (filter as { value?: unknown }).value : filter;
	return value === undefined || value === null ? undefined : String(value).trim();
}

/** Maps the task filter parameters (descriptions.ts, taskFilterOptions) to the query of GET /v2/tasks. */
export function taskFilterQuery(filters: {
	spaceId?: unknown;
	spaceName?: string;
	name?: string;
	projectId?: unknown;
	datasetId?: unknown;
	type?: string;
}) {
	return {
		space_id: filterId(filters.spaceId),
		space_name: filters.spaceName,
		name: filters.name,
		project_id: filterId(filters.projectId),
		dataset_id: filterId(filters.datasetId),
		type: filters.type,
	};
}

/** Max Requests in Parallel as set (read once per execution), checked against its range. */
export function readMaxConcurrency(node: INode, value: unknown): number {
	const limit = value === undefined || value === '' ? DEFAULT_MAX_CONCURRENCY : Number(value);
	if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CONCURRENCY) {
		throw new NodeOperationError(
			node,
			`Max Requests in Parallel must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${String(value)}`,
			{ description: 'Change it under Request Options' },
		);
	}
	return limit;
}
