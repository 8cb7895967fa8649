import { paginate } from '../pagination.ts';
import {
	presentAiIntegration,
	presentDataset,
	presentDatasetExample,
	presentEvaluator,
	presentExperiment,
	presentIntegration,
	presentProject,
	presentSpace,
} from '../present.ts';
import { badRequest, notFound } from '../problems.ts';
import type { Route, RouteContext } from '../router.ts';
import { INTEGRATION_TYPES } from '../types.ts';
import type { AiIntegration, Integration } from '../types.ts';
import { requestEnum } from '../enums.ts';
import { readQueryText } from '../validate.ts';
import { containsIgnoringCase, inSpace, newestFirst, readSpaceFilters } from './filters.ts';

// The lookups behind the node's dropdowns. All are paginated lists except GET /v2/datasets/{id}.

function listSpaces({ store, query }: RouteContext) {
	// /v2/spaces declares no 404, so an unknown org_id simply matches nothing.
	const orgId = query.get('org_id') ?? undefined;
	const name = readQueryText(query, 'name');
	const spaces = [...store.spaces.values()].filter(
		(space) => (orgId === undefined || space.org_id === orgId) && containsIgnoringCase(space.name, name),
	);
	const { page, pagination } = paginate(spaces, query, 'spaces', { org_id: orgId, name });
	return { status: 200, body: { spaces: page.map(presentSpace), pagination } };
}

function getSpace({ store, params }: RouteContext) {
	const space = store.spaces.get(params.space_id);
	if (!space) throw notFound(`Space '${params.space_id}' was not found, or you do not have access to it.`);
	return { status: 200, body: presentSpace(space) };
}

function getProject({ store, params }: RouteContext) {
	const project = store.projects.get(params.project_id);
	if (!project) throw notFound(`Project '${params.project_id}' was not found, or you do not have access to it.`);
	return { status: 200, body: presentProject(project) };
}

function listProjects({ store, query }: RouteContext) {
	const space = readSpaceFilters(store, query);
	const name = readQueryText(query, 'name');
	const projects = [...store.projects.values()].filter(
		(project) => inSpace(store, project.space_id, space) && containsIgnoringCase(project.name, name),
	);
	const { page, pagination } = paginate(projects, query, 'projects', { ...space, name });
	return { status: 200, body: { projects: page.map(presentProject), pagination } };
}

function listDatasets({ store, query }: RouteContext) {
	const space = readSpaceFilters(store, query);
	const name = readQueryText(query, 'name');
	const datasets = newestFirst(store.datasets.values(), (dataset) => dataset.created_at).filter(
		(dataset) => inSpace(store, dataset.space_id, space) && containsIgnoringCase(dataset.name, name),
	);
	const { page, pagination } = paginate(datasets, query, 'datasets', { ...space, name });
	return { status: 200, body: { datasets: page.map((dataset) => presentDataset(dataset, false)), pagination } };
}

function datasetOrThrow({ store, params }: RouteContext) {
	const dataset = store.datasets.get(params.dataset_id);
	if (!dataset) throw notFound(`Dataset '${params.dataset_id}' was not found.`);
	return dataset;
}

function getDataset(context: RouteContext) {
	return { status: 200, body: presentDataset(datasetOrThrow(context), true) };
}

function listDatasetExamples(context: RouteContext) {
	const dataset = datasetOrThrow(context);
	const versionId = context.query.get('dataset_version_id') ?? undefined;
	if (versionId !== undefined && !dataset.versions.some((version) => version.id === versionId)) {
		throw notFound(`Dataset version '${versionId}' was not found in dataset '${dataset.id}'.`);
	}
	// The examples endpoint is the one list that allows up to 500 per page.
	const { page, pagination } = paginate(
		dataset.examples,
		context.query,
		`examples:${dataset.id}`,
		{ dataset_version_id: versionId },
		{ maxLimit: 500 },
	);
	return { status: 200, body: { examples: page.map((example) => presentDatasetExample(example, dataset)), pagination } };
}

function listExperiments({ store, query }: RouteContext) {
	const datasetId = query.get('dataset_id') ?? undefined;
	if (datasetId !== undefined && !store.datasets.has(datasetId)) {
		throw notFound(`Dataset '${datasetId}' was not found, or you do not have access to it.`);
	}
	// Experiments take space_id but no space_name, and the spec calls dataset_id with space_id a validation error.
	const spaceId = query.get('space_id') ?? undefined;
	if (datasetId !== undefined && spaceId !== undefined) {
		throw badRequest("Provide either 'dataset_id' or 'space_id', not both: a dataset already belongs to one space.");
	}
	if (spaceId !== undefined && !store.spaces.has(spaceId)) {
		throw notFound(`Space '${spaceId}' was not found, or you do not have access to it.`);
	}
	const name = readQueryText(query, 'name');
	store.tick(); // Runs that just started may have provisioned experiments.
	const experiments = [...store.experiments.values()].filter(
		(experiment) =>
			(datasetId === undefined || experiment.dataset_id === datasetId) &&
			(spaceId === undefined || experiment.space_id === spaceId) &&
			containsIgnoringCase(experiment.name, name),
	);
	const { page, pagination } = paginate(experiments, query, 'experiments', { dataset_id: datasetId, space_id: spaceId, name });
	return { status: 200, body: { experiments: page.map(presentExperiment), pagination } };
}

function listEvaluators({ store, query, casing }: RouteContext) {
	const space = readSpaceFilters(store, query);
	const name = readQueryText(query, 'name');
	// Most recently updated first. No type filter exists.
	const evaluators = newestFirst(store.evaluators.values(), (evaluator) => evaluator.updated_at).filter(
		(evaluator) => inSpace(store, evaluator.space_id, space) && containsIgnoringCase(evaluator.name, name),
	);
	const { page, pagination } = paginate(evaluators, query, 'evaluators', { ...space, name });
	return { status: 200, body: { evaluators: page.map((evaluator) => presentEvaluator(evaluator, casing)), pagination } };
}


function listAiIntegrations({ store, query, casing }: RouteContext) {
	const space = readSpaceFilters(store, query);
	const name = readQueryText(query, 'name');
	const integrations = [...store.aiIntegrations.values()].filter(
		(integration) => inSpace(store, integration.space_id, space) && containsIgnoringCase(integration.name, name),
	);
	const { page, pagination } = paginate(integrations, query, 'ai_integrations', { ...space, name });
	return {
		status: 200,
		body: { ai_integrations: page.map((integration) => presentAiIntegration(integration, store, casing)), pagination },
	};
}

function getAiIntegration({ store, params, casing }: RouteContext) {
	const integration = store.aiIntegrations.get(params.integration_id);
	if (!integration) throw notFound(`AI integration '${params.integration_id}' was not found, or you do not have access to it.`);
	return { status: 200, body: presentAiIntegration(integration, store, casing) };
}

function getIntegration({ store, params, casing }: RouteContext) {
	const integration = store.aiIntegrations.get(params.integration_id) ?? store.integrations.get(params.integration_id);
	if (!integration) throw notFound(`Integration '${params.integration_id}' was not found, or you do not have access to it.`);
	return { status: 200, body: presentIntegration(integration, store, casing) };
}

function listIntegrations({ store, query, casing }: RouteContext) {
	// `type` is optional: without it both kinds are listed, LLM first.
	const rawType = query.get('type');
	const type = rawType === null ? undefined : requestEnum(rawType, INTEGRATION_TYPES);
	if (rawType !== null && !type) {
		throw badRequest(`Query parameter 'type' must be one of ${INTEGRATION_TYPES.join(', ')}; got '${rawType}'.`);
	}
	const space = readSpaceFilters(store, query);
	const name = readQueryText(query, 'name');
	// LLM integrations share their ids with /v2/ai-integrations.
	const source: Array<AiIntegration | Integration> = [
		...(type === 'AGENT' ? [] : store.aiIntegrations.values()),
		...(type === 'LLM' ? [] : store.integrations.values()),
	];
	const integrations = source.filter(
		(integration) => inSpace(store, integration.space_id, space) && containsIgnoringCase(integration.name, name),
	);
	const { page, pagination } = paginate(integrations, query, 'integrations', { type, ...space, name });
	return {
		status: 200,
		body: { integrations: page.map((integration) => presentIntegration(integration, store, casing)), pagination },
	};
}

export const lookupRoutes: Route[] = [
	{ method: 'GET', pattern: '/v2/spaces', handler: listSpaces },
	{ method: 'GET', pattern: '/v2/spaces/:space_id', handler: getSpace },
	{ method: 'GET', pattern: '/v2/projects', handler: listProjects },
	{ method: 'GET', pattern: '/v2/projects/:project_id', handler: getProject },
	{ method: 'GET', pattern: '/v2/datasets', handler: listDatasets },
	{ method: 'GET', pattern: '/v2/datasets/:dataset_id', handler: getDataset },
	{ method: 'GET', pattern: '/v2/datasets/:dataset_id/examples', handler: listDatasetExamples },
	{ method: 'GET', pattern: '/v2/experiments', handler: listExperiments },
	{ method: 'GET', pattern: '/v2/evaluators', handler: listEvaluators },
	{ method: 'GET', pattern: '/v2/ai-integrations', handler: listAiIntegrations },
	{ method: 'GET', pattern: '/v2/ai-integrations/:integration_id', handler: getAiIntegration },
	{ method: 'GET', pattern: '/v2/integrations', handler: listIntegrations },
	{ method: 'GET', pattern: '/v2/integrations/:integration_id', handler: getIntegration },
];
