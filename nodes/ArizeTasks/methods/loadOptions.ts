import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { arizeApiRequestAllItems } from '../../shared/transport';

/**
 * Dropdowns inside lists (evaluators, experiments) and integrations. n8n loads these whole, so each reads every page
 * of its lookup endpoint at the largest page size.
 */
async function loadAll(
	context: ILoadOptionsFunctions,
	path: string,
	listKey: string,
	qs: IDataObject = {},
	describe: (item: IDataObject) => string | undefined = () => undefined,
): Promise<INodePropertyOptions[]> {
	const items = await arizeApiRequestAllItems.call(context, { path, listKey, qs });
	return items.map((item) => ({ name: String(item.name), value: String(item.id), description: describe(item) }));
}

export async function getEvaluators(this: ILoadOptionsFunctions) {
	return await loadAll(this, '/v2/evaluators', 'evaluators', {}, (evaluator) =>
		[evaluator.type && `${String(evaluator.type).toUpperCase()} evaluator`, evaluator.description]
			.filter(Boolean)
			.join(' · '),
	);
}

export async function getDatasetExperiments(this: ILoadOptionsFunctions) {
	const datasetId = this.getCurrentNodeParameter('datasetId', { extractValue: true }) as string | undefined;
	if (!datasetId) return [];
	return await loadAll(this, '/v2/experiments', 'experiments', { dataset_id: datasetId });
}

export async function getAiIntegrations(this: ILoadOptionsFunctions) {
	return await loadAll(this, '/v2/ai-integrations', 'ai_integrations', {}, (integration) =>
		[integration.provider, ...((integration.model_names as string[]) ?? []).slice(0, 3)].filter(Boolean).join(' · '),
	);
}

export async function getAgentIntegrations(this: ILoadOptionsFunctions) {
	// The integrations list requires a type (§6).
	return await loadAll(this, '/v2/integrations', 'integrations', { type: 'AGENT' }, (integration) =>
		integration.description ? String(integration.description) : undefined,
	);
}
