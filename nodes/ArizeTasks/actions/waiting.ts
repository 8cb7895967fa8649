import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { arizeApiRequest, arizePath, pause } from '../../shared/transport';
import type { TaskRun } from '../../shared/types';
import { isTerminal, normaliseTaskRun } from '../../shared/types';
import { numberFromText } from './common';

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

export interface WaitSettings {
	intervalMs: number;
	timeoutMs: number;
	onTimeout: string;
}

/**
 * Poll Interval, Timeout and On Timeout, checked before anything is sent. The editor keeps both numbers at 1 or more,
 * but an expression can give 0 or text that is no number, and either would make the loop below poll without pause.
 */
export function readWaitSettings(context: IExecuteFunctions, itemIndex: number): WaitSettings {
	const milliseconds = (name: string, label: string, fallback: number) => {
		const seconds = numberFromText(context.getNodeParameter(name, itemIndex, fallback));
		if (typeof seconds !== 'number' || !(seconds >= 1)) {
			throw new NodeOperationError(
				context.getNode(),
				`${label} must be a number of seconds, at least 1 (got ${String(seconds)})`,
				{ itemIndex },
			);
		}
		return seconds * 1000;
	};
	return {
		intervalMs: milliseconds('pollInterval', 'Poll Interval', 5),
		timeoutMs: milliseconds('waitTimeout', 'Timeout', 600),
		onTimeout: context.getNodeParameter('onTimeout', itemIndex, 'error') as string,
	};
}

/**
 * Polls GET /v2/task-runs/{id} until the run is COMPLETED, FAILED or CANCELLED, the timeout passes,
 * or the execution is cancelled. A run that is already terminal costs no request.
 */
export async function waitForRun(
	context: IExecuteFunctions,
	run: TaskRun,
	{ intervalMs, timeoutMs, onTimeout }: WaitSettings,
	itemIndex: number,
): Promise<TaskRun> {
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
