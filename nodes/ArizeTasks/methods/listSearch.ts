import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { arizeApiRequestPage, MAX_PAGE_SIZE } from '../../shared/transport';

const humanTaskType: Record<string, string> = {
	TEMPLATE_EVALUATION: 'Template evaluation',
	CODE_EVALUATION: 'Code evaluation',
	RUN_EXPERIMENT: 'Run experiment',
};

/** Tasks whose name contains the typed text; one request per page the user scrolls to. */
export async function searchTasks(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await arizeApiRequestPage.call(
		this,
		{ path: '/v2/tasks', listKey: 'tasks', qs: { name: filter?.trim() } },
		MAX_PAGE_SIZE,
		paginationToken,
	);
	return {
		results: page.items.map((task) => ({
			name: String(task.name),
			value: String(task.id),
			description: humanTaskType[String(task.type).toUpperCase()],
		})),
		paginationToken: page.nextCursor,
	};
}
