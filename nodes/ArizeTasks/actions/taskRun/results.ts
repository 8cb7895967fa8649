import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	arizeApiRequest,
	arizeApiRequestAllItems,
	arizePath,
	MAX_RESULTS_PAGE_SIZE,
} from '../../../shared/transport';
import { evaluationNameOf, fetchEvaluator } from '../../helpers/evaluators';
import type { Task, TaskRun } from '../../../shared/types';
import { isRunExperiment, normaliseTask } from '../../../shared/types';

// Arize has no results endpoint: a run's results are read from what it wrote to. A Run Experiment
// run wrote an experiment; an evaluation task wrote labels onto the runs of its experiments (dataset tasks) or onto
// the spans of its project (project tasks). Nothing there names the run that wrote a label, so for evaluation tasks
// the results are the labels on the data the run covered, as they are now.

/** Where a run's results were read from, and what they are. */
export interface RunResults {
	run: TaskRun;
	/** Undefined for a Run Experiment run: its experiment is on the run, so the task is not read. */
	task?: Task;
	/** The evaluation names of the task's evaluators, which the results are counted under (evaluation tasks only). */
	evaluationNames?: string[];
	/** The experiments whose runs the results are (all but project-based evaluation tasks). */
	experiments?: Array<{ id: string; name: string }>;
	results: IDataObject[];
}

export interface ResultsRequest {
	limit: number | undefined;
	/** Whether the evaluation names are needed even where the reads do not need them: to count labels by name. */
	countLabels: boolean;
}

/** One GET of the run, one of its task when the run alone does not say where its results are, then the reads. */
export async function readRunResults(
	context: IExecuteFunctions,
	run: TaskRun,
	{ limit, countLabels }: ResultsRequest,
	itemIndex: number,
): Promise<RunResults> {
	// Only Run Experiment runs carry an experiment.
	if (run.experiment_id) {
		return { run, ...(await readExperiments(context, [String(run.experiment_id)], limit, itemIndex)) };
	}
	const task = await fetchTaskOfRun(context, run, itemIndex);
	if (isRunExperiment(task.type)) {
		throw new NodeOperationError(context.getNode(), `Task run '${run.id}' has no experiment yet (it is ${run.status})`, {
			description:
				'Arize creates the experiment of a Run Experiment run when the run starts. Wait for the run ' +
				'(Task Run → Wait, or Wait for Completion on Trigger Run) and then get its results.',
			itemIndex,
		});
	}
	if (task.dataset_id) {
		// The runs of an experiment are read whole, so the names only matter for counting: looked up meanwhile.
		const [names, read] = await Promise.all([
			countLabels ? readEvaluationNames(context, task, itemIndex) : undefined,
			readExperiments(context, (task.experiment_ids as string[] | undefined) ?? [], limit, itemIndex),
		]);
		return { run, task, evaluationNames: names && [...new Set(names.values())], ...read };
	}
	const names = await readEvaluationNames(context, task, itemIndex);
	const results = await readSpans(context, run, task, names, limit, itemIndex);
	return { run, task, evaluationNames: [...new Set(names.values())], results };
}

async function fetchTaskOfRun(context: IExecuteFunctions, run: TaskRun, itemIndex: number): Promise<Task> {
	let notFound: NodeApiError | undefined;
	const task = await arizeApiRequest
		.call(context, { method: 'GET', path: arizePath`/v2/tasks/${run.task_id}`, itemIndex })
		.catch((error: unknown) => {
			if (!(error instanceof NodeApiError && error.httpCode === '404')) return Promise.reject(error);
			notFound = error;
			return undefined;
		});
	if (!task) {
		throw new NodeOperationError(context.getNode(), `The task of run '${run.id}' no longer exists`, {
			description:
				`Arize answered "${notFound?.message}" for task '${run.task_id}'. Without the task it is not known ` +
				'where the run wrote its results.',
			itemIndex,
		});
	}
	return normaliseTask(task);
}

interface ExperimentRuns {
	experiment: { id: string; name: string };
	runs: IDataObject[];
}

/** The runs of each experiment, tagged with the experiment's id and name; the experiments are read side by side. */
async function readExperiments(
	context: IExecuteFunctions,
	experimentIds: string[],
	limit: number | undefined,
	itemIndex: number,
): Promise<Pick<RunResults, 'experiments' | 'results'>> {
	let read: ExperimentRuns[];
	if (limit === undefined) {
		read = await Promise.all(experimentIds.map((id) => readExperiment(context, id, undefined, itemIndex)));
	} else {
		// With a Limit, each experiment is asked only for what is still missing, and none once it is reached.
		read = [];
		let missing = limit;
		for (const id of experimentIds) {
			if (missing <= 0) break;
			const one = await readExperiment(context, id, missing, itemIndex);
			read.push(one);
			missing -= one.runs.length;
		}
	}
	return {
		experiments: read.map(({ experiment }) => experiment),
		results: read.flatMap(({ experiment, runs }) =>
			runs.map((run) => ({ ...run, experiment_id: experiment.id, experiment_name: experiment.name })),
		),
	};
}

async function readExperiment(
	context: IExecuteFunctions,
	experimentId: string,
	limit: number | undefined,
	itemIndex: number,
): Promise<ExperimentRuns> {
	const path = arizePath`/v2/experiments/${experimentId}`;
	const [experiment, runs] = await Promise.all([
		arizeApiRequest.call(context, { method: 'GET', path, itemIndex }),
		arizeApiRequestAllItems.call(
			context,
			{ path: `${path}/runs`, listKey: 'experiment_runs', maxPageSize: MAX_RESULTS_PAGE_SIZE, itemIndex },
			limit,
		),
	]);
	return { experiment: { id: String(experiment.id), name: String(experiment.name) }, runs };
}

/**
 * The spans of the task's project that started inside the run's data window and carry an evaluation of one of the
 * task's evaluators, each with its evaluations as Arize returns them.
 */
async function readSpans(
	context: IExecuteFunctions,
	run: TaskRun,
	task: Task,
	names: Map<string, string>,
	limit: number | undefined,
	itemIndex: number,
): Promise<IDataObject[]> {
	const body: IDataObject = {
		project_id: task.project_id,
		// Without a window Arize reads its default (the last week); the sandbox and Arize agree on that default.
		...(run.data_start_time && { start_time: run.data_start_time }),
		...(run.data_end_time && { end_time: run.data_end_time }),
		filter: spanFilter(task, names),
	};
	return await arizeApiRequestAllItems.call(
		context,
		{ path: '/v2/spans', listKey: 'spans', body, maxPageSize: MAX_RESULTS_PAGE_SIZE, itemIndex },
		limit,
	);
}

/**
 * Spans that carry a label of any of the task's evaluation names, narrowed like the task narrows what it evaluates:
 * by its own query filter and, per evaluator, by the evaluator's.
 */
export function spanFilter(task: Task, names: Map<string, string>): string {
	const evaluators = (task.evaluators as IDataObject[] | undefined) ?? [];
	const labelled = new Set(
		evaluators.map((evaluator) => {
			const labelledHere = `${evaluationColumn(names.get(String(evaluator.evaluator_id)) ?? '')}.label IS NOT NULL`;
			return evaluator.query_filter ? `(${evaluator.query_filter}) AND ${labelledHere}` : labelledHere;
		}),
	);
	const anyLabel = [...labelled].map((part) => (labelled.size > 1 ? `(${part})` : part)).join(' OR ');
	return task.query_filter ? `(${task.query_filter}) AND (${anyLabel})` : anyLabel;
}

/**
 * `eval.<name>` as a filter column. Arize documents no quoting for names with spaces or symbols
 * (docs/arize-api.md, what Arize leaves open); such names are written in double quotes, which is what SQL-like dialects use for identifiers.
 */
export function evaluationColumn(name: string): string {
	return /^[A-Za-z0-9_]+$/.test(name) ? `eval.${name}` : `eval."${name.replace(/"/g, '""')}"`;
}

/**
 * The evaluation name of each of the task's evaluators, by evaluator ID: the name its results are written under,
 * which is the version's eval column name, not the evaluator's display name.
 */
async function readEvaluationNames(
	context: IExecuteFunctions,
	task: Task,
	itemIndex: number,
): Promise<Map<string, string>> {
	const evaluators = (task.evaluators as IDataObject[] | undefined) ?? [];
	const named = await Promise.all(
		evaluators.map(async (evaluator) => {
			const id = String(evaluator.evaluator_id);
			const versionId = evaluator.evaluator_version_id ? String(evaluator.evaluator_version_id) : undefined;
			const found = await fetchEvaluator(context, id, { versionId, itemIndex });
			const name = evaluationNameOf(found.version);
			if (!name) {
				throw new NodeOperationError(
					context.getNode(),
					`The evaluator "${String(found.name ?? evaluator.evaluator_name ?? id)}" does not say its evaluation name`,
					{
						description:
							`Arize does not expose the configuration of ${String(found.type ?? 'this kind of')} evaluators, so ` +
							'the labels it writes cannot be told apart from others. Only template and code evaluators can be read.',
						itemIndex,
					},
				);
			}
			return [id, name] as const;
		}),
	);
	return new Map(named);
}
