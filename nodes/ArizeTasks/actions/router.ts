import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { readMaxConcurrency } from '../../shared/parameters';
import { RequestsStopped, useRequestGate } from '../../shared/transport';
import * as task from './task/Task.resource';
import * as taskRun from './taskRun/TaskRun.resource';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject | IDataObject[]>;

/** Each resource module re-exports its operation modules under their operation values (Task.resource.ts). */
const resources: Record<string, Record<string, { execute?: OperationExecute } | unknown>> = { task, taskRun };

/** The execute function of an operation of a resource, or undefined when there is none. */
function operationOf(resource: string, operation: string): OperationExecute | undefined {
	const module = resources[resource]?.[operation] as { execute?: OperationExecute } | undefined;
	return typeof module?.execute === 'function' ? module.execute : undefined;
}

type ItemOutcome = { result: IDataObject | IDataObject[] } | { error: NodeApiError | NodeOperationError; stopped: boolean };

/**
 * What a model should do after a failed call: the error item is all it reads. A 404 names nothing but the ID, so
 * the hint says where a valid ID comes from.
 */
function hintForModel(resource: string, operation: string, error: NodeApiError | NodeOperationError): string {
	if (!(error instanceof NodeApiError)) return 'The arguments are not valid: correct them as the error says and call again.';
	const status = Number(error.httpCode);
	if (status === 404 && resource === 'taskRun' && operation !== 'getAll') {
		return "No task run has this ID. List the runs of the run's task to find its ID, then call again with that ID.";
	}
	if (status === 404) {
		return "No Arize task has this ID. List the tasks (filtered by name) to find the task's ID, then call again with that ID.";
	}
	if (status === 401 || status === 403) {
		return 'Arize refused the credential: calling again will not help. Tell the user to check the Arize API credential.';
	}
	if (status >= 400 && status < 500 && status !== 429) {
		return 'Arize rejected the arguments: correct them as the error says and call again.';
	}
	return 'Arize could not answer now: try once more later, or tell the user.';
}

/**
 * Runs the chosen operation for every input item, side by side: the request gate (one per execution) bounds how many
 * requests are open at once, so an item waiting between two polls of its run holds no slot. The output keeps the
 * input order and each output item is paired with the item it came from. Without Continue On Fail a failing item
 * closes the gate to the items after it (they send nothing more; requests in flight finish) and the failed item with
 * the lowest index fails the node: the same error a loop over the items in order would have stopped at.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operationOf(resource, operation);
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for "${resource}"`);
	}
	const settings = this.getNodeParameter('requestOptions', 0, {}) as IDataObject;
	// An AI agent runs the `…Tool` variant n8n derives from this node. n8n hands a model only the message of a thrown
	// error, so a tool returns the error as an item with a hint on what to try, unless its On Error setting says Stop
	// Workflow.
	const runsAsTool = this.getNode().type.endsWith('Tool');
	const continueOnFail = this.continueOnFail() || (runsAsTool && this.getNode().onError !== 'stopWorkflow');
	const gate = useRequestGate(this, readMaxConcurrency(this.getNode(), settings.maxConcurrency), {
		stopOnFailure: !continueOnFail,
	});

	const runItem = async (itemIndex: number): Promise<ItemOutcome> => {
		try {
			return { result: await execute.call(this, itemIndex) };
		} catch (caught) {
			const stopped = caught instanceof RequestsStopped;
			if (!stopped && !continueOnFail) gate.stop(itemIndex);
			const error =
				caught instanceof NodeApiError || caught instanceof NodeOperationError
					? caught
					: new NodeOperationError(this.getNode(), caught as Error, { itemIndex });
			return { error, stopped };
		}
	};
	const outcomes = await Promise.all(this.getInputData().map((_, itemIndex) => runItem(itemIndex)));

	if (!continueOnFail) {
		const failed = outcomes.find((outcome) => 'error' in outcome && !outcome.stopped);
		const cause = failed ?? outcomes.find((outcome) => 'error' in outcome);
		if (cause && 'error' in cause) throw cause.error;
	}
	const output: INodeExecutionData[] = [];
	outcomes.forEach((outcome, itemIndex) => {
		if ('error' in outcome) {
			const { error } = outcome;
			output.push({
				json: {
					error: error.message,
					...(error.description && { description: error.description }),
					...(error instanceof NodeApiError && error.httpCode && { httpCode: error.httpCode }),
					...(runsAsTool && { hint: hintForModel(resource, operation, error) }),
				},
				pairedItem: { item: itemIndex },
			});
			return;
		}
		const paired = this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(outcome.result), {
			itemData: { item: itemIndex },
		});
		// One push per item: spreading >120k items into push() overflows the call stack.
		for (const item of paired) output.push(item);
	});
	return [output];
}
