import type { IDataObject } from 'n8n-workflow';

import { isRunExperiment } from '../../shared/types';

/**
 * The API's validation rules that can be checked before a request is sent, one function per request body.
 * Each returns the first problem as a sentence that names the field as the node shows it, or undefined.
 * The rules are Arize's own (docs/arize-api.md); the sandbox enforces them independently.
 */

const MAX_TRIGGER_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

const isBlank = (value: unknown) => value === undefined || value === null || String(value).trim() === '';

function evaluatorsProblem(evaluators: unknown): string | undefined {
	if (!Array.isArray(evaluators) || evaluators.length === 0) {
		return 'Evaluators: add at least one evaluator';
	}
	const seen = new Set<string>();
	for (const evaluator of evaluators as IDataObject[]) {
		const id = evaluator?.evaluator_id;
		if (isBlank(id)) return 'Evaluators: every evaluator needs an Evaluator (ID)';
		if (seen.has(String(id))) return `Evaluators: evaluator ${String(id)} is listed twice; each may appear once`;
		seen.add(String(id));
	}
	return undefined;
}

function samplingRateProblem(rate: unknown): string | undefined {
	if (rate === undefined) return undefined;
	if (typeof rate !== 'number' || Number.isNaN(rate) || rate < 0 || rate > 1) {
		return `Sampling Rate must be a number between 0 and 1 (got ${String(rate)})`;
	}
	return undefined;
}

function runConfigurationProblem(config: unknown): string | undefined {
	if (config === null || typeof config !== 'object' || Array.isArray(config)) {
		return 'Run Configuration is required for a Run Experiment task';
	}
	const run = config as IDataObject;
	switch (String(run.experiment_type ?? '').toUpperCase()) {
		case 'LLM_GENERATION':
			if (isBlank(run.ai_integration_id)) return 'AI Integration is required for an LLM Generation experiment';
			if (!Array.isArray(run.messages) || run.messages.length === 0) {
				return 'Messages: add at least one message for an LLM Generation experiment';
			}
			if ((run.messages as IDataObject[]).some((message) => isBlank(message?.role))) {
				return 'Messages: every message needs a Role';
			}
			return undefined;
		case 'TEMPLATE_EVALUATION':
			if (isBlank(run.ai_integration_id)) return 'AI Integration is required for a Template Evaluation experiment';
			if (isBlank(run.template)) return 'Template is required for a Template Evaluation experiment';
			return undefined;
		case 'AGENT_CALL':
			if (isBlank(run.integration_id)) return 'Agent Integration is required for an Agent Call experiment';
			if (run.input_template === null || typeof run.input_template !== 'object') {
				return 'Input Template must be a JSON object for an Agent Call experiment';
			}
			return undefined;
		default:
			return `Experiment Type must be LLM_GENERATION, TEMPLATE_EVALUATION or AGENT_CALL (got ${String(run.experiment_type)})`;
	}
}

/** POST /v2/tasks. */
export function createTaskProblem(body: IDataObject): string | undefined {
	if (isBlank(body.name)) return 'Name must not be empty';

	if (isRunExperiment(body.type)) {
		if (!isBlank(body.project_id)) return 'A Run Experiment task runs on a dataset, not a project';
		if (isBlank(body.dataset_id)) return 'Dataset is required for a Run Experiment task';
		return runConfigurationProblem(body.run_configuration);
	}

	const onProject = !isBlank(body.project_id);
	const onDataset = !isBlank(body.dataset_id);
	if (onProject === onDataset) {
		return onProject
			? 'Choose either a Project or a Dataset as the data source, not both'
			: 'Choose a Project or a Dataset as the data source';
	}
	if (onDataset) {
		const experiments = body.experiment_ids;
		if (!Array.isArray(experiments) || experiments.length === 0) {
			return 'Experiments: choose at least one experiment of the dataset to evaluate';
		}
		if (body.is_continuous === true) return 'Run Continuously is only possible for a task on a project';
		if (body.sampling_rate !== undefined) return 'Sampling Rate is only possible for a task on a project';
	}
	return samplingRateProblem(body.sampling_rate) ?? evaluatorsProblem(body.evaluators);
}

/** PATCH /v2/tasks/{id}; the body holds only what changes. */
export function updateTaskProblem(body: IDataObject): string | undefined {
	if (Object.keys(body).length === 0) return 'Update Fields: choose at least one field to update';
	if ('name' in body && isBlank(body.name)) return 'Name must not be empty';
	if ('evaluators' in body) {
		const problem = evaluatorsProblem(body.evaluators);
		if (problem) return problem;
	}
	if ('run_configuration' in body) {
		const problem = runConfigurationProblem(body.run_configuration);
		if (problem) return problem;
	}
	return samplingRateProblem(body.sampling_rate);
}

/** POST /v2/tasks/{id}/trigger for evaluation tasks. */
export function triggerEvaluationProblem(body: IDataObject): string | undefined {
	const start = body.data_start_time === undefined ? undefined : Date.parse(String(body.data_start_time));
	const end = body.data_end_time === undefined ? undefined : Date.parse(String(body.data_end_time));
	if (start !== undefined && end !== undefined) {
		if (start >= end) return 'Data Start Time must be before Data End Time';
		if (end - start > MAX_TRIGGER_WINDOW_MS) {
			const days = ((end - start) / 86_400_000).toFixed(1);
			return `The data window may span at most 30 days (Data Start Time to Data End Time is ${days} days)`;
		}
	}
	if (body.max_spans !== undefined && (!Number.isInteger(body.max_spans) || (body.max_spans as number) < 1)) {
		return `Max Spans must be a whole number of at least 1 (got ${String(body.max_spans)})`;
	}
	return undefined;
}

/** POST /v2/tasks/{id}/trigger for Run Experiment tasks. */
export function triggerExperimentProblem(body: IDataObject): string | undefined {
	if (isBlank(body.experiment_name)) return 'Experiment Name is required to run an experiment';
	if (body.example_ids !== undefined && body.max_examples !== undefined) {
		return 'Use either Example IDs or Max Examples, not both';
	}
	if (body.max_examples !== undefined && (!Number.isInteger(body.max_examples) || (body.max_examples as number) < 1)) {
		return `Max Examples must be a whole number of at least 1 (got ${String(body.max_examples)})`;
	}
	return undefined;
}
