import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as task from './task/Task.resource';
import * as taskRun from './taskRun/TaskRun.resource';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject | IDataObject[]>;

const operations: Record<string, Record<string, OperationExecute>> = {
	task: {
		create: task.create.execute,
		delete: task.delete.execute,
		get: task.get.execute,
		getAll: task.getAll.execute,
		trigger: task.trigger.execute,
		update: task.update.execute,
	},
	taskRun: {
		cancel: taskRun.cancel.execute,
		get: taskRun.get.execute,
		getAll: taskRun.getAll.execute,
		wait: taskRun.wait.execute,
	},
};

/** Runs the chosen operation once per input item; each output item is paired with the item it came from. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for "${resource}"`);
	}

	const output: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await execute.call(this, itemIndex);
			const paired = this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(result), {
				itemData: { item: itemIndex },
			});
			// One push per item: spreading >120k items into push() overflows the call stack.
			for (const item of paired) output.push(item);
		} catch (caught) {
			const error =
				caught instanceof NodeApiError || caught instanceof NodeOperationError
					? caught
					: new NodeOperationError(this.getNode(), caught as Error, { itemIndex });
			if (!this.continueOnFail()) throw error;
			output.push({
				json: {
					error: error.message,
					...(error.description && { description: error.description }),
					...(error instanceof NodeApiError && error.httpCode && { httpCode: error.httpCode }),
				},
				pairedItem: { item: itemIndex },
			});
		}
	}
	return [output];
}
