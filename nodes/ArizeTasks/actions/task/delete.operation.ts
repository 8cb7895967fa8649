import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { taskLocator } from '../../../shared/descriptions';
import { arizeApiRequest, arizePath } from '../../../shared/transport';
import { getTaskId } from '../common';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['delete'] } },
	[
		{
			...taskLocator,
			description: "The task to delete. This can't be undone: its evaluator settings and runs are deleted too.",
		},
	],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = getTaskId(this, itemIndex);
	await arizeApiRequest.call(this, { method: 'DELETE', path: arizePath`/v2/tasks/${taskId}`, itemIndex });
	return { deleted: true, id: taskId };
}
