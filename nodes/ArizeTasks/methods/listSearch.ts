import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { searchList } from '../../shared/methods/listSearch';

export { searchDatasets, searchProjects, searchSpaces, searchTasks } from '../../shared/methods/listSearch';

export async function searchAiIntegrations(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
	return await searchList(this, '/v2/ai-integrations', 'ai_integrations', filter, paginationToken, {
		describe: (integration) =>
			[integration.provider, ...((integration.model_names as string[]) ?? []).slice(0, 3)].filter(Boolean).join(' · '),
	});
}

export async function searchAgentIntegrations(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
	// Only agent integrations can run an AGENT_CALL experiment.
	return await searchList(this, '/v2/integrations', 'integrations', filter, paginationToken, {
		describe: (integration) => (integration.description ? String(integration.description) : undefined),
		qs: { type: 'AGENT' },
	});
}
