import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { arizeApiRequest, arizePath, pause } from '../../shared/transport';
import type { TaskRun } from '../../shared/types';
import { isTerminal, normaliseTaskRun } from '../../shared/types';

/** Poll Interval, Timeout and On Timeout, shown under `show`. Shared by Trigger Run and Task Run → Wait. */
export function waitProperties(show: IDisplayOptions['show']): INodeProperties[] {
	return [
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5,
			description: 'How often to ask Arize for the run status',
			displayOptions: { show },
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'waitTimeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 600,
			description: 'How long to wait for the run to finish',
			displayOptions: { show },
		},
		{
			displayName: 'On Timeout',
			name: 'onTimeout',
			type: 'options',
			options: [
				{
					name: 'Stop With an Error',
					value: 'error',
					description: 'Fail the item with an error naming the run and its last status',
				},
				{
					name: 'Return the Run As It Is',
					value: 'returnLast',
					description: 'Output the last state of the run (still PENDING or RUNNING)',
				},
			],
			default: 'error',
			displayOptions: { show },
		},
	];
}

/**
 * Polls GET /v2/task-runs/{id} until the run is COMPLETED, FAILED or CANCELLED (§4.2), the timeout passes,
 * or the execution is cancelled. A run that is already terminal costs no request.
 */
export async function waitForRun(context: IExecuteFunctions, run: TaskRun, itemIndex: number): Promise<TaskRun> {
	const intervalMs = (context.getNodeParameter('pollInterval', itemIndex, 5) as number) * 1000;
	const timeoutMs = (context.getNodeParameter('waitTimeout', itemIndex, 600) as number) * 1000;
	const onTimeout = context.getNodeParameter('onTimeout', itemIndex, 'error') as string;
	const deadline = Date.now() + timeoutMs;

	let current = normaliseTaskRun(run);
	while (!isTerminal(current.status)) {
		const remaining = deadline - Date.now();
		if (remaining <= 0) {
			if (onTimeout === 'returnLast') return current;
			throw new NodeOperationError(
				context.getNode(),
				`Run ${current.id} did not finish within ${timeoutMs / 1000} s; its last status was ${current.status}`,
				{
					description: 'Raise the Timeout, or choose On Timeout → Return the Run As It Is and check it later',
					itemIndex,
				},
			);
		}
		if (!(await pause(context, Math.min(intervalMs, remaining)))) {
			throw new NodeOperationError(
				context.getNode(),
				`Stopped waiting for run ${current.id}: the execution was cancelled`,
				{ itemIndex },
			);
		}
		current = normaliseTaskRun(
			await arizeApiRequest.call(context, { method: 'GET', path: arizePath`/v2/task-runs/${current.id}`, itemIndex }),
		);
	}
	return current;
}
