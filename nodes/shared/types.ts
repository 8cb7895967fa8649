import type { IDataObject } from 'n8n-workflow';

export const TASK_TYPES = ['TEMPLATE_EVALUATION', 'CODE_EVALUATION', 'RUN_EXPERIMENT'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** The two types that share one shape: evaluators over a project or a dataset. */
export const EVALUATION_TASK_TYPES: TaskType[] = ['TEMPLATE_EVALUATION', 'CODE_EVALUATION'];

/** Whether a task type (in either spelling) is Run Experiment, the one type whose bodies differ from the others. */
export function isRunExperiment(type: unknown): boolean {
	return typeof type === 'string' && type.toUpperCase() === 'RUN_EXPERIMENT';
}

export const TERMINAL_RUN_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type TaskRunStatus = 'PENDING' | 'RUNNING' | (typeof TERMINAL_RUN_STATUSES)[number];

/** A task as Arize returns it; fields the node does not read stay untyped. */
export interface Task extends IDataObject {
	id: string;
	name: string;
	type: TaskType;
	project_id?: string | null;
	dataset_id?: string | null;
	last_run_at: string | null;
}

/** A task run as Arize returns it. */
export interface TaskRun extends IDataObject {
	id: string;
	task_id: string;
	status: TaskRunStatus;
	created_at: string;
	run_started_at: string | null;
	run_finished_at: string | null;
}

export interface Page {
	pagination?: { has_more?: boolean; next_cursor?: string };
	[listKey: string]: unknown;
}

const upper = <T>(value: T): T => (typeof value === 'string' ? (value.toUpperCase() as T) : value);

/**
 * Arize switched every enum to UPPERCASE in July 2026; older deployments and docs answer in lowercase.
 * Outputs are normalised so workflows can compare against one spelling.
 */
export function normaliseTask(task: IDataObject): Task {
	const normalised: IDataObject = { ...task, type: upper(task.type) };
	const config = task.run_configuration as IDataObject | null | undefined;
	if (config && typeof config === 'object') {
		normalised.run_configuration = {
			...config,
			...('experiment_type' in config && { experiment_type: upper(config.experiment_type) }),
			...('input_variable_format' in config && {
				input_variable_format: upper(config.input_variable_format),
			}),
			...(Array.isArray(config.messages) && {
				messages: (config.messages as IDataObject[]).map((message) => ({
					...message,
					role: upper(message.role),
				})),
			}),
		};
	}
	return normalised as Task;
}

export function normaliseTaskRun(run: IDataObject): TaskRun {
	return { ...run, status: upper(run.status) } as TaskRun;
}

export function isTerminal(status: string): boolean {
	return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status.toUpperCase());
}
