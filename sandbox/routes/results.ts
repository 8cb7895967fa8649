import { FilterError, matches } from '../filter.ts';
import { paginate } from '../pagination.ts';
import { presentEvaluatorVersion, presentEvaluatorWithVersion, presentExperiment, presentExperimentRun, presentSpan } from '../present.ts';
import { badRequest, notFound, unprocessable } from '../problems.ts';
import type { Route, RouteContext } from '../router.ts';
import { parseSpanFilter, spanColumns } from '../run-effects.ts';
import type { Evaluator, Experiment } from '../types.ts';
import { expectObject, readDateTime, readRequiredString, readString, rejectUnknownKeys } from '../validate.ts';
import { newestFirst } from './filters.ts';

// Where a finished run's results are read. Experiments and their runs, spans and the
// evaluator versions that name the evaluations.

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const SPAN_BODY_FIELDS = ['project_id', 'start_time', 'end_time', 'filter'];
const iso = (ms: number) => new Date(ms).toISOString();

function experimentOrThrow({ store, params }: RouteContext): Experiment {
	const experiment = store.experiments.get(params.experiment_id);
	if (!experiment) throw notFound(`Experiment '${params.experiment_id}' was not found, or you do not have access to it.`);
	return experiment;
}

function getExperiment(context: RouteContext) {
	return { status: 200, body: presentExperiment(experimentOrThrow(context)) };
}

function listExperimentRuns(context: RouteContext) {
	const experiment = experimentOrThrow(context);
	// Limit 1–500, default 50; stable insertion order.
	const { page, pagination } = paginate(
		context.store.experimentRunsOf(experiment.id),
		context.query,
		`experiment_runs:${experiment.id}`,
		{},
		{ maxLimit: 500 },
	);
	return { status: 200, body: { experiment_runs: page.map(presentExperimentRun), pagination } };
}

/**
 * Limit and cursor in the query string, the filters in the body. The window matches span start times:
 * start_time inclusive (default one week before now), end_time exclusive (default now). Newest start first.
 */
function listSpans({ store, query, body, casing }: RouteContext) {
	const raw = body();
	if (raw === undefined) throw badRequest("A JSON request body with 'project_id' is required.");
	const request = expectObject(raw, 'The request body');
	rejectUnknownKeys(request, SPAN_BODY_FIELDS, '', (key) =>
		key === 'limit' || key === 'cursor' ? `'${key}' goes in the query string of POST /v2/spans, not in the body.` : undefined,
	);
	const projectId = readRequiredString(request, 'project_id', '');
	const startMs = readDateTime(request, 'start_time', '');
	const endMs = readDateTime(request, 'end_time', '');
	const filterText = readString(request, 'filter', '') ?? undefined;
	// A filter, if present, must not be empty or whitespace. The sandbox answers 400 (the shape is wrong),
	// as it does for an unparsable filter; 422 is left for values such as a window that ends before it starts.
	if (filterText !== undefined && filterText.trim() === '') {
		throw badRequest("The 'filter' field must not be empty or whitespace; omit it to list every span in the window.");
	}
	let filter;
	try {
		filter = filterText === undefined ? undefined : parseSpanFilter(filterText);
	} catch (error) {
		if (error instanceof FilterError) throw badRequest(`The 'filter' field is not a valid filter: ${error.message}.`);
		throw error;
	}
	if (!store.projects.has(projectId)) throw notFound(`Project '${projectId}' was not found, or you do not have access to it.`);
	const now = store.now();
	const start = startMs ?? now - WEEK_MS;
	const end = endMs ?? now;
	if (start >= end) throw unprocessable(`start_time (${iso(start)}) must be before end_time (${iso(end)}).`);

	const inWindow = store.spansOf(projectId).filter((span) => {
		const at = Date.parse(span.start_time);
		return at >= start && at < end;
	});
	const passing = filter ? inWindow.filter((span) => matches(filter, spanColumns(span))) : inWindow;
	const spans = newestFirst(passing, (span) => span.start_time).map((span) => ({ id: span.context.span_id, span }));
	// The cursor is tied to the body: a page asked for with another project, window or filter is a 400. A defaulted
	// window is worked out again on every page; resuming after the last span returned keeps pages from overlapping.
	const { page, pagination } = paginate(
		spans,
		query,
		`spans:${projectId}`,
		{
			start_time: startMs === undefined ? undefined : iso(startMs),
			end_time: endMs === undefined ? undefined : iso(endMs),
			filter: filterText,
		},
		{ maxLimit: 500 },
	);
	return { status: 200, body: { spans: page.map((entry) => presentSpan(entry.span, casing)), pagination } };
}

function evaluatorOrThrow({ store, params }: RouteContext): Evaluator {
	const evaluator = store.evaluators.get(params.evaluator_id);
	if (!evaluator) throw notFound(`Evaluator '${params.evaluator_id}' was not found.`);
	return evaluator;
}

/**
 * EvaluatorWithVersion. Without version_id the latest version; a version_id that is not one of this
 * evaluator's versions (missing, or another evaluator's) is a 404, like a dataset version of another dataset.
 */
function getEvaluator(context: RouteContext) {
	const evaluator = evaluatorOrThrow(context);
	const versionId = context.query.get('version_id');
	if (versionId === null) return { status: 200, body: presentEvaluatorWithVersion(evaluator, evaluator.versions.at(-1), context.casing) };
	if (versionId.trim() === '') throw badRequest("Query parameter 'version_id' must not be empty; omit it for the latest version.");
	const version = evaluator.versions.find((candidate) => candidate.id === versionId);
	if (!version) throw notFound(`Evaluator version '${versionId}' is not a version of evaluator '${evaluator.id}'.`);
	return { status: 200, body: presentEvaluatorWithVersion(evaluator, version, context.casing) };
}

function listEvaluatorVersions(context: RouteContext) {
	const evaluator = evaluatorOrThrow(context);
	// Order is undocumented; newest first puts "latest" at the top of a dropdown.
	const versions = [...evaluator.versions].reverse();
	const { page, pagination } = paginate(versions, context.query, `evaluator_versions:${evaluator.id}`, {});
	return {
		status: 200,
		body: { evaluator_versions: page.map((version) => presentEvaluatorVersion(version, evaluator, context.casing)), pagination },
	};
}

function getEvaluatorVersion({ store, params, casing }: RouteContext) {
	for (const evaluator of store.evaluators.values()) {
		const version = evaluator.versions.find((candidate) => candidate.id === params.version_id);
		if (version) return { status: 200, body: presentEvaluatorVersion(version, evaluator, casing) };
	}
	throw notFound(`Evaluator version '${params.version_id}' was not found.`);
}

export const resultRoutes: Route[] = [
	{ method: 'GET', pattern: '/v2/experiments/:experiment_id', handler: getExperiment },
	{ method: 'GET', pattern: '/v2/experiments/:experiment_id/runs', handler: listExperimentRuns },
	{ method: 'POST', pattern: '/v2/spans', handler: listSpans },
	{ method: 'GET', pattern: '/v2/evaluators/:evaluator_id', handler: getEvaluator },
	{ method: 'GET', pattern: '/v2/evaluators/:evaluator_id/versions', handler: listEvaluatorVersions },
	{ method: 'GET', pattern: '/v2/evaluator-versions/:version_id', handler: getEvaluatorVersion },
];
