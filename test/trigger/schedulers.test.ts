import { PollContext } from 'n8n-core';
import type { INode, INodeTypes, IPollFunctions, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { CLASSIC_POLL_BUDGET_MS, DEFAULT_POLL_BUDGET_MS, pollBudget } from '../../nodes/ArizeTasksTrigger/schedulers';
import { n8nLine } from '../harness';

/**
 * The scheduler facts the trigger relies on (nodes/ArizeTasksTrigger/schedulers.ts), checked against the n8n-core
 * the tests run with. The durable scheduler's own budget is checked against the installed n8n in
 * test/e2e/schedulers.e2e.ts.
 */
function classicPollContext(): IPollFunctions {
	const node: INode = { id: 'trigger', name: 'Trigger', type: 'test.trigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const nodeTypes = { getByName: () => ({}), getByNameAndVersion: () => ({ description: { properties: [] } }), getKnownTypes: () => ({}) };
	const workflow = new Workflow({ id: 'w', nodes: [node], connections: {}, active: true, nodeTypes: nodeTypes as unknown as INodeTypes });
	const noop = () => undefined;
	// What n8n's classic scheduler builds: a poll context without a budget of its own.
	return new PollContext(workflow, node, {} as IWorkflowExecuteAdditionalData, 'trigger', 'activate', noop, noop);
}

/** A test of one n8n line: the other line's run lists it as skipped. */
const onLine = (line: 1 | 2) => (n8nLine === line ? it : it.skip);

describe("n8n's poll schedulers", () => {
	onLine(2)('the classic scheduler of n8n 2.x: n8n-core answers its default budget, which the trigger reads as not durable', () => {
		const context = classicPollContext();
		expect(context.getPollBudgetMs()).toBe(CLASSIC_POLL_BUDGET_MS);
		expect(pollBudget(context)).toEqual({ budgetMs: CLASSIC_POLL_BUDGET_MS, durable: false });
	});

	onLine(1)('n8n 1.x: no budget at all, so a poll keeps within the shortest poll interval', () => {
		const context = classicPollContext();
		expect(typeof (context as Partial<IPollFunctions>).getPollBudgetMs).toBe('undefined');
		expect(pollBudget(context)).toEqual({ budgetMs: DEFAULT_POLL_BUDGET_MS, durable: false });
	});
});
