import type { INodeProperties } from 'n8n-workflow';

import { arizeLocator } from '../shared/descriptions';
import { EVENTS, PERMISSION_NEEDED, PROMPT_EVENTS } from './events';

const showFor = (events: string[], extra: Record<string, string[]> = {}) => ({
	displayOptions: { show: { events, ...extra } },
});

export const properties: INodeProperties[] = [
	{
		displayName:
			'Arize delivers to public addresses only: this n8n must be reachable from the internet at its webhook URL ' +
			'(set WEBHOOK_URL when n8n runs behind a proxy)',
		name: 'publicUrlNotice',
		type: 'notice',
		default: '',
	},
	{
		...arizeLocator('Organization', 'organizationId', 'searchOrganizations', 'T3JnYW5pemF0aW9uOjE6QWJDZA=='),
		description: 'The organization the webhook is registered in (webhooks belong to an organization in Arize)',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: [],
		options: [
			{
				name: EVENTS.EVALUATOR_VERSION_CREATED.displayName,
				value: 'EVALUATOR_VERSION_CREATED',
				description: 'A new version of an evaluator is saved',
			},
			{
				name: EVENTS.ONLINE_TASK_RUN_FAILED.displayName,
				value: 'ONLINE_TASK_RUN_FAILED',
				description:
					'A run of an online evaluation task fails (also one that wrote some evaluations first): sent when the task ' +
					'starts failing and again each time the cause changes. Arize sends no event for a run that succeeds.',
			},
			{
				name: EVENTS.PROMPT_VERSION_CREATED.displayName,
				value: 'PROMPT_VERSION_CREATED',
				description: 'A new version of a prompt is saved',
			},
			{
				name: EVENTS.PROMPT_VERSION_LABELED.displayName,
				value: 'PROMPT_VERSION_LABELED',
				description: 'A label (e.g. production) is put on a version of a prompt',
			},
			{
				name: EVENTS.PROMPT_VERSION_UNLABELED.displayName,
				value: 'PROMPT_VERSION_UNLABELED',
				description: 'A label is taken off a version of a prompt',
			},
		],
		description: 'The Arize events that start the workflow; each needs its source below',
	},
	{
		displayName: 'Failed Runs Of',
		name: 'taskScope',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'One Evaluation Task', value: 'task', description: 'Runs of a single online evaluation task' },
			{
				name: 'Every Evaluation Task in a Space',
				value: 'space',
				description: 'Runs of every evaluation task of the space, also of tasks created later',
			},
		],
		default: 'task',
		...showFor(['ONLINE_TASK_RUN_FAILED']),
	},
	{
		...arizeLocator('Task', 'taskId', 'searchEvaluationTasks', 'T25saW5lVGFzazo0NTpxUndY'),
		description: 'An online evaluation task (Template or Code Evaluation); Run Experiment tasks send no such event',
		hint: `Arize requires ${PERMISSION_NEEDED.ONLINE_TASK}`,
		...showFor(['ONLINE_TASK_RUN_FAILED'], { taskScope: ['task'] }),
	},
	{
		...arizeLocator('Space', 'spaceId', 'searchSpaces', 'U3BhY2U6MTpBYkNk'),
		hint: `Arize requires ${PERMISSION_NEEDED.SPACE}`,
		...showFor(['ONLINE_TASK_RUN_FAILED'], { taskScope: ['space'] }),
	},
	{
		...arizeLocator('Prompt', 'promptId', 'searchPrompts', 'UHJvbXB0OjE6QWJDZA=='),
		hint: `Arize requires ${PERMISSION_NEEDED.PROMPT}`,
		...showFor(PROMPT_EVENTS),
	},
	{
		...arizeLocator('Evaluator', 'evaluatorId', 'searchEvaluators', 'RXZhbHVhdG9yOjE6QWJDZA=='),
		hint: `Arize requires ${PERMISSION_NEEDED.EVALUATOR}`,
		...showFor(['EVALUATOR_VERSION_CREATED']),
	},
];
