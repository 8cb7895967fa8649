import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { arizeApiRequest, arizePath } from '../../../shared/transport';
import type { TaskRun } from '../../../shared/types';
import { normaliseTaskRun } from '../../../shared/types';

export const runIdField: INodeProperties = {
	displayName: 'Run ID',
	name: 'runId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. VGFza1J1bjo5OTpxUndY',
	description: 'The ID of the task run, as Trigger Run returns it',
};

export function getRunId(context: IExecuteFunctions, itemIndex: number): string {
	const runId = String(context.getNodeParameter('runId', itemIndex, '')).trim();
	if (!runId) throw new NodeOperationError(context.getNode(), 'Run ID is empty', { itemIndex });
	return runId;
}

export async function fetchRun(context: IExecuteFunctions, itemIndex: number): Promise<TaskRun> {
	const path = arizePath`/v2/task-runs/${getRunId(context, itemIndex)}`;
	return normaliseTaskRun(await arizeApiRequest.call(context, { method: 'GET', path, itemIndex }));
}
