import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchEvaluator } from '../helpers/evaluators';
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

/** The evaluator type each evaluation task type runs (the evaluator list has no type filter, so the node filters it). */
const evaluatorTypeFor: Record<string, string> = { TEMPLATE_EVALUATION: 'TEMPLATE', CODE_EVALUATION: 'CODE' };

/** At most this many templates are read per list, one GET each; further evaluators are listed without variables. */
const MAX_TEMPLATES_READ = 20;

/** The {variable} (or {{variable}}) placeholders of an evaluation template, in order of first use. */
function templateVariables(template: string): string[] {
	const names = [...template.matchAll(/\{\{?\s*([A-Za-z_][\w.]*)\s*\}?\}/g)].map((match) => match[1]);
	return [...new Set(names)];
}

/** What the latest version's template expects, e.g. "expects {input}, {output}"; undefined when it cannot be read. */
async function expectedVariables(context: ILoadOptionsFunctions, evaluatorId: string): Promise<string | undefined> {
	const evaluator = await fetchEvaluator(context, evaluatorId).catch(() => undefined);
	const template = evaluator?.version?.template_config?.template;
	if (typeof template !== 'string') return undefined;
	const variables = templateVariables(template);
	return variables.length ? `expects ${variables.map((name) => `{${name}}`).join(', ')}` : 'expects no variables';
}

/**
 * The evaluators that fit the Task Type: TEMPLATE for Template Evaluation, CODE for Code Evaluation. A template
 * evaluator's entry says which variables its latest version expects (GET /v2/evaluators/{id}, at most
 * MAX_TEMPLATES_READ of them), the names to map under Column Mappings.
 */
export async function getEvaluators(this: ILoadOptionsFunctions) {
	const wanted = evaluatorTypeFor[String(this.getCurrentNodeParameter('taskType') ?? '')];
	const evaluators = (await arizeApiRequestAllItems.call(this, { path: '/v2/evaluators', listKey: 'evaluators' })).filter(
		(evaluator) => !wanted || String(evaluator.type).toUpperCase() === wanted,
	);
	const variables = await Promise.all(
		evaluators.map(async (evaluator, i) =>
			wanted === 'TEMPLATE' && i < MAX_TEMPLATES_READ ? await expectedVariables(this, String(evaluator.id)) : undefined,
		),
	);
	return evaluators.map((evaluator, i) => ({
		name: String(evaluator.name),
		value: String(evaluator.id),
		description: [`${String(evaluator.type).toUpperCase()} evaluator`, variables[i], evaluator.description]
			.filter(Boolean)
			.join(' · '),
	}));
}

export async function getDatasetExperiments(this: ILoadOptionsFunctions) {
	const datasetId = this.getCurrentNodeParameter('datasetId', { extractValue: true }) as string | undefined;
	if (!datasetId) return [];
	return await loadAll(this, '/v2/experiments', 'experiments', { dataset_id: datasetId });
}
