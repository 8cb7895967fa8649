import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { taskTypeOptions } from '../../../shared/descriptions';
import { taskTypeName } from '../../../shared/taskLabel';
import type { ArizeRequest } from '../../../shared/transport';
import { arizeApiRequest, arizePath } from '../../../shared/transport';
import type { TaskType } from '../../../shared/types';
import { isRunExperiment } from '../../../shared/types';

/** The Task Type selector that decides which fields an operation shows; not an expression, so the form can follow it. */
export function taskTypeSelector(description?: string): INodeProperties {
	return {
		displayName: 'Task Type',
		name: 'taskType',
		type: 'options',
		noDataExpression: true,
		options: taskTypeOptions,
		default: 'TEMPLATE_EVALUATION',
		...(description && { description }),
	};
}

/** The Task Type chosen for an item, read once and passed down. */
export function readTaskType(context: IExecuteFunctions, itemIndex: number): TaskType {
	return context.getNodeParameter('taskType', itemIndex) as TaskType;
}

/**
 * Trigger Run and Update show the fields of the Task Type the user chose, and Arize picks the body's schema from the
 * task's real type: a wrong choice is answered with a 400 that names a field, not the choice. The request is sent as
 * it is, so a choice that fits costs no extra request; when Arize rejects the body (400 or 422), one GET of the task
 * tells whether the Task Type was the cause, and if so the error says so. Nothing was started then: Arize starts no
 * run and changes nothing on a rejected body.
 */
export async function sendForTaskType(
	context: IExecuteFunctions,
	taskId: string,
	chosen: TaskType,
	request: ArizeRequest & { itemIndex: number },
): Promise<IDataObject> {
	const { itemIndex } = request;
	const outcome = await arizeApiRequest.call(context, request).then(
		(answer) => ({ answer }),
		(error: unknown) => ({ error }),
	);
	if ('answer' in outcome) return outcome.answer;
	const rejected = outcome.error instanceof NodeApiError && ['400', '422'].includes(String(outcome.error.httpCode));
	const task = rejected ? await readTask(context, itemIndex, taskId) : undefined;
	// Template and Code Evaluation take the same fields, so only a Run Experiment choice on an evaluation task, or the
	// reverse, explains a rejected body.
	if (task && isRunExperiment(task.type) !== isRunExperiment(chosen)) {
		throw mismatch(context, itemIndex, chosen, task as { name: string; type: string }, outcome.error as NodeApiError);
	}
	throw outcome.error;
}

/** The task, or undefined when it cannot be read (the original error then stands). */
async function readTask(context: IExecuteFunctions, itemIndex: number, taskId: string) {
	return await arizeApiRequest
		.call(context, { method: 'GET', path: arizePath`/v2/tasks/${taskId}`, itemIndex })
		.catch(() => undefined);
}

function mismatch(
	context: IExecuteFunctions,
	itemIndex: number,
	chosen: string,
	task: { name: string; type: string },
	arizeError: NodeApiError,
): NodeOperationError {
	const real = taskTypeName(task.type);
	return new NodeOperationError(
		context.getNode(),
		`Task Type is ${taskTypeName(chosen)}, but the task "${task.name}" is a ${real} task`,
		{
			description:
				`Set Task Type to ${real}: it decides which fields this operation sends, and Arize accepts only the fields ` +
				`of the task's own type. Arize answered: ${arizeError.message}`,
			itemIndex,
		},
	);
}
