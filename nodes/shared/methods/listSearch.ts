import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { taskLabels } from '../taskLabel';
import { arizeApiRequestPage, MAX_PAGE_SIZE } from '../transport';

export interface ListShape {
	/** The entry's description under its name. */
	describe?: (item: IDataObject) => string | undefined;
	qs?: IDataObject;
	/** The entries' names, from the whole page (a name may depend on the other entries); default: `name`. */
	names?: (items: IDataObject[]) => string[];
	/** Which entries of a page the list shows (a page may then show fewer than it holds); default: all. */
	include?: (item: IDataObject) => boolean;
}

/** One page of a lookup list, filtered by the typed text; one request per page the user scrolls to. */
export async function searchList(
	context: ILoadOptionsFunctions,
	path: string,
	listKey: string,
	filter: string | undefined,
	paginationToken: string | undefined,
	{ describe = () => undefined, qs = {}, names = (items) => items.map((item) => String(item.name)), include = () => true }: ListShape = {},
): Promise<INodeListSearchResult> {
	const page = await arizeApiRequestPage.call(
		context,
		{ path, listKey, qs: { ...qs, name: filter?.trim() } },
		MAX_PAGE_SIZE,
		paginationToken,
	);
	const items = page.items.filter(include);
	const listed = names(items);
	return {
		results: items.map((item, i) => ({
			name: listed[i],
			value: String(item.id),
			description: describe(item),
		})),
		paginationToken: page.nextCursor,
	};
}

/** Tasks are named with their type and the end of their ID (see taskLabel.ts): n8n's list shows names only. */
export const TASK_LIST: ListShape = {
	names: (tasks) => taskLabels(tasks.map(({ id, name, type }) => ({ id: String(id), name: String(name), type: String(type) }))),
};

export async function searchTasks(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
	return await searchList(this, '/v2/tasks', 'tasks', filter, paginationToken, TASK_LIST);
}

export async function searchSpaces(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
	return await searchList(this, '/v2/spaces', 'spaces', filter, paginationToken);
}

export async function searchProjects(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
	return await searchList(this, '/v2/projects', 'projects', filter, paginationToken);
}

export async function searchDatasets(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
	return await searchList(this, '/v2/datasets', 'datasets', filter, paginationToken);
}
