import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Task, TaskRun } from '../../shared/types';

const simplify: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: false,
	description: 'Whether to return a simplified version of the response instead of the raw data',
};

/** Node versions from which Simplify is on by default in the tool variant (`arizeTasksTool`). */
const simplifiedToolVersions = [{ _cnd: { gte: 1.1 } }];

/**
 * Simplify, on by default where the node runs as an AI agent's tool (n8n shows `@tool` parameters only in the
 * `…Tool` variant it derives from a `usableAsTool` node) and off elsewhere. n8n stores no parameter equal to its
 * default, so a saved node reads the default of its version: the tool variant of version 1 keeps its full output.
 * Three definitions of one parameter because `show` conditions combine with AND, and "not a tool, or version 1" is
 * an OR.
 */
export const simplifyProperties: INodeProperties[] = [
	{
		...simplify,
		default: true,
		displayOptions: { show: { '@tool': [true], '@version': simplifiedToolVersions } },
	},
	{ ...simplify, displayOptions: { show: { '@tool': [true], '@version': [{ _cnd: { lt: 1.1 } }] } } },
	{ ...simplify, displayOptions: { show: { '@tool': [false] } } },
];

export function wantsSimplified(context: IExecuteFunctions, itemIndex: number): boolean {
	return context.getNodeParameter('simplify', itemIndex, false) as boolean;
}

/**
 * What a person or a model needs to know about a task: what it is, what it evaluates, which evaluators, when it last
 * ran. Left out: column mappings, query filters, run configuration, user IDs (the saving is in test/node/agentTool.test.ts).
 */
export function simplifyTask(task: Task): IDataObject {
	const evaluators = Array.isArray(task.evaluators) ? (task.evaluators as IDataObject[]) : [];
	return {
		id: task.id,
		name: task.name,
		type: task.type,
		...(task.project_id ? { project_id: task.project_id } : {}),
		...(task.dataset_id ? { dataset_id: task.dataset_id } : {}),
		evaluator_names: evaluators.map((evaluator) => evaluator.evaluator_name ?? evaluator.evaluator_id),
		last_run_at: task.last_run_at,
		created_at: task.created_at,
		updated_at: task.updated_at,
	};
}

/** A run's status, counts and times; why it failed when it did. */
export function simplifyTaskRun(run: TaskRun): IDataObject {
	return {
		id: run.id,
		task_id: run.task_id,
		status: run.status,
		num_successes: run.num_successes,
		num_errors: run.num_errors,
		num_skipped: run.num_skipped,
		created_at: run.created_at,
		run_started_at: run.run_started_at,
		run_finished_at: run.run_finished_at,
		experiment_id: run.experiment_id ?? null,
		...(run.failure_reason ? { failure_reason: run.failure_reason } : {}),
	};
}
