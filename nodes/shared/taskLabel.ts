import { taskTypeOptions } from './descriptions';
import type { TaskType } from './types';

/**
 * How a task is named in the Task list: `Nightly check (Template Evaluation · …cVdY)`. n8n's resource locator shows
 * only an entry's name (no description), so the name carries what tells same-name tasks apart: the type and the end
 * of the ID. The name is for people only; no code reads anything back from it.
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
