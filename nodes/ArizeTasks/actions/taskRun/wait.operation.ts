import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readWaitSettings, waitForRun, waitProperties } from '../waiting';
import { fetchRun, runIdField } from './common';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['taskRun'], operation: ['wait'] } },
	[runIdField, ...waitProperties({})],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const settings = readWaitSettings(this, itemIndex);
	return await waitForRun(this, await fetchRun(this, itemIndex), settings, itemIndex);
}
