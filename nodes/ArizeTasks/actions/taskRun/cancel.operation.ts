import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { arizeApiRequest, arizePath } from '../../../shared/transport';
import { normaliseTaskRun } from '../../../shared/types';
import { getRunId, runIdField } from './common';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['taskRun'], operation: ['cancel'] } },
	[{ ...runIdField, description: 'The run to cancel; only a PENDING or RUNNING run can be cancelled' }],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const path = arizePath`/v2/task-runs/${getRunId(this, itemIndex)}/cancel`;
	// Cancelling twice is harmless, so a dropped connection may be retried.
	const run = await arizeApiRequest.call(this, { method: 'POST', path, idempotent: true, itemIndex });
	return normaliseTaskRun(run);
}
