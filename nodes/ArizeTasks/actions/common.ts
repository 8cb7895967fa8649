import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Its range: the editor enforces it on typed numbers, getLimit on what an expression or a model gives. */
const limitField = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 1000 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
} satisfies INodeProperties;

/** Return All / Limit, as every n8n Get Many operation shows them. */
export const returnAllOrLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	limitField,
];

/**
 * n8n hands an expression's result over as it is, so a number field fed from text (a webhook, a sheet) holds "0.5",
 * not 0.5. Text that spells a number is read as that number; anything else, blank text included (which Number()
 * would turn into 0), is left as it is for the rules to report.
 */
export function numberFromText<T>(value: T): T | number {
	if (typeof value !== 'string' || value.trim() === '') return value;
	const number = Number(value);
	return Number.isFinite(number) ? number : value;
}

/** The same for boolean fields: "true" and "false" (any casing) from an expression are read as booleans. */
export function booleanFromText<T>(value: T): T | boolean {
	if (typeof value !== 'string') return value;
	const text = value.trim().toLowerCase();
	return text === 'true' ? true : text === 'false' ? false : value;
}

/**
 * The Limit to apply, or undefined for Return All. n8n checks the field's range only on numbers typed into it; a
 * limit from an expression or `$fromAI` arrives unchecked, and a model asking for 100000 would page through a whole
 * account. The range is enforced here, before any request.
 */
export function getLimit(context: IExecuteFunctions, itemIndex: number): number | undefined {
	if (context.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	const limit = numberFromText(context.getNodeParameter('limit', itemIndex, 50)) as number;
	const { minValue, maxValue } = limitField.typeOptions;
	if (!Number.isInteger(limit) || limit < minValue || limit > maxValue) {
		throw new NodeOperationError(
			context.getNode(),
			`Limit must be a whole number from ${minValue} to ${maxValue}, got ${JSON.stringify(limit)}`,
			{ itemIndex, description: `For more than ${maxValue} results, turn on Return All` },
		);
	}
	return limit;
}

/** The task ID from the Task resource locator, whatever mode the user picked. */
export function getTaskId(context: IExecuteFunctions, itemIndex: number): string {
	const taskId = context.getNodeParameter('taskId', itemIndex, '', { extractValue: true }) as string;
	if (typeof taskId !== 'string' || !taskId.trim()) {
		throw new NodeOperationError(context.getNode(), 'No task chosen', {
			description: 'Pick a task from the list or enter its ID in the Task field',
			itemIndex,
		});
	}
	return taskId.trim();
}

/** Throws the problem a rule found, before any request is sent. */
export function assertValid(context: IExecuteFunctions, problem: string | undefined, itemIndex: number): void {
	if (problem) throw new NodeOperationError(context.getNode(), problem, { itemIndex });
}

/** IDs given as a list, or as text separated by commas or new lines (handy in expressions). */
export function readIdList(value: unknown): string[] {
	const ids = Array.isArray(value) ? value : String(value ?? '').split(/[\n,]/);
	return ids.map((id) => String(id).trim()).filter((id) => id !== '');
}
