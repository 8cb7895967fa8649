import type { INodeProperties } from 'n8n-workflow';

/** Settings of an evaluation task that both Create and Update take. */
export const queryFilterField: INodeProperties = {
	displayName: 'Query Filter',
	name: 'queryFilter',
	type: 'string',
	default: '',
	placeholder: "e.g. metadata.environment = 'production'",
	description: 'Only evaluate data matching this filter',
};

export const isContinuousField: INodeProperties = {
	displayName: 'Run Continuously',
	name: 'isContinuous',
	type: 'boolean',
	default: false,
	description: 'Whether the task evaluates new project data as it arrives (project tasks only)',
};

export const samplingRateField: INodeProperties = {
	displayName: 'Sampling Rate',
	name: 'samplingRate',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
	default: 1,
	description: 'Share of the data to evaluate, from 0 to 1 (project tasks only)',
};
