import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { searchList } from '../../shared/methods/listSearch';

export { searchSpaces, searchTasks } from '../../shared/methods/listSearch';

export async function searchOrganizations(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
	return await searchList(this, '/v2/organizations', 'organizations', filter, paginationToken, {
		describe: (organization) => (organization.description ? String(organization.description) : undefined),
	});
}

export async function searchPrompts(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
	return await searchList(this, '/v2/prompts', 'prompts', filter, paginationToken, {
		describe: (prompt) => (prompt.description ? String(prompt.description) : undefined),
	});
}

export async function searchEvaluators(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
	return await searchList(this, '/v2/evaluators', 'evaluators', filter, paginationToken, {
		describe: (evaluator) => [evaluator.type, evaluator.description].filter(Boolean).join(' · ') || undefined,
	});
}
