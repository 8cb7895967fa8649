import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Building blocks of the structured fields of Create and Update (the evaluator list, the run configuration): each can
 * be filled in field by field or given as JSON, which also takes expressions.
 */

export const inputModeOptions = [
	{ name: 'Using Fields Below', value: 'fields' },
	{ name: 'Using JSON', value: 'json' },
];

export const withShow = (show: IDisplayOptions['show'], extra: IDisplayOptions['show'] = {}): IDisplayOptions => ({
	show: { ...show, ...extra },
});

/** Name/value pair lists such as column mappings, as a fixedCollection; `key` and `value` add to their two fields. */
export function pairs(
	displayName: string,
	name: string,
	keyLabel: string,
	valueLabel: string,
	placeholder: string,
	key: Partial<INodeProperties> = {},
	value: Partial<INodeProperties> = {},
) {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder,
		default: {},
		options: [
			{
				displayName: 'Pair',
				name: 'pair',
				values: [
					{ displayName: keyLabel, name: 'key', type: 'string', default: '', ...key },
					{ displayName: valueLabel, name: 'value', type: 'string', default: '', ...value },
				],
			},
		],
	} satisfies INodeProperties;
}

/** Reads a JSON parameter that may hold text or, through an expression, an already parsed value. */
export function jsonParameter(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
): unknown {
	const value = context.getNodeParameter(name, itemIndex);
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), `${label} is not valid JSON`, {
			description: (error as Error).message,
			itemIndex,
		});
	}
}

export function jsonObjectParameter(context: IExecuteFunctions, name: string, label: string, itemIndex: number): IDataObject {
	const value = jsonParameter(context, name, label, itemIndex);
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw new NodeOperationError(context.getNode(), `${label} must be a JSON object`, { itemIndex });
	}
	return value as IDataObject;
}

export type Pairs = { pair?: Array<{ key: string; value: string }> };

export const pairsToMap = (collection: Pairs | undefined): Record<string, string> | undefined => {
	const entries = (collection?.pair ?? []).filter(({ key }) => key.trim() !== '');
	return entries.length ? Object.fromEntries(entries.map(({ key, value }) => [key.trim(), value])) : undefined;
};
