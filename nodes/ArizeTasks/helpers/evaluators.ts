import type { IDataObject } from 'n8n-workflow';

import type { ArizeFunctions } from '../../shared/transport';
import { arizeApiRequest, arizePath } from '../../shared/transport';

/** What the node reads of an evaluator version; HARNESS and REMOTE versions carry no config. */
export interface EvaluatorVersion extends IDataObject {
	template_config?: { name?: string; template?: string };
	code_config?: { name?: string };
}

export type EvaluatorWithVersion = IDataObject & { version?: EvaluatorVersion };

/** An evaluator with one of its versions: the given one, else the latest (GET /v2/evaluators/{id}). */
export async function fetchEvaluator(
	context: ArizeFunctions,
	evaluatorId: string,
	{ versionId, itemIndex }: { versionId?: string; itemIndex?: number } = {},
): Promise<EvaluatorWithVersion> {
	return (await arizeApiRequest.call(context, {
		method: 'GET',
		path: arizePath`/v2/evaluators/${evaluatorId}`,
		qs: { version_id: versionId },
		itemIndex,
	})) as EvaluatorWithVersion;
}

/** The name a version's results are written under: its eval column name, not the evaluator's display name. */
export function evaluationNameOf(version: EvaluatorVersion | undefined): string | undefined {
	const name = (version?.template_config ?? version?.code_config)?.name;
	return typeof name === 'string' && name ? name : undefined;
}
