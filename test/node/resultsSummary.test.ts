import { evaluationsOf, summariseResults } from '../../nodes/ArizeTasks/actions/taskRun/resultsSummary';
import type { Task, TaskRun } from '../../nodes/shared/types';

const run = { id: 'run-1', task_id: 'task-1', status: 'COMPLETED' } as TaskRun;

describe('Get Results: evaluations on a result, in every shape Arize may send', () => {
	it('reads the evaluations list of a span', () => {
		expect(
			evaluationsOf({
				evaluations: [
					{ name: 'hallucination', label: 'factual', score: 1, explanation: 'grounded' },
					{ name: 'toxicity', label: 'clean' },
					{ label: 'nameless' },
				],
			}),
		).toEqual([
			{ name: 'hallucination', label: 'factual', score: 1 },
			{ name: 'toxicity', label: 'clean' },
		]);
	});

	it('reads flat eval.<name>.label / .score keys of an experiment run, names with spaces included', () => {
		expect(
			evaluationsOf({
				id: 'r1',
				output: 'x',
				'eval.correctness.label': 'correct',
				'eval.correctness.score': 0.9,
				'eval.correctness.explanation': 'matches',
				'eval.correctness.metadata.model': 'gpt-4o',
				'eval.Answer Quality (v2).label': 'good',
			}),
		).toEqual([
			{ name: 'correctness', label: 'correct', score: 0.9 },
			{ name: 'Answer Quality (v2)', label: 'good' },
		]);
	});

	it('reads an evaluations map by name (the CLI export shape)', () => {
		expect(evaluationsOf({ evaluations: { correctness: { label: 'incorrect', score: 0 } } })).toEqual([
			{ name: 'correctness', label: 'incorrect', score: 0 },
		]);
	});
});

describe('Get Results: Summary', () => {
	it("counts labels, rates and the mean score per name, only the task's evaluators, and errors of spans", () => {
		const task = { id: 'task-1', type: 'TEMPLATE_EVALUATION', project_id: 'p', name: 't', last_run_at: null } as Task;
		const summary = summariseResults({
			run,
			task,
			evaluationNames: ['hallucination', 'relevance'],
			results: [
				{ status_code: 'OK', evaluations: [{ name: 'hallucination', label: 'factual', score: 1 }, { name: 'other', label: 'x' }] },
				{ status_code: 'ERROR', evaluations: [{ name: 'hallucination', label: 'hallucinated', score: 0 }] },
				{ status_code: 'OK', evaluations: [{ name: 'hallucination', label: 'factual', score: 1 }] },
				{ evaluations: [{ name: 'hallucination', label: 'factual' }], annotations: [{ name: 'review', label: 'ok', score: 2 }] },
			],
		});
		expect(summary).toEqual({
			task_run_id: 'run-1',
			task_id: 'task-1',
			task_run_status: 'COMPLETED',
			read_from: 'spans',
			project_id: 'p',
			results: 4,
			errors: 1,
			error_rate: 0.25,
			evaluations: {
				hallucination: {
					count: 4,
					labels: { factual: 3, hallucinated: 1 },
					label_rates: { factual: 0.75, hallucinated: 0.25 },
					mean_score: 2 / 3,
				},
				relevance: { count: 0, labels: {}, label_rates: {}, mean_score: null },
			},
			annotations: { review: { count: 1, labels: { ok: 1 }, label_rates: { ok: 1 }, mean_score: 2 } },
		});
	});

	it('counts the errors of experiment runs and every evaluation name of a Run Experiment run; no results give no rate', () => {
		const summary = summariseResults({
			run: { ...run, experiment_id: 'e1' } as TaskRun,
			experiments: [{ id: 'e1', name: 'prompt-v4' }],
			results: [
				{ id: 'a', output: 'ok', error: null, 'eval.exact.label': 'match', 'eval.exact.score': 1 },
				{ id: 'b', output: null, error: 'timeout' },
				{ id: 'c', output: 'ok', 'eval.exact.label': 'mismatch', 'eval.exact.score': 0 },
			],
		});
		expect(summary).toMatchObject({
			read_from: 'experiment runs',
			experiments: [{ id: 'e1', name: 'prompt-v4' }],
			results: 3,
			errors: 1,
			error_rate: 1 / 3,
			evaluations: { exact: { count: 2, labels: { match: 1, mismatch: 1 }, mean_score: 0.5 } },
			annotations: {},
		});
		expect(summariseResults({ run, experiments: [], results: [] })).toMatchObject({ results: 0, errors: 0, error_rate: null });
	});
});
