import { SEED } from '../../sandbox/index.ts';
import type { Sandbox } from '../../sandbox/index.ts';
import { parseFilter } from '../../sandbox/filter.ts';
import { enc, expectProblem, useSandbox } from './helpers.ts';
import type { ApiClient } from './helpers.ts';

// The reads behind Task Run → Get Results. Experiments and their runs, POST /v2/spans with its
// body, window and filter, evaluators with their version; limits, defaults, order, cursors and errors.

const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);
const spanIds = (spans: Array<{ context: { span_id: string } }>) => spans.map((span) => span.context.span_id);

/** A new, empty project, so span tests see only their own spans. */
function emptyProject(sandbox: Sandbox, name: string): string {
	const id = sandbox.store.nextId('Model');
	sandbox.store.projects.set(id, { id, name, space_id: SEED.spaceId, created_at: '2026-11-01T00:00:00.000Z' });
	return id;
}

/** Every page of a spans query, with the same body on each page. */
async function allSpanPages(api: ApiClient, body: unknown, limit: number) {
	const spans: Array<{ context: { span_id: string } }> = [];
	let cursor: string | undefined;
	let pages = 0;
	do {
		const response = await api.post(`/v2/spans?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`, body);
		expect(response.status).toBe(200);
		spans.push(...response.body.spans);
		pages += 1;
		cursor = response.body.pagination.next_cursor;
	} while (cursor);
	return { spans, pages };
}

describe('experiments', () => {
	const ctx = useSandbox();

	it('GET /v2/experiments/{id} returns the experiment without its runs; 404 when missing', async () => {
		const response = await ctx.api.get(`/v2/experiments/${enc(SEED.experimentIds.gpt41MiniPromptV3)}`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			id: SEED.experimentIds.gpt41MiniPromptV3,
			name: 'gpt-4.1-mini-prompt-v3',
			dataset_id: SEED.datasetId,
			dataset_version_id: SEED.datasetVersionIds.v2,
			space_id: SEED.spaceId,
			created_at: '2026-10-28T09:47:00.000Z',
			updated_at: '2026-10-28T09:51:00.000Z',
		});
		const missing = await ctx.api.get('/v2/experiments/RXhwZXJpbWVudDo5OTk=');
		expect(expectProblem(missing, 404)).toBe("Experiment 'RXhwZXJpbWVudDo5OTk=' was not found, or you do not have access to it.");
		expectProblem(await ctx.api.get('/v2/experiments/RXhwZXJpbWVudDo5OTk=/runs'), 404, /Experiment/);
	});

	it('lists the seed runs under experiment_runs: one per example, a string output or an error, flat eval keys', async () => {
		const response = await ctx.api.get(`/v2/experiments/${enc(SEED.experimentIds.gpt41MiniPromptV3)}/runs`);
		const runs = response.body.experiment_runs;
		expect(runs).toHaveLength(SEED.experimentRunCounts.gpt41MiniPromptV3);
		expect(response.body.pagination).toEqual({ has_more: false });
		const failed = runs.filter((run: { error: string | null }) => run.error !== null);
		expect(failed).toEqual([expect.objectContaining({ output: null, error: expect.any(String) })]);
		const succeeded = runs.find((run: { error: string | null }) => run.error === null);
		expect(succeeded).toMatchObject({ id: expect.any(String), example_id: expect.any(String), output: expect.any(String), model: 'gpt-4.1-mini' });
		// The dataset task Golden Questions Relevance labelled these runs under its evaluator's eval column name.
		const labelled = runs.filter((run: Record<string, unknown>) => 'eval.relevance.label' in run);
		expect(labelled.length).toBeGreaterThan(15);
		for (const run of labelled) {
			expect(['relevant', 'irrelevant']).toContain(run['eval.relevance.label']);
			expect(run['eval.relevance.score']).toBe(run['eval.relevance.label'] === 'relevant' ? 1 : 0);
			expect(run['eval.relevance.explanation']).toEqual(expect.any(String));
			expect(run).not.toHaveProperty('eval.Relevance Eval.label');
		}
	});

	it('pages over 1,200 runs: default 50, at most 500, stable insertion order', async () => {
		const experimentId = SEED.experimentIds.answerCorrectnessSonnet;
		const seeded = ctx.sandbox.store.experimentRunsOf(experimentId).length;
		const added = ctx.sandbox.store.addExperimentRuns(
			experimentId,
			Array.from({ length: 1200 - seeded }, (_, i) => (i % 7 === 0 ? { error: 'Request timed out after 60 s.' } : { output: `answer ${i}` })),
		);
		expect(added[0]).toEqual({ id: expect.any(String), example_id: expect.any(String), output: null, error: 'Request timed out after 60 s.' });
		expect(added[1]).toMatchObject({ output: 'answer 1', error: null });
		const path = `/v2/experiments/${enc(experimentId)}/runs`;
		expect((await ctx.api.get(path)).body.experiment_runs).toHaveLength(50);

		const pages: string[][] = [];
		let cursor: string | undefined;
		do {
			const response = await ctx.api.get(`${path}?limit=500${cursor ? `&cursor=${enc(cursor)}` : ''}`);
			pages.push(ids(response.body.experiment_runs));
			cursor = response.body.pagination.next_cursor;
		} while (cursor);
		expect(pages.map((page) => page.length)).toEqual([500, 500, 200]);
		expect(pages.flat()).toEqual(ids(ctx.sandbox.store.experimentRunsOf(experimentId)));
		expect(new Set(pages.flat()).size).toBe(1200);
	});

	it.each(['0', '501', 'abc'])('answers 400 for limit=%s on experiment runs', async (limit) => {
		const response = await ctx.api.get(`/v2/experiments/${enc(SEED.experimentIds.baselineGpt4o)}/runs?limit=${limit}`);
		expectProblem(response, 400, /^Query parameter 'limit' must be (an integer )?between 1 and 500/);
	});

	it("rejects one experiment's cursor on another experiment", async () => {
		const first = await ctx.api.get(`/v2/experiments/${enc(SEED.experimentIds.baselineGpt4o)}/runs?limit=5`);
		const cursor = enc(first.body.pagination.next_cursor);
		expectProblem(await ctx.api.get(`/v2/experiments/${enc(SEED.experimentIds.gpt41MiniPromptV3)}/runs?cursor=${cursor}`), 400, /different/);
	});

	it('addExperimentRuns throws for an experiment that does not exist', () => {
		expect(() => ctx.sandbox.store.addExperimentRuns('nope', [{}])).toThrow('No experiment nope in the sandbox store');
	});
});

describe('POST /v2/spans', () => {
	const ctx = useSandbox();
	const at = (iso: string, offsetMs = 0) => new Date(Date.parse(iso) + offsetMs).toISOString();

	afterEach(() => {
		ctx.sandbox.store.now = () => Date.now();
	});

	it("returns the seed project's spans in the window, newest start first, with the Span fields", async () => {
		const body = { project_id: SEED.projectIds.supportChatbot, start_time: SEED.spanWindow.start, end_time: SEED.spanWindow.end };
		const { spans, pages } = await allSpanPages(ctx.api, body, 500);
		expect(pages).toBe(1);
		expect(spans).toHaveLength(SEED.traceCounts.supportChatbot * 2);
		const starts = (spans as unknown as Array<{ start_time: string }>).map((span) => span.start_time);
		expect(starts).toEqual([...starts].sort().reverse());
		const llm = (spans as unknown as Array<Record<string, any>>).find((span) => span.kind === 'LLM' && span.status_code === 'OK');
		expect(Object.keys(llm!)).toEqual(['name', 'context', 'kind', 'parent_id', 'start_time', 'end_time', 'status_code', 'attributes']);
		expect(llm!.context).toEqual({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
		expect(llm!.attributes).toMatchObject({ 'llm.model_name': expect.stringMatching(/^gpt-4o/) });
		// The seed's Production Hallucination runs left evaluations under the eval column name.
		const labelled = (spans as unknown as Array<Record<string, any>>).filter((span) => span.evaluations);
		expect(labelled.length).toBeGreaterThan(30);
		expect(labelled.flatMap((span) => span.evaluations.map((evaluation: { name: string }) => evaluation.name))).not.toContain('Hallucination Eval');
	});

	it('matches start_time inclusively and end_time exclusively, by span start', async () => {
		const projectId = emptyProject(ctx.sandbox, 'window');
		const start = '2026-06-01T00:00:00.000Z';
		const end = '2026-06-02T00:00:00.000Z';
		const [before, atStart, inside, atEnd] = ctx.sandbox.store.addSpans(projectId, [
			{ start_time: at(start, -1) },
			{ start_time: start },
			{ start_time: at(end, -1), end_time: at(end, 60_000) },
			{ start_time: end },
		]);
		const response = await ctx.api.post('/v2/spans', { project_id: projectId, start_time: start, end_time: end });
		expect(spanIds(response.body.spans)).toEqual([inside.context.span_id, atStart.context.span_id]);
		expect(spanIds(response.body.spans)).not.toContain(before.context.span_id);
		expect(spanIds(response.body.spans)).not.toContain(atEnd.context.span_id);
	});

	it('defaults the window to [one week ago, now)', async () => {
		const now = Date.parse('2026-06-10T12:00:00.000Z');
		ctx.sandbox.store.now = () => now;
		const projectId = emptyProject(ctx.sandbox, 'defaults');
		const week = 7 * 24 * 3_600_000;
		const spans = ctx.sandbox.store.addSpans(projectId, [
			{ start_time: new Date(now - week - 1).toISOString() },
			{ start_time: new Date(now - week).toISOString() },
			{ start_time: new Date(now - 1).toISOString() },
			{ start_time: new Date(now).toISOString() },
		]);
		const response = await ctx.api.post('/v2/spans', { project_id: projectId });
		expect(spanIds(response.body.spans)).toEqual([spans[2].context.span_id, spans[1].context.span_id]);
	});

	it('takes limit (default 50, 1–500) and cursor in the query string, and ties the cursor to the body', async () => {
		const projectId = emptyProject(ctx.sandbox, 'paging');
		const base = Date.parse('2026-06-01T00:00:00.000Z');
		ctx.sandbox.store.addSpans(
			projectId,
			Array.from({ length: 1100 }, (_, i) => ({ start_time: new Date(base + i * 1000).toISOString(), status_code: i % 2 ? 'ok' : 'ERROR' })),
		);
		const body = { project_id: projectId, start_time: '2026-06-01T00:00:00Z', end_time: '2026-06-02T00:00:00Z' };
		const first = await ctx.api.post('/v2/spans', body);
		expect(first.body.spans).toHaveLength(50);
		expect(first.body.pagination).toEqual({ has_more: true, next_cursor: expect.any(String) });

		const { spans, pages } = await allSpanPages(ctx.api, body, 500);
		expect(pages).toBe(3);
		expect(new Set(spanIds(spans)).size).toBe(1100);
		expect(spanIds(spans)).toEqual(spanIds([...ctx.sandbox.store.spansOf(projectId)].reverse()));

		const cursor = enc(first.body.pagination.next_cursor);
		const withFilter = await ctx.api.post(`/v2/spans?cursor=${cursor}`, { ...body, filter: "status_code = 'ERROR'" });
		expect(expectProblem(withFilter, 400)).toBe(
			"Query parameter 'cursor' was issued for a different endpoint or different filters. Repeat the filters of the request that returned it.",
		);
		expectProblem(await ctx.api.post(`/v2/spans?cursor=${cursor}`, { ...body, end_time: '2026-06-01T12:00:00Z' }), 400, /different/);
		expect((await ctx.api.post(`/v2/spans?cursor=${cursor}&limit=500`, body)).status).toBe(200);

		expectProblem(await ctx.api.post('/v2/spans?limit=501', body), 400, /between 1 and 500/);
		expectProblem(await ctx.api.post('/v2/spans?limit=0', body), 400, /between 1 and 500/);
		expect(expectProblem(await ctx.api.post('/v2/spans', { ...body, limit: 10 }), 400)).toBe(
			"'limit' goes in the query string of POST /v2/spans, not in the body.",
		);
	});

	it('answers 404 for an unknown project and 400 for a missing project_id or body', async () => {
		expect(expectProblem(await ctx.api.post('/v2/spans', { project_id: 'TW9kZWw6OTk5' }), 404)).toBe(
			"Project 'TW9kZWw6OTk5' was not found, or you do not have access to it.",
		);
		expect(expectProblem(await ctx.api.post('/v2/spans', {}), 400)).toBe("The 'project_id' field is required.");
		expect(expectProblem(await ctx.api.post('/v2/spans'), 400)).toBe("A JSON request body with 'project_id' is required.");
		expectProblem(await ctx.api.post('/v2/spans', { project_id: SEED.projectIds.ragSearch, start_time: 'yesterday' }), 400, /start_time/);
		expectProblem(await ctx.api.post('/v2/spans', { project_id: SEED.projectIds.ragSearch, filter: null }), 400, /filter/);
	});

	it('answers 422 when the window does not start before it ends', async () => {
		const response = await ctx.api.post('/v2/spans', {
			project_id: SEED.projectIds.ragSearch,
			start_time: '2026-06-02T00:00:00Z',
			end_time: '2026-06-02T00:00:00Z',
		});
		expect(expectProblem(response, 422)).toBe('start_time (2026-06-02T00:00:00.000Z) must be before end_time (2026-06-02T00:00:00.000Z).');
	});

	it.each(['', '   '])('answers 400 for a present but empty filter (%j)', async (filter) => {
		const response = await ctx.api.post('/v2/spans', { project_id: SEED.projectIds.ragSearch, filter });
		expect(expectProblem(response, 400)).toBe("The 'filter' field must not be empty or whitespace; omit it to list every span in the window.");
	});

	it.each([
		["status_code = 'ERROR' AND", "expected a column name, found the end of the filter at character 26"],
		["eval.Answer Correctness.label IS NOT NULL", "expected an operator (=, !=, <, <=, >, >=, IS [NOT] NULL, [NOT] IN, [NOT] LIKE, [NOT] CONTAINS) after eval.Answer, found 'Correctness' at character 13. Names with spaces or symbols go in double quotes, e.g. eval.\"Answer Correctness\".label"],
		["name = \"chat\"", "expected a value after '=', found 'chat' at character 8. Strings take single quotes; double quotes are for names"],
		["(status_code = 'ERROR'", "expected ')', found the end of the filter at character 23"],
		["name = 'chat", "unterminated string starting at character 8"],
		["latency_ms > 10 ms", "expected AND, OR or the end of the filter, found 'ms' at character 17"],
		["name ~ 'x'", "unexpected character '~' at character 6"],
		["evals.hallucination.label IS NOT NULL", "unknown column 'evals.hallucination.label'; span columns are name, kind, status_code, status_message, parent_id, start_time, end_time, latency_ms, context.trace_id, context.span_id, attributes.<key>, metadata.<key>, eval.<name>.label|score|explanation and annotation.<name>.label|score|text"],
		["eval.hallucination IS NOT NULL", "column 'eval.hallucination' must be eval.<name>.label|score|explanation; put a name with spaces or symbols in double quotes"],
	])('answers 400 naming the problem for the filter %j', async (filter, problem) => {
		const response = await ctx.api.post('/v2/spans', { project_id: SEED.projectIds.ragSearch, filter });
		expect(expectProblem(response, 400)).toBe(`The 'filter' field is not a valid filter: ${problem}.`);
	});

	describe('filter semantics', () => {
		let projectId: string;
		const named: Record<string, string> = {};
		const body = (filter: string) => ({ project_id: projectId, start_time: '2026-06-01T00:00:00Z', end_time: '2026-06-02T00:00:00Z', filter });
		const select = async (filter: string) => {
			const response = await ctx.api.post('/v2/spans', body(filter));
			expect(response.status).toBe(200);
			return (response.body.spans as Array<{ name: string }>).map((span) => span.name).sort();
		};

		beforeAll(() => {
			projectId = emptyProject(ctx.sandbox, 'semantics');
			const start = Date.parse('2026-06-01T00:00:00Z');
			const spans = ctx.sandbox.store.addSpans(projectId, [
				{ name: 'a', status_code: 'ERROR', attributes: { 'llm.model_name': 'gpt-4o' }, evaluations: [{ name: 'hallucination', label: 'factual', score: 1 }] },
				{ name: 'b', status_code: 'OK', attributes: { 'llm.model_name': 'gpt-4o-mini' }, evaluations: [{ name: 'hallucination', label: 'hallucinated', score: 0 }] },
				{ name: 'c', attributes: { 'llm.model_name': 'gpt-4o', 'metadata.environment': 'staging' }, evaluations: [{ name: 'Answer Correctness (v2)', label: 'correct', score: 1 }] },
				{ name: 'd', status_code: 'OK', end_time: new Date(start + 5 * 60_000 + 3000).toISOString(), annotations: [{ name: 'user_feedback', label: 'thumbs_down' }] },
			].map((span, i) => ({ ...span, start_time: new Date(start + i * 60_000).toISOString() })));
			for (const span of spans) named[span.name] = span.context.span_id;
		});

		it.each([
			["eval.hallucination.label IS NOT NULL", ['a', 'b']],
			["eval.hallucination.label IS NULL", ['c', 'd']],
			["eval.hallucination.label = 'factual'", ['a']],
			["eval.hallucination.score < 0.5", ['b']],
			["status_code = 'ERROR'", ['a']],
			["status_code = 'UNSET'", ['c']],
			["name = 'b' OR name = 'c'", ['b', 'c']],
			["attributes.llm.model_name = 'gpt-4o'", ['a', 'c']],
			["attributes.llm.model_name = 'gpt-4o' AND (status_code = 'ERROR' OR metadata.environment = 'staging')", ['a', 'c']],
			["attributes.llm.model_name = 'gpt-4o' AND status_code = 'ERROR' OR name = 'd'", ['a', 'd']],
			["NOT (status_code = 'OK')", ['a', 'c']],
			["attributes.llm.model_name != 'gpt-4o'", ['b']],
			["name IN ('a', 'd')", ['a', 'd']],
			["attributes.llm.model_name LIKE 'gpt-4o-%'", ['b']],
			["attributes.llm.model_name CONTAINS 'mini'", ['b']],
			["eval.\"Answer Correctness (v2)\".label = 'correct'", ['c']],
			["annotation.user_feedback.label = 'thumbs_down'", ['d']],
			["latency_ms > 2000", ['d']],
			["status_code = 'error'", []],
			["name = 'a' and status_code = 'ERROR' Or name = 'zzz'", ['a']],
		])('%s', async (filter, expected) => {
			expect(await select(filter)).toEqual(expected);
		});

		it('reads context ids; column names are case-sensitive (keywords are not)', async () => {
			expect(await select(`context.span_id = '${named.b}' or name = 'c'`)).toEqual(['b', 'c']);
			expectProblem(await ctx.api.post('/v2/spans', body("STATUS_CODE = 'ERROR'")), 400, /unknown column 'STATUS_CODE'/);
		});
	});

	it('addSpans fills context, kind and times, and throws for an unknown project or kind', () => {
		const now = Date.parse('2026-06-10T12:00:00.000Z');
		ctx.sandbox.store.now = () => now;
		const projectId = emptyProject(ctx.sandbox, 'defaults for addSpans');
		const [span] = ctx.sandbox.store.addSpans(projectId, [{ kind: 'tool', context: { trace_id: 'f'.repeat(32) } }]);
		expect(span).toEqual({
			name: 'span',
			kind: 'TOOL',
			context: { trace_id: 'f'.repeat(32), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) },
			start_time: '2026-06-10T12:00:00.000Z',
			end_time: '2026-06-10T12:00:01.000Z',
		});
		expect(() => ctx.sandbox.store.addSpans('nope', [{}])).toThrow('No project nope in the sandbox store');
		expect(() => ctx.sandbox.store.addSpans(projectId, [{ kind: 'ROBOT' }])).toThrow(/kind 'ROBOT'/);
	});
});

describe('the filter parser', () => {
	it('groups AND before OR and keeps quoted names whole', () => {
		expect(parseFilter("a = 'x' OR b = 1 AND eval.\"x y\".label IS NOT NULL")).toEqual({
			kind: 'or',
			left: { kind: 'compare', column: ['a'], op: '=', value: 'x' },
			right: {
				kind: 'and',
				left: { kind: 'compare', column: ['b'], op: '=', value: 1 },
				right: { kind: 'null', column: ['eval', 'x y', 'label'], negated: true },
			},
		});
		expect(parseFilter("name = 'it''s'")).toEqual({ kind: 'compare', column: ['name'], op: '=', value: "it's" });
		expect(parseFilter('x <> -2.5')).toEqual({ kind: 'compare', column: ['x'], op: '!=', value: -2.5 });
	});
});

describe('evaluators and their versions', () => {
	const ctx = useSandbox();
	const evaluatorPath = (id: string) => `/v2/evaluators/${enc(id)}`;

	it('GET /v2/evaluators/{id} returns the evaluator with its latest version', async () => {
		const response = await ctx.api.get(evaluatorPath(SEED.evaluatorIds.relevance));
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			id: SEED.evaluatorIds.relevance,
			name: 'Relevance Eval',
			type: 'TEMPLATE',
			description: expect.any(String),
			space_id: SEED.spaceId,
			created_at: '2026-01-20T10:05:00.000Z',
			updated_at: '2026-08-14T17:20:00.000Z',
			created_by_user_id: SEED.userId,
			version: {
				id: SEED.evaluatorVersionIds.relevance[1],
				evaluator_id: SEED.evaluatorIds.relevance,
				commit_hash: expect.stringMatching(/^[0-9a-f]{40}$/),
				commit_message: 'Rename the eval column to relevance; explain each label',
				created_at: '2026-08-14T17:20:00.000Z',
				created_by_user_id: SEED.otherUserId,
				type: 'TEMPLATE',
				template_config: {
					name: SEED.evaluationNames.relevance,
					template: expect.stringContaining('{input}'),
					classification_choices: { relevant: 1, irrelevant: 0 },
					include_explanations: true,
					use_function_calling_if_available: true,
					data_granularity: 'SPAN',
					direction: 'MAXIMIZE',
					llm_config: {
						ai_integration_id: SEED.aiIntegrationIds.openai,
						model_name: 'gpt-4o-mini',
						invocation_parameters: { temperature: 0 },
						provider_parameters: {},
					},
				},
			},
		});
	});

	it('with version_id returns that version (an older eval column name); 404 for a version of another evaluator', async () => {
		const older = await ctx.api.get(`${evaluatorPath(SEED.evaluatorIds.relevance)}?version_id=${enc(SEED.evaluatorVersionIds.relevance[0])}`);
		expect(older.body.version).toMatchObject({ id: SEED.evaluatorVersionIds.relevance[0], template_config: { name: SEED.evaluationNames.relevanceV1, include_explanations: false } });

		const foreign = SEED.evaluatorVersionIds.hallucination[0];
		const response = await ctx.api.get(`${evaluatorPath(SEED.evaluatorIds.relevance)}?version_id=${enc(foreign)}`);
		expect(expectProblem(response, 404)).toBe(`Evaluator version '${foreign}' is not a version of evaluator '${SEED.evaluatorIds.relevance}'.`);
		expectProblem(await ctx.api.get(`${evaluatorPath(SEED.evaluatorIds.relevance)}?version_id=`), 400, /version_id/);
		expect(expectProblem(await ctx.api.get(evaluatorPath('RXZhbHVhdG9yOjk5')), 404)).toBe("Evaluator 'RXZhbHVhdG9yOjk5' was not found.");
	});

	it('gives CODE versions a code_config and HARNESS versions only the common fields', async () => {
		const code = (await ctx.api.get(evaluatorPath(SEED.evaluatorIds.jsonFormat))).body.version;
		expect(code.code_config).toEqual({
			name: SEED.evaluationNames.jsonFormat,
			type: 'CUSTOM',
			data_granularity: 'SPAN',
			variables: ['output'],
			code: expect.stringContaining('def evaluate'),
		});
		expect(code).not.toHaveProperty('template_config');
		const harness = (await ctx.api.get(evaluatorPath(SEED.evaluatorIds.answerCorrectness))).body.version;
		expect(Object.keys(harness)).toEqual(['id', 'evaluator_id', 'commit_hash', 'commit_message', 'created_at', 'created_by_user_id', 'type']);
		expect(harness.type).toBe('HARNESS');
	});

	it('GET /v2/evaluator-versions/{id} returns the same shape; 404 when missing', async () => {
		const id = SEED.evaluatorVersionIds.hallucination[1];
		const response = await ctx.api.get(`/v2/evaluator-versions/${enc(id)}`);
		const listed = (await ctx.api.get(`${evaluatorPath(SEED.evaluatorIds.hallucination)}/versions`)).body.evaluator_versions;
		expect(response.body).toEqual(listed.find((version: { id: string }) => version.id === id));
		expect(response.body.template_config.name).toBe(SEED.evaluationNames.hallucination);
		expectProblem(await ctx.api.get('/v2/evaluator-versions/RXZhbFZlcnNpb246OTk='), 404, /Evaluator version/);
	});

	it('lists versions with limit 1–100', async () => {
		const path = `${evaluatorPath(SEED.evaluatorIds.hallucination)}/versions`;
		expect((await ctx.api.get(`${path}?limit=1`)).body.pagination).toEqual({ has_more: true, next_cursor: expect.any(String) });
		expectProblem(await ctx.api.get(`${path}?limit=101`), 400, /between 1 and 100/);
	});
});
