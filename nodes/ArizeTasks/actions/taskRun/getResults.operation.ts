import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getLimit, returnAllOrLimit } from '../common';
import { fetchRun, runIdField } from './common';
import { readRunResults } from './results';
import { summariseResults } from './resultsSummary';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['taskRun'], operation: ['getResults'] } },
	[
		{
			...runIdField,
			hint:
				'Run Experiment runs: the runs of the experiment the run created. Evaluation runs: the labels of the ' +
				"task's evaluators on the data the run covered, as they are now: Arize does not record which run wrote a " +
				'label, and labels may appear some time after the run completes.',
		},
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			options: [
				{
					name: 'One Item per Result',
					value: 'results',
					description: 'Each experiment run or span as Arize returns it',
				},
				{
					name: 'Summary',
					value: 'summary',
					description:
						'One item: the number of results and errors, the error rate, and per evaluation and annotation name the count of each label and the mean score',
				},
			],
			default: 'results',
		},
		...returnAllOrLimit.map((property) =>
			property.name === 'returnAll'
				? { ...property, description: 'Whether to read all results or only up to a given limit; Summary counts what is read' }
				: property,
		),
	],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[]> {
	const limit = getLimit(this, itemIndex);
	const summary = this.getNodeParameter('output', itemIndex, 'results') === 'summary';
	const read = await readRunResults(this, await fetchRun(this, itemIndex), { limit, countLabels: summary }, itemIndex);
	return summary ? summariseResults(read) : read.results;
}
