import type { IDataObject } from 'n8n-workflow';

import type { RunResults } from './results';

/** A label or score under one name, wherever on a result it was found. */
interface Judgement {
	name: string;
	label?: unknown;
	score?: unknown;
}

/** How one evaluation or annotation name turned out across the results. */
interface NameSummary {
	count: number;
	labels: Record<string, number>;
	label_rates: Record<string, number>;
	mean_score: number | null;
}

const FLAT_EVALUATION_KEY = /^eval\.(.+)\.(label|score)$/;

/**
 * The evaluations on one result, in each shape Arize may use: an `evaluations` list of `{name, label, score}` (spans),
 * an `evaluations` map by name (what `ax experiments export` shows), or flat `eval.<name>.label` / `.score` keys (how
 * experiment runs are written). Arize does not document the shape on experiment runs (docs/arize-api.md, what Arize leaves open).
 */
export function evaluationsOf(result: IDataObject): Judgement[] {
	const byName = new Map<string, Judgement>();
	const note = (name: string, field: 'label' | 'score', value: unknown) => {
		if (value === undefined || value === null) return;
		const judgement = byName.get(name) ?? { name };
		judgement[field] = value;
		byName.set(name, judgement);
	};
	const { evaluations } = result;
	if (Array.isArray(evaluations)) {
		for (const evaluation of evaluations as IDataObject[]) {
			if (typeof evaluation?.name !== 'string') continue;
			note(evaluation.name, 'label', evaluation.label);
			note(evaluation.name, 'score', evaluation.score);
		}
	} else if (evaluations && typeof evaluations === 'object') {
		for (const [name, evaluation] of Object.entries(evaluations as Record<string, IDataObject>)) {
			note(name, 'label', evaluation?.label);
			note(name, 'score', evaluation?.score);
		}
	}
	for (const [key, value] of Object.entries(result)) {
		const match = FLAT_EVALUATION_KEY.exec(key);
		if (match) note(match[1], match[2] as 'label' | 'score', value);
	}
	return [...byName.values()];
}

function annotationsOf(result: IDataObject): Judgement[] {
	const annotations = Array.isArray(result.annotations) ? (result.annotations as IDataObject[]) : [];
	return annotations.filter((annotation) => typeof annotation?.name === 'string') as unknown as Judgement[];
}

/** A span failed when its status says so; an experiment run when it holds an error. */
function isError(result: IDataObject): boolean {
	if (typeof result.status_code === 'string') return result.status_code.toUpperCase() === 'ERROR';
	return result.error !== undefined && result.error !== null && result.error !== '';
}

/** `expected` names are listed even with no results, so that an expression reading them finds a count of 0. */
function summarise(judgements: Judgement[], expected: string[] = []): Record<string, NameSummary> {
	const byName: Record<string, { labels: Record<string, number>; count: number; scores: number[] }> = {};
	for (const name of expected) byName[name] = { labels: {}, count: 0, scores: [] };
	for (const { name, label, score } of judgements) {
		const entry = (byName[name] ??= { labels: {}, count: 0, scores: [] });
		entry.count++;
		if (label !== undefined && label !== null) entry.labels[String(label)] = (entry.labels[String(label)] ?? 0) + 1;
		const number = typeof score === 'number' ? score : Number.NaN;
		if (Number.isFinite(number)) entry.scores.push(number);
	}
	return Object.fromEntries(
		Object.entries(byName).map(([name, { labels, count, scores }]) => [
			name,
			{
				count,
				labels,
				label_rates: Object.fromEntries(Object.entries(labels).map(([label, times]) => [label, times / count])),
				mean_score: scores.length ? scores.reduce((sum, score) => sum + score, 0) / scores.length : null,
			},
		]),
	);
}

/**
 * One item an IF node can gate on: how many results and errors, and per evaluation and annotation name the count of
 * each label and the mean score. For an evaluation task only its own evaluators' names are counted.
 */
export function summariseResults({ run, task, evaluationNames, experiments, results }: RunResults): IDataObject {
	const counted = evaluationNames ? new Set(evaluationNames) : undefined;
	const evaluations = results
		.flatMap(evaluationsOf)
		.filter((evaluation) => !counted || counted.has(evaluation.name));
	const errors = results.filter(isError).length;
	return {
		task_run_id: run.id,
		task_id: run.task_id,
		task_run_status: run.status,
		read_from: experiments ? 'experiment runs' : 'spans',
		...(experiments && { experiments }),
		...(task?.project_id && { project_id: task.project_id }),
		results: results.length,
		errors,
		error_rate: results.length ? errors / results.length : null,
		evaluations: summarise(evaluations, evaluationNames),
		annotations: summarise(results.flatMap(annotationsOf)),
	};
}
