import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, getGlobalState } from 'n8n-workflow';

import { SEED, SEED_EXAMPLE_IDS } from '../../sandbox/seed.ts';
import { API_KEY, cancelWhileWaiting, jsonOf, missingParameterText, runTasksNode, searchList, useArize } from '../arize';

const arize = useArize();

const T = SEED.taskIds;
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

const trigger = (parameters: IDataObject, options: Parameters<typeof runTasksNode>[2] = {}) =>
	runTasksNode(arize.credentials, { resource: 'task', operation: 'trigger', ...parameters }, options);

const triggerPath = (taskId: string) => `/v2/tasks/${encodeURIComponent(taskId)}/trigger`;
const sent = () => arize.sandbox.requests.map(({ method, path, body }) => ({ method, path, body }));

/** A project task that has run before (so the window may be left to Arize); its id contains '+'. */
const projectTask = { taskId: byId(T.productionHallucination), taskType: 'TEMPLATE_EVALUATION' };
/** A dataset task evaluating two experiments. */
const datasetTask = { taskId: byId(T.goldenRelevance), taskType: 'TEMPLATE_EVALUATION' };
const experimentTask = { taskId: byId(T.promptGeneration), taskType: 'RUN_EXPERIMENT', experimentName: 'prompt-v4 nightly' };

/** A run just triggered, as the sandbox answers it. */
const pendingRun = (taskId: string, extra: IDataObject = {}) => ({
	id: expect.any(String),
	task_id: taskId,
	status: 'PENDING',
	experiment_id: null,
	run_started_at: null,
	run_finished_at: null,
	data_start_time: null,
	data_end_time: null,
	num_successes: 0,
	num_errors: 0,
	num_skipped: 0,
	created_at: expect.any(String),
	created_by_user_id: SEED.userId,
	failure_reason: null,
	...extra,
});

async function apiRun(id: string) {
	const response = await fetch(`${arize.sandbox.url}/v2/task-runs/${encodeURIComponent(id)}`, {
		headers: { authorization: `Bearer ${API_KEY}` },
	});
	return (await response.json()) as IDataObject;
}

const latestRunId = (taskId: string) => arize.sandbox.store.runsOf(taskId).at(-1)!.id;

describe('Task → Trigger Run: evaluation tasks', () => {
	it("reads date-picker values (no offset) in the workflow's timezone and sends them as UTC ISO 8601", async () => {
		// n8n-workflow's default, used because the harness workflow sets no timezone: what a fresh n8n uses too.
		expect(getGlobalState().defaultTimezone).toBe('America/New_York');

		const { items, error } = await trigger({
			taskId: byId(T.ragAnswerHallucination), // never ran: the window is required
			taskType: 'TEMPLATE_EVALUATION',
			// 09:00 in New York, before and after the switch to summer time on 2026-03-08.
			dataStartTime: '2026-03-01T09:00:00',
			dataEndTime: '2026-03-10T09:00:00',
			options: { maxSpans: 500, overrideEvaluations: true },
		});

		expect(error).toBeUndefined();
		expect(sent()).toEqual([
			{
				method: 'POST',
				path: triggerPath(T.ragAnswerHallucination),
				body: {
					data_start_time: '2026-03-01T14:00:00.000Z',
					data_end_time: '2026-03-10T13:00:00.000Z',
					max_spans: 500,
					override_evaluations: true,
				},
			},
		]);
		expect(jsonOf(items)).toEqual([
			pendingRun(T.ragAnswerHallucination, {
				data_start_time: '2026-03-01T14:00:00.000Z',
				data_end_time: '2026-03-10T13:00:00.000Z',
			}),
		]);
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	it('keeps an explicit offset, and reads a Luxon DateTime from an expression', async () => {
		const { error } = await trigger({
			...projectTask,
			dataStartTime: '2026-06-01T09:00:00+02:00',
			dataEndTime: "={{ DateTime.fromISO('2026-06-02T12:00:00', { zone: 'Asia/Tokyo' }) }}",
		});
		expect(error).toBeUndefined();
		expect(sent()[0].body).toEqual({
			data_start_time: '2026-06-01T07:00:00.000Z',
			data_end_time: '2026-06-02T03:00:00.000Z',
		});
	});

	it('sends no body when nothing is set (Arize picks the window from the last run)', async () => {
		const { items, error } = await trigger(projectTask);
		expect(error).toBeUndefined();
		// The node passes {}; n8n's HTTP helper leaves an empty object out. The body is optional for eval tasks.
		expect(sent()).toEqual([{ method: 'POST', path: triggerPath(T.productionHallucination), body: undefined }]);
		expect(items[0].json).toMatchObject({ task_id: T.productionHallucination, status: 'PENDING' });
	});

	it('accepts a window of exactly 30 days', async () => {
		const { error } = await trigger({ ...projectTask, dataStartTime: '2026-03-01T00:00:00Z', dataEndTime: '2026-03-31T00:00:00Z' });
		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map((request) => request.status)).toEqual([201]);
	});

	it('sends the experiments to evaluate for a dataset task', async () => {
		const x = SEED.experimentIds;
		const { items, error } = await trigger({
			...datasetTask,
			options: { experimentIds: ` ${x.baselineGpt4o}, ${x.gpt41MiniPromptV3} ,`, maxSpans: '={{ $json.max }}' },
		}, { input: [{ max: '40' }] });
		expect(error).toBeUndefined();
		expect(sent()).toEqual([
			{
				method: 'POST',
				path: triggerPath(T.goldenRelevance),
				body: { experiment_ids: [x.baselineGpt4o, x.gpt41MiniPromptV3], max_spans: 40 },
			},
		]);
		expect(jsonOf(items)).toEqual([pendingRun(T.goldenRelevance)]);
	});

	it.each<[string, IDataObject, IDataObject[] | undefined, string]>([
		[
			'a window over 30 days',
			{ dataStartTime: '2026-03-01T00:00:00Z', dataEndTime: '2026-04-05T00:00:00Z' },
			undefined,
			'The data window may span at most 30 days (Data Start Time to Data End Time is 35.0 days)',
		],
		[
			'a start equal to the end',
			{ dataStartTime: '2026-03-01T09:00:00', dataEndTime: '2026-03-01T14:00:00Z' },
			undefined,
			'Data Start Time must be before Data End Time',
		],
		[
			'a start after the end',
			{ dataStartTime: '2026-03-02T00:00:00Z', dataEndTime: '2026-03-01T00:00:00Z' },
			undefined,
			'Data Start Time must be before Data End Time',
		],
		[
			'a start that is not a date',
			{ dataStartTime: '={{ $json.start }}' },
			[{ start: 'last Tuesday' }],
			'Data Start Time is not a date: last Tuesday',
		],
		['max spans below 1', { options: { maxSpans: 0 } }, undefined, 'Max Spans must be a whole number of at least 1 (got 0)'],
		['max spans not whole', { options: { maxSpans: 2.5 } }, undefined, 'Max Spans must be a whole number of at least 1 (got 2.5)'],
	])('refuses %s before sending anything', async (_case, parameters, input, message) => {
		const { error } = await trigger({ ...projectTask, ...parameters }, { input });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(message);
		expect(arize.sandbox.requests).toEqual([]);
	});

	it("surfaces Arize's 400 for a first run without a start time", async () => {
		const { error } = await trigger({ taskId: byId(T.ragAnswerHallucination), taskType: 'CODE_EVALUATION' });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(
			"The 'data_start_time' field is required because task 'RAG Answer Hallucination' has never run; send data_start_time (and data_end_time). [HTTP 400]",
		);
		expect(error?.httpCode).toBe('400');
	});

	it("surfaces Arize's 409 when the task already has a run in progress", async () => {
		const running = arize.sandbox.store.addRun(T.productionHallucination, { status: 'RUNNING' });
		const { error } = await trigger(projectTask);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(
			`Task 'Production Hallucination Check' already has a run in progress (run ${running.id} is RUNNING). Wait until it finishes or cancel it before triggering again. [HTTP 409]`,
		);
		expect(error?.description).toBe('Resource conflict');
		expect(error?.httpCode).toBe('409');
	});
});

describe('Task → Trigger Run: Run Experiment tasks', () => {
	it('sends the experiment name and every option, and outputs the pending run', async () => {
		const { items, error } = await trigger({
			...experimentTask,
			experimentName: '  prompt-v4 nightly  ',
			options: {
				datasetVersionId: ` ${SEED.datasetVersionIds.v1} `,
				exampleIds: `${SEED_EXAMPLE_IDS[0]},\n${SEED_EXAMPLE_IDS[3]}`,
				tracingMetadata: {
					pair: [
						{ key: 'source', value: 'n8n' },
						{ key: ' run ', value: 'nightly' },
						{ key: '', value: 'dropped: no key' },
					],
				},
				evaluationTaskIds: `${T.goldenRelevance}, ${T.goldenJsonFormat}`,
			},
		});

		expect(error).toBeUndefined();
		expect(sent()).toEqual([
			{
				method: 'POST',
				path: triggerPath(T.promptGeneration),
				body: {
					experiment_name: 'prompt-v4 nightly',
					dataset_version_id: SEED.datasetVersionIds.v1,
					example_ids: [SEED_EXAMPLE_IDS[0], SEED_EXAMPLE_IDS[3]],
					tracing_metadata: { source: 'n8n', run: 'nightly' },
					evaluation_task_ids: [T.goldenRelevance, T.goldenJsonFormat],
				},
			},
		]);
		// experiment_id is still null right after the trigger.
		expect(jsonOf(items)).toEqual([pendingRun(T.promptGeneration)]);
	});

	it('sends Max Examples, also when an expression gives it as text', async () => {
		const { error } = await trigger(
			{ ...experimentTask, experimentName: '={{ $json.name }}', options: { maxExamples: '={{ $json.max }}' } },
			{ input: [{ name: 'first-five', max: '5' }] },
		);
		expect(error).toBeUndefined();
		expect(sent()[0].body).toEqual({ experiment_name: 'first-five', max_examples: 5 });
	});

	it.each<[string, IDataObject, IDataObject[] | undefined, string]>([
		[
			'example IDs together with max examples',
			{ options: { exampleIds: SEED_EXAMPLE_IDS[0], maxExamples: 3 } },
			undefined,
			'Use either Example IDs or Max Examples, not both',
		],
		[
			'an experiment name that resolves to nothing',
			{ experimentName: '={{ $json.name }}' },
			[{ name: '  ' }],
			'Experiment Name is required to run an experiment',
		],
		['max examples below 1', { options: { maxExamples: 0 } }, undefined, 'Max Examples must be a whole number of at least 1 (got 0)'],
	])('refuses %s before sending anything', async (_case, parameters, input, message) => {
		const { error } = await trigger({ ...experimentTask, ...parameters }, { input });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(message);
		expect(arize.sandbox.requests).toEqual([]);
	});

	it('does not even start when Experiment Name is left empty in the form', async () => {
		const { error } = await trigger({ ...experimentTask, experimentName: '' });
		expect(error?.name).toBe('WorkflowHasIssuesError');
		expect(error?.message).toContain(missingParameterText('Experiment Name'));
		expect(arize.sandbox.requests).toEqual([]);
	});

	it("surfaces Arize's 409 for an experiment name already used in the dataset", async () => {
		const { error } = await trigger({ ...experimentTask, experimentName: SEED.experimentNames[0] });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(
			`An experiment named '${SEED.experimentNames[0]}' already exists in dataset 'golden-questions'; experiment names must be unique within a dataset. [HTTP 409]`,
		);
		expect(error?.httpCode).toBe('409');
		expect(arize.sandbox.requests).toHaveLength(1);
	});

	it("surfaces Arize's 422 for an example that is not in the dataset", async () => {
		const { error } = await trigger({ ...experimentTask, options: { exampleIds: 'RGF0YXNldEV4YW1wbGU6MQ==' } });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(
			"example_ids[0] 'RGF0YXNldEV4YW1wbGU6MQ==' is not an example of dataset 'golden-questions'. [HTTP 422]",
		);
	});
});

describe('Task → Trigger Run: a Task Type that does not fit the task', () => {
	/** The task as the editor keeps it when picked from the Task list: the list's name is its cachedResultName. */
	async function pickedFromList(taskId: string) {
		const { results } = await searchList(arize.credentials, 'searchTasks');
		arize.sandbox.clearRequests();
		const entry = results.find((result) => result.value === taskId)!;
		return { __rl: true, mode: 'list', value: taskId, cachedResultName: entry.name };
	}

	it.each([
		['picked from the list', pickedFromList],
		['by ID', async (id: string) => byId(id)],
	])('%s: sent as it is; Arize rejects the body, one GET finds the real type, nothing started', async (_, locate) => {
		const taskId = await locate(T.promptGeneration);
		const runsBefore = arize.sandbox.store.runsOf(T.promptGeneration).length;
		const { error } = await trigger({ taskId, taskType: 'TEMPLATE_EVALUATION', dataStartTime: '2026-11-01T00:00:00Z' });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(
			'Task Type is Template Evaluation, but the task "Support prompt generation (gpt-4.1-mini)" is a Run Experiment task',
		);
		expect(error?.description).toBe(
			"Set Task Type to Run Experiment: it decides which fields this operation sends, and Arize accepts only the fields of the task's own type. Arize answered: The 'data_start_time' field is only valid when triggering evaluation tasks; this task is RUN_EXPERIMENT. [HTTP 400]",
		);
		expect(arize.sandbox.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
			`POST ${triggerPath(T.promptGeneration)}`,
			`GET /v2/tasks/${encodeURIComponent(T.promptGeneration)}`,
		]);
		expect(arize.sandbox.store.runsOf(T.promptGeneration)).toHaveLength(runsBefore);
	});

	it('the Task list names each task with its type, so the right choice is in view', async () => {
		expect((await pickedFromList(T.promptGeneration)).cachedResultName).toBe(
			`Support prompt generation (gpt-4.1-mini) (Run Experiment · …${T.promptGeneration.slice(-6)})`,
		);
	});

	it('picked from the list: a Run Experiment choice for an evaluation task is explained the same way', async () => {
		const { error } = await trigger({ taskId: await pickedFromList(T.productionHallucination), taskType: 'RUN_EXPERIMENT', experimentName: 'x' });
		expect(error?.message).toBe(
			'Task Type is Run Experiment, but the task "Production Hallucination Check" is a Template Evaluation task',
		);
		expect(arize.sandbox.requests.map(({ method }) => method)).toEqual(['POST', 'GET']);
	});

	it('Template for a Code Evaluation task: the body fits both, so the run starts (no extra request)', async () => {
		const { items, error } = await trigger({ taskId: await pickedFromList(T.goldenJsonFormat), taskType: 'TEMPLATE_EVALUATION' });
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ task_id: T.goldenJsonFormat, status: 'PENDING' });
		expect(arize.sandbox.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([`POST ${triggerPath(T.goldenJsonFormat)}`]);
	});

	it('picked from the list with the right type: sends the trigger alone (no extra request)', async () => {
		const { items, error } = await trigger({ taskId: await pickedFromList(T.promptGeneration), taskType: 'RUN_EXPERIMENT', experimentName: 'listed' });
		expect(error).toBeUndefined();
		expect(sent()).toEqual([{ method: 'POST', path: triggerPath(T.promptGeneration), body: { experiment_name: 'listed' } }]);
		expect(items[0].json.status).toBe('PENDING');
	});

	it('by ID: a 400 that the type does not explain stays Arize\'s', async () => {
		const { error } = await trigger({ taskId: byId(T.ragAnswerHallucination), taskType: 'TEMPLATE_EVALUATION' });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toMatch(/^The 'data_start_time' field is required .* \[HTTP 400\]$/);
	});
});

describe('Task → Trigger Run: retries', () => {
	it('does not repeat a trigger answered 503: it may have started a run', async () => {
		arize.sandbox.faults.inject({ status: 503 }, { method: 'POST', path: `/v2/tasks/${T.promptGeneration}/trigger` });
		const runsBefore = arize.sandbox.store.runsOf(T.promptGeneration).length;
		const { items, error } = await trigger(experimentTask);

		expect(items).toEqual([]);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe('The service failed to handle the request (injected fault). [HTTP 503]');
		expect(error?.httpCode).toBe('503');
		expect(arize.sandbox.requests.map(({ method, status }) => [method, status])).toEqual([['POST', 503]]);
		expect(arize.sandbox.store.runsOf(T.promptGeneration)).toHaveLength(runsBefore);
	});

	it('does not repeat a trigger whose connection was reset', async () => {
		arize.sandbox.faults.inject({ kind: 'reset' }, { method: 'POST' });
		const { error } = await trigger(projectTask);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(arize.sandbox.requests).toHaveLength(1);
	});

	it('repeats a trigger answered 429 (nothing was started) and outputs the run', async () => {
		arize.sandbox.faults.inject({ status: 429, retryAfter: 0 }, { method: 'POST', path: `/v2/tasks/${T.productionHallucination}/trigger` });
		const { items, error } = await trigger(projectTask);
		expect(error).toBeUndefined();
		expect(arize.sandbox.requests.map(({ method, status }) => [method, status])).toEqual([
			['POST', 429],
			['POST', 201],
		]);
		expect(items.map((item) => item.json.status)).toEqual(['PENDING']);
		expect(arize.sandbox.store.runsOf(T.productionHallucination).filter((run) => run.status === 'PENDING')).toHaveLength(1);
	});
});

describe('Task → Trigger Run: Wait for Completion', () => {
	const waiting = { waitForCompletion: true, pollInterval: 1 };

	it('polls the run and outputs the final COMPLETED run', async () => {
		arize.sandbox.setRunDurationMs(300);
		const { items, error } = await trigger({ ...projectTask, ...waiting });

		expect(error).toBeUndefined();
		const runId = latestRunId(T.productionHallucination);
		expect(sent()).toEqual([
			{ method: 'POST', path: triggerPath(T.productionHallucination), body: undefined },
			{ method: 'GET', path: `/v2/task-runs/${encodeURIComponent(runId)}`, body: undefined },
		]);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ id: runId, status: 'COMPLETED', run_finished_at: expect.any(String) });
		expect(items[0].json).toEqual(await apiRun(runId));
	});

	it('outputs a run that ends FAILED as it is (the run finished; the node did its job)', async () => {
		arize.sandbox.setRunDurationMs(60_000);
		const failSoon = setTimeout(() => {
			arize.sandbox.store.finishRun(latestRunId(T.goldenRelevance), 'FAILED', { failure_reason: 'Judge LLM unavailable' });
		}, 300);
		const { items, error } = await trigger({ ...datasetTask, ...waiting });
		clearTimeout(failSoon);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ status: 'FAILED', failure_reason: 'Judge LLM unavailable' });
	});

	it('on timeout, stops with an error naming the run and its last status', async () => {
		// PENDING for the first 0.8 s, then RUNNING: the poll at 1 s sees RUNNING.
		arize.sandbox.setRunDurationMs(2400);
		const { items, error } = await trigger({ ...projectTask, ...waiting, waitTimeout: 1, onTimeout: 'error' });

		const runId = latestRunId(T.productionHallucination);
		expect(items).toEqual([]);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(`Run ${runId} did not finish within 1 s; its last status was RUNNING`);
		expect(error?.description).toBe(
			'Raise the Timeout, or choose On Timeout → Return the Run As It Is and check it later',
		);
		expect(arize.sandbox.requests.map((request) => request.method)).toEqual(['POST', 'GET']);
	});

	it('on timeout with "Return the Run As It Is", outputs the run still PENDING', async () => {
		arize.sandbox.setRunDurationMs(60_000);
		const { items, error } = await trigger({ ...experimentTask, ...waiting, waitTimeout: 1, onTimeout: 'returnLast' });

		expect(error).toBeUndefined();
		const runId = latestRunId(T.promptGeneration);
		expect(jsonOf(items)).toEqual([pendingRun(T.promptGeneration, { id: runId })]);
		expect(arize.sandbox.requests.map((request) => request.method)).toEqual(['POST', 'GET']);
	});

	it('refuses a Poll Interval of 0 from an expression before starting a run', async () => {
		const { error } = await trigger({ ...projectTask, ...waiting, pollInterval: '={{ $json.interval }}' }, { input: [{ interval: 0 }] });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('Poll Interval must be a number of seconds, at least 1 (got 0)');
		expect(arize.sandbox.requests).toEqual([]);
	});

	it('stops polling when the execution is cancelled', async () => {
		arize.sandbox.setRunDurationMs(60_000);
		const cancel = cancelWhileWaiting(arize.sandbox, 1);
		const started = Date.now();
		const { items, error } = await trigger({ ...projectTask, ...waiting, waitTimeout: 30 }, { abortSignal: cancel.signal });
		cancel.stop();

		expect(Date.now() - started).toBeLessThan(1500);
		expect(items).toEqual([]);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe(
			`Stopped waiting for run ${latestRunId(T.productionHallucination)}: the execution was cancelled`,
		);
		// Nothing more goes out once the execution is cancelled, not even the poll that was due 1 s after the trigger.
		const sentSoFar = arize.sandbox.requests.length;
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, cancel.triggersAnsweredAt() + 1300 - Date.now())));
		expect(arize.sandbox.requests).toHaveLength(sentSoFar);
		expect(arize.sandbox.requests.map((request) => request.method)).toEqual(['POST']);
	});
});
