import path from 'node:path';

import { createStore, SEED } from '../../sandbox/index.ts';
import { ROOT } from './lib/env';
import type { Execution } from './lib/n8nCli';
import { describeFailure, executeWorkflow, outputItems, runN8n, tail } from './lib/n8nCli';
import { allTasks, arize, runsOf } from './lib/sandbox';
import type { Task, TaskRun } from './lib/sandbox';

// Phases "cli" (n8n 2.41.1) and "n8n1" (n8n 1.123) of ./scripts/e2e: the example workflows, run by the real n8n
// command line against the sandbox, with n8n itself not started (`n8n execute` brings up its own instance on the same database). Each check reads the
// run that `n8n execute --rawOutput` prints (status and items), never the exit code alone. The examples were imported
// by scripts/e2e (scripts/orchestrator/n8n.ts, importDemo) with the sandbox credential; the tests run in file order.

const seedTaskNames = [...createStore().tasks.values()].map((task) => task.name);

function expectSuccess(execution: Execution): void {
	if (execution.status !== 'success' || execution.data.resultData.error) {
		throw new Error(`The run did not succeed: ${describeFailure(execution)}`);
	}
	expect(execution.finished).toBe(true);
}

describe('the example workflows in n8n (n8n execute --id … --rawOutput)', () => {
	it('01 lists every sandbox task into a table: 12 rows with the seed task names', async () => {
		const execution = await executeWorkflow('arizeExample0001');
		expectSuccess(execution);

		const tasks = outputItems(execution, 'Get Many Tasks');
		expect(tasks).toHaveLength(12);
		expect(tasks!.map((task) => task.name)).toEqual(seedTaskNames);

		const rows = outputItems(execution, 'Table Row')!;
		expect(rows).toHaveLength(12);
		expect(rows.map((row) => row.task)).toEqual(seedTaskNames);
		expect(rows[0]).toEqual({
			task: 'Production Hallucination Check',
			type: 'TEMPLATE_EVALUATION',
			source: 'project',
			evaluators: 'Hallucination Eval',
			continuous: true,
			last_run_at: expect.stringMatching(/^2026-11-23T18:35:00/),
		});
		expect(new Set(rows.map((row) => row.type))).toEqual(
			new Set(['TEMPLATE_EVALUATION', 'CODE_EVALUATION', 'RUN_EXPERIMENT']),
		);
	});

	it('02 creates a template-evaluation task on the support-chatbot project, and the sandbox has it', async () => {
		const execution = await executeWorkflow('arizeExample0002');
		expectSuccess(execution);

		const created = outputItems(execution, 'Create Task');
		expect(created).toHaveLength(1);
		const task = created![0];
		expect(task).toMatchObject({
			name: expect.stringMatching(/^Hallucination check \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
			type: 'TEMPLATE_EVALUATION',
			project_id: SEED.projectIds.supportChatbot,
			dataset_id: null,
			sampling_rate: 0.25,
			is_continuous: true,
			query_filter: "metadata.environment = 'production'",
		});
		expect(task.evaluators).toEqual([
			expect.objectContaining({
				evaluator_id: SEED.evaluatorIds.hallucination,
				evaluator_name: 'Hallucination Eval',
				column_mappings: { input: 'attributes.input.value', output: 'attributes.output.value' },
			}),
		]);

		const stored = await arize<Task>('GET', `/v2/tasks/${encodeURIComponent(String(task.id))}`);
		expect(stored).toMatchObject({ id: task.id, name: task.name, type: 'TEMPLATE_EVALUATION' });
		expect(await allTasks()).toHaveLength(13);
	});

	it('03 triggers a run, waits until it is COMPLETED, and the IF routes it by its counts to "Evaluation Passed"', async () => {
		const before = await runsOf(SEED.taskIds.ragRetrievalRelevance);
		const execution = await executeWorkflow('arizeExample0003');
		expectSuccess(execution);

		const finished = outputItems(execution, 'Trigger Run');
		expect(finished).toHaveLength(1);
		const run = finished![0] as unknown as TaskRun;
		expect(run).toMatchObject({ task_id: SEED.taskIds.ragRetrievalRelevance, status: 'COMPLETED' });
		expect(run.run_finished_at).toEqual(expect.any(String));
		expect(before.map((r) => r.id)).not.toContain(run.id);

		// The sandbox agrees: it is the task's newest run and it has finished.
		const after = await runsOf(SEED.taskIds.ragRetrievalRelevance);
		expect(after.at(-1)).toMatchObject({ id: run.id, status: 'COMPLETED' });

		// The IF's rule, worked out here from the counts: completed with at most 5% errors.
		const errorRate = run.num_errors / Math.max(1, run.num_successes + run.num_errors);
		expect(errorRate).toBeLessThanOrEqual(0.05);
		const passed = outputItems(execution, 'Evaluation Passed');
		expect(outputItems(execution, 'Needs a Look')).toBeUndefined();
		expect(outputItems(execution, 'Completed, Error Rate ≤ 5%?', 1)).toEqual([]);
		expect(passed).toEqual([{ verdict: 'passed', evaluated: run.num_successes, errors: run.num_errors }]);
	});

	it('06 runs an experiment, sums up its results with Get Results, and the IF passes it on its error rate', async () => {
		const execution = await executeWorkflow('arizeExample0006');
		expectSuccess(execution);

		const run = outputItems(execution, 'Run Experiment')![0] as unknown as TaskRun & { experiment_id: string };
		expect(run).toMatchObject({ task_id: SEED.taskIds.promptGeneration, status: 'COMPLETED' });
		expect(run.experiment_id).toEqual(expect.any(String));

		// The summary agrees with the experiment runs the sandbox holds, one per dataset example.
		const path = `/v2/experiments/${encodeURIComponent(run.experiment_id)}/runs?limit=500`;
		const { experiment_runs: experimentRuns } = await arize<{ experiment_runs: Array<{ error?: string | null }> }>('GET', path);
		const errors = experimentRuns.filter((experimentRun) => experimentRun.error).length;
		expect(experimentRuns.length).toBe(run.num_successes + run.num_errors);
		expect(outputItems(execution, 'Get Results')).toEqual([
			expect.objectContaining({
				task_run_id: run.id,
				task_id: SEED.taskIds.promptGeneration,
				read_from: 'experiment runs',
				results: experimentRuns.length,
				errors,
				error_rate: errors / experimentRuns.length,
			}),
		]);
		// The sandbox fails about one example run in ten: some errors, under the IF's 20%, so it ships.
		expect(errors).toBeGreaterThan(0);
		expect(errors / experimentRuns.length).toBeLessThan(0.2);
		expect(outputItems(execution, 'Ship It')).toEqual([
			{ verdict: 'ship it', results: experimentRuns.length, error_rate: errors / experimentRuns.length },
		]);
		expect(outputItems(execution, 'Too Many Errors')).toBeUndefined();
	});

	it('05 (AI agent with the Arize Tasks tool) imports with n8n import:workflow without an error', async () => {
		const file = path.join(ROOT, 'examples', '05-ai-agent-with-arize-tool.json');
		const run = await runN8n(['import:workflow', `--input=${file}`]);
		const output = run.stdout + run.stderr;
		expect({ code: run.code, output: tail(output, 5) }).toEqual({
			code: 0,
			output: expect.stringMatching(/Successfully imported 1 workflow/),
		});
		// n8n's own calls home fail on a machine without internet (getaddrinfo ENOTFOUND …): not the import's doing.
		const problems = output.split('\n').filter((line) => /error|fail/i.test(line) && !/ENOTFOUND|EAI_AGAIN|n8n\.io/.test(line));
		expect(problems).toEqual([]);
	});
});
