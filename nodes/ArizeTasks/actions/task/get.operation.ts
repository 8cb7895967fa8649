import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { taskLocator } from '../../../shared/descriptions';
import { arizeApiRequest, arizePath } from '../../../shared/transport';
import { normaliseTask } from '../../../shared/types';
import { getTaskId } from '../common';
import { simplifyProperties, simplifyTask, wantsSimplified } from '../simplify';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['get'] } },
	[taskLocator, ...simplifyProperties],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = getTaskId(this, itemIndex);
	const task = await arizeApiRequest.call(this, { method: 'GET', path: arizePath`/v2/tasks/${taskId}`, itemIndex });
	const normalised = normaliseTask(task);
	return wantsSimplified(this, itemIndex) ? simplifyTask(normalised) : normalised;
}
