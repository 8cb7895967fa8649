import { taskTypeOptions } from './descriptions';
import type { TaskType } from './types';
import { TASK_TYPES } from './types';

/**
 * How a task is named in the Task list: `Nightly check (Template Evaluation · …cVdY)`. n8n's resource locator shows
 * only an entry's name (no description) and keeps it as the choice's `cachedResultName`, so the name carries what
 * tells same-name tasks apart: the type and the end of the ID. A task's type and ID never change (a PATCH cannot change them), so the label
 * kept in a workflow stays true, and Trigger Run and Update read the type back from it without a request.
 */

/** The end of the ID shown; longer where same-name tasks of one page would look alike. */
const MIN_ID_TAIL = 6;

const typeNames = new Map(taskTypeOptions.map((option) => [option.value as TaskType, option.name]));

/** The Task Type field's name for a type, e.g. "Run Experiment". */
export function taskTypeName(type: string): string {
	return typeNames.get(type.toUpperCase() as TaskType) ?? type;
}

/** The shortest end of each ID (at least MIN_ID_TAIL characters) that differs among tasks of the same name. */
function idTails(tasks: Array<{ id: string; name: string }>): string[] {
	return tasks.map(({ id, name }) => {
		const namesakes = tasks.filter((other) => other.name === name && other.id !== id).map((other) => other.id);
		let length = Math.min(MIN_ID_TAIL, id.length);
		while (length < id.length && namesakes.some((other) => other.endsWith(id.slice(-length)))) length++;
		return id.slice(-length);
	});
}

/** The list names of one page of tasks, in order. */
export function taskLabels(tasks: Array<{ id: string; name: string; type: string }>): string[] {
	const tails = idTails(tasks);
	return tasks.map((task, i) => `${task.name} (${taskTypeName(task.type)} · …${tails[i]})`);
}

const labelEnd = new RegExp(` \\((${[...typeNames.values()].join('|')}) · …([^\\s()]+)\\)$`);

/**
 * The task's name and type as the Task list named it, when `label` is such a name for the task `taskId` (the ID
 * must end as the label says); otherwise undefined (a choice saved before labels carried the type, or by ID).
 */
export function readTaskLabel(label: unknown, taskId: string): { name: string; type: TaskType } | undefined {
	if (typeof label !== 'string') return undefined;
	const match = labelEnd.exec(label);
	if (!match || !taskId.endsWith(match[2])) return undefined;
	const type = TASK_TYPES.find((candidate) => typeNames.get(candidate) === match[1]);
	return type && { name: label.slice(0, match.index), type };
}
