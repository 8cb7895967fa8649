import fc from 'fast-check';
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { SEED, SEED_EXAMPLE_IDS } from '../../sandbox/seed.ts';
import { runTasksNode, useArize } from '../arize';

/**
 * Random parameters for Create, Update and Trigger Run. Whatever a user types, the node either sends a request that
 * Arize (the sandbox) accepts, or stops with a NodeOperationError before sending anything: never an uncaught
 * exception, never a request that breaks a rule the node knows.
 */
const arize = useArize();
const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });
let unique = 0;
/** Both outcomes must occur in every property, or it tested nothing. */
const outcomes = { accepted: 0, refused: 0 };
beforeEach(() => Object.assign(outcomes, { accepted: 0, refused: 0 }));
afterEach(() => {
	expect(outcomes.accepted).toBeGreaterThan(0);
	expect(outcomes.refused).toBeGreaterThan(0);
});

// Values a user (or an expression) may put in a number field.
const numberish = fc.oneof(
	fc.double({ min: 0, max: 1, noNaN: true }),
	fc.double({ min: -2, max: 3, noNaN: true }),
	fc.constantFrom(0, 1, 0.5, Number.NaN),
	fc.double({ min: -2, max: 3, noNaN: true }).map(String),
	fc.constantFrom('', 'abc', ' 0.25 '),
);
const text = fc.oneof(fc.constantFrom('', '   '), fc.string({ minLength: 1, maxLength: 20 }));

/**
 * Text reaches the node through an expression, as it would from earlier nodes: n8n itself refuses to start a node
 * whose required field is empty in the form, and the point here is the node's own checks.
 */
async function expectAcceptedOrRefusedUpFront(parameters: INodeParameters, input: IDataObject = {}) {
	arize.sandbox.store.reset();
	arize.sandbox.clearRequests();
	const { error } = await runTasksNode(arize.credentials, parameters, { input: [input] });
	const statuses = arize.sandbox.requests.map((request) => request.status);
	outcomes[error ? 'refused' : 'accepted']++;
	if (error) {
		expect({ error: error.constructor.name, message: error.message, statuses }).toEqual({
			error: NodeOperationError.name,
			message: error.message,
			statuses: [],
		});
	} else {
		expect(statuses).toHaveLength(1);
		expect(statuses[0]).toBeGreaterThanOrEqual(200);
		expect(statuses[0]).toBeLessThan(300);
	}
}

const evaluatorIds = Object.values(SEED.evaluatorIds);
const experimentIds = Object.values(SEED.experimentIds);

describe('random input never reaches Arize broken', () => {
	it('Create (evaluation tasks)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.record({
					name: text,
					taskType: fc.constantFrom('TEMPLATE_EVALUATION', 'CODE_EVALUATION'),
					dataSource: fc.constantFrom('project', 'dataset'),
					experiments: fc.subarray(experimentIds),
					evaluators: fc.array(fc.constantFrom(...evaluatorIds), { maxLength: 3 }),
					options: fc.record(
						{ samplingRate: numberish, isContinuous: fc.boolean(), queryFilter: text },
						{ requiredKeys: [] },
					),
				}),
				async ({ name, taskType, dataSource, experiments, evaluators, options }) => {
					await expectAcceptedOrRefusedUpFront({
						resource: 'task',
						operation: 'create',
						name: '={{ $json.name }}',
						taskType,
						dataSource,
						projectId: byId(SEED.projectIds.supportChatbot),
						datasetId: byId(SEED.datasetId),
						experimentIds: '={{ $json.experiments }}',
						evaluatorsInput: 'fields',
						evaluators: { evaluator: evaluators.map((evaluatorId) => ({ evaluatorId })) },
						options,
					}, { name, experiments });
				},
			),
			{ numRuns: 100 },
		);
	}, 60_000);

	it('Update (a project evaluation task)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.record(
					{ name: text, samplingRate: numberish, isContinuous: fc.boolean(), queryFilter: text, clearQueryFilter: fc.boolean() },
					{ requiredKeys: [] },
				),
				async (updateFields) => {
					await expectAcceptedOrRefusedUpFront({
						resource: 'task',
						operation: 'update',
						taskId: byId(SEED.taskIds.chatbotRelevanceSample),
						taskType: 'TEMPLATE_EVALUATION',
						updateFields,
					});
				},
			),
			{ numRuns: 100 },
		);
	}, 60_000);

	it('Trigger Run (a project evaluation task that has run before)', async () => {
		const day = 86_400_000;
		const base = Date.parse('2026-11-01T00:00:00Z');
		await fc.assert(
			fc.asyncProperty(
				fc.option(fc.tuple(fc.integer({ min: 0, max: 40 * day }), fc.integer({ min: -2 * day, max: 40 * day }))),
				fc.record({ maxSpans: fc.oneof(fc.integer({ min: -3, max: 20000 }), numberish), overrideEvaluations: fc.boolean() }, { requiredKeys: [] }),
				async (window, options) => {
					await expectAcceptedOrRefusedUpFront({
						resource: 'task',
						operation: 'trigger',
						taskId: byId(SEED.taskIds.ragRetrievalRelevance),
						taskType: 'TEMPLATE_EVALUATION',
						dataStartTime: window ? new Date(base + window[0]).toISOString() : '',
						dataEndTime: window ? new Date(base + window[0] + window[1]).toISOString() : '',
						options,
					});
				},
			),
			{ numRuns: 100 },
		);
	}, 60_000);

	it('Trigger Run (a Run Experiment task)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
				fc.record(
					{
						exampleIds: fc.subarray(SEED_EXAMPLE_IDS, { minLength: 1 }).map((ids) => ids.join(', ')),
						maxExamples: fc.oneof(
							{ weight: 3, arbitrary: fc.integer({ min: -2, max: SEED.exampleCount }) },
							{ weight: 1, arbitrary: numberish },
						),
						tracingMetadata: fc.record({ pair: fc.array(fc.record({ key: text, value: text }), { maxLength: 2 }) }),
					},
					{ requiredKeys: [] },
				),
				async (named, options) => {
					await expectAcceptedOrRefusedUpFront({
						resource: 'task',
						operation: 'trigger',
						taskId: byId(SEED.taskIds.promptGeneration),
						taskType: 'RUN_EXPERIMENT',
						experimentName: '={{ $json.experimentName }}',
						options,
					}, { experimentName: named ? `property run ${++unique}` : '  ' });
				},
			),
			{ numRuns: 100 },
		);
	}, 60_000);
});
