import { notFound } from '../problems.ts';
import type { Store } from '../store.ts';
import { readQueryText } from '../validate.ts';

// Filters shared by the list endpoints.

/** Name and space_name filters are case-insensitive substrings of at most 255 characters. */
export function containsIgnoringCase(value: string, needle: string | undefined): boolean {
	return needle === undefined || value.toLowerCase().includes(needle.toLowerCase());
}

export interface SpaceFilters {
	space_id?: string;
	space_name?: string;
}

/**
 * Reads space_id and space_name. A scoping filter that names a missing resource is a 404, not an empty list.
 */
export function readSpaceFilters(store: Store, query: URLSearchParams): SpaceFilters {
	const spaceId = query.get('space_id') ?? undefined;
	if (spaceId !== undefined && !store.spaces.has(spaceId)) {
		throw notFound(`Space '${spaceId}' was not found, or you do not have access to it.`);
	}
	return { space_id: spaceId, space_name: readQueryText(query, 'space_name') };
}

/** Whether a resource living in `spaceId` passes the space filters. */
export function inSpace(store: Store, spaceId: string | undefined, filters: SpaceFilters): boolean {
	if (filters.space_id !== undefined && spaceId !== filters.space_id) return false;
	if (filters.space_name !== undefined) {
		const space = spaceId === undefined ? undefined : store.spaces.get(spaceId);
		if (!space || !containsIgnoringCase(space.name, filters.space_name)) return false;
	}
	return true;
}

/** Sort newest first by a timestamp field, keeping insertion order for ties. */
export function newestFirst<T>(items: Iterable<T>, timestamp: (item: T) => string): T[] {
	return [...items]
		.map((item, index) => ({ item, index, at: timestamp(item) }))
		.sort((a, b) => (a.at === b.at ? a.index - b.index : a.at < b.at ? 1 : -1))
		.map(({ item }) => item);
}
