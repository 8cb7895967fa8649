import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { simplifyProperties, simplifyTaskRun, wantsSimplified } from '../simplify';
import { fetchRun, runIdField } from './common';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['taskRun'], operation: ['get'] } },
	[runIdField, ...simplifyProperties],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const run = await fetchRun(this, itemIndex);
	return wantsSimplified(this, itemIndex) ? simplifyTaskRun(run) : run;
}
