import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { arizeApiRequestAllItems } from '../../shared/transport';

/**
 * Dropdowns that cannot be resource locators: evaluators sit inside a list of evaluators and experiments are a
 * multi-select. n8n loads these whole (and filters them as the user types), so each reads every page of its lookup
 * endpoint at the largest page size.
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
