import { presentEvaluatorVersion } from '../present.ts';
import { notFound } from '../problems.ts';
import type { Route, RouteContext } from '../router.ts';
import { evaluatorVersionFromBody } from '../rules/evaluator-version-body.ts';
import { publishEvent } from '../webhooks/events.ts';

// POST /v2/evaluators/{id}/versions: a new version becomes the evaluator's latest at once (append-only) and sends
// evaluator.version.created to the webhooks subscribed on the evaluator.

function createEvaluatorVersion({ store, params, body, casing }: RouteContext) {
	const evaluator = store.evaluators.get(params.evaluator_id);
	if (!evaluator) throw notFound(`Evaluator '${params.evaluator_id}' was not found.`);
	const version = evaluatorVersionFromBody(body(), evaluator, store);
	evaluator.versions.push(version);
	evaluator.updated_at = version.created_at;
	publishEvent(store, 'EVALUATOR_VERSION_CREATED', [{ type: 'EVALUATOR', id: evaluator.id }], {
		evaluator_id: evaluator.id,
		version_id: version.id,
		space_id: evaluator.space_id,
	});
	return { status: 201, body: presentEvaluatorVersion(version, evaluator, casing) };
}

export const evaluatorVersionRoutes: Route[] = [
	{ method: 'POST', pattern: '/v2/evaluators/:evaluator_id/versions', handler: createEvaluatorVersion },
];
