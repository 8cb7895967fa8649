import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { enumName } from '../../shared/descriptions';
import { searchList, TASK_LIST } from '../../shared/methods/listSearch';
import { isRunExperiment } from '../../shared/types';

export { searchSpaces } from '../../shared/methods/listSearch';

/** Only evaluation tasks: Arize sends Online Task Run Failed for nothing else, and activation refuses the others. */
export async function searchEvaluationTasks(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
	return await searchList(this, '/v2/tasks', 'tasks', filter, paginationToken, {
		...TASK_LIST,
		include: (task) => !isRunExperiment(task.type),
	});
}

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
		// Its type as a word (TEMPLATE → Template), then its description.
		describe: (evaluator) =>
			[evaluator.type ? enumName(String(evaluator.type)) : undefined, evaluator.description].filter(Boolean).join(' · ') || undefined,
	});
}
