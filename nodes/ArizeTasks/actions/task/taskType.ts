import type { INodeProperties } from 'n8n-workflow';

import { taskTypeOptions } from '../../../shared/descriptions';

/** The Task Type selector that decides which fields an operation shows; not an expression, so the form can follow it. */
export function taskTypeSelector(description?: string): INodeProperties {
	return {
		displayName: 'Task Type',
		name: 'taskType',
		type: 'options',
		noDataExpression: true,
		options: taskTypeOptions,
		default: 'TEMPLATE_EVALUATION',
		...(description && { description }),
	};
}
