import { SEED, startSandbox } from '../../sandbox/index.ts';
import type { Exchange, Sandbox } from '../../sandbox/index.ts';
import { everySandboxRecorder } from './every-sandbox.ts';
import { SpecRecorder } from './recorder.ts';

// The spec recorder must catch a shape the spec does not allow, in an answer and in a request the sandbox accepted.
// Each case breaks a sandbox (or an exchange) on purpose; the violations it provokes are claimed here so that the
// recorder every suite shares (every-sandbox.ts) does not fail this one.

const exchange = (overrides: Partial<Exchange>): Exchange => ({
	method: 'GET',
	pattern: '/v2/tasks',
	path: '/v2/tasks',
	query: {},
	requestBody: undefined,
	status: 200,
	responseBody: { tasks: [], pagination: { has_more: false } },
	olderDocs: false,
	...overrides,
});

describe('the spec recorder', () => {
	const recorder = new SpecRecorder();
	// For exchanges made up here, which never pass through a sandbox.
	const offline = new SpecRecorder();
	let sandbox: Sandbox;
	const enc = encodeURIComponent;
	const get = async (path: string) => (await fetch(`${sandbox.url}${path}`, { headers: { authorization: 'Bearer sandbox-api-key' } })).status;

	beforeAll(async () => {
		sandbox = await startSandbox({ observe: (exchange) => recorder.check(exchange) });
	});
	afterAll(async () => {
		await sandbox.close();
	});
	afterEach(() => {
		// What this suite's own recorder found, the shared one found too: claimed, so it does not fail the suite.
		expect(everySandboxRecorder.take()).toEqual(recorder.violations);
		recorder.take();
	});

	it('passes what the sandbox serves unchanged', async () => {
		expect(await get('/v2/ai-integrations')).toBe(200);
		expect(await get(`/v2/evaluators/${enc(SEED.evaluatorIds.hallucination)}`)).toBe(200);
		expect(recorder.violations).toEqual([]);
	});

	it('catches a wrong enum value in an answer (the provider spelled OPENAI)', async () => {
		const integration = sandbox.store.aiIntegrations.get(SEED.aiIntegrationIds.openai)!;
		const provider = integration.provider;
		integration.provider = 'OPENAI' as never;
		try {
			expect(await get('/v2/ai-integrations')).toBe(200);
		} finally {
			integration.provider = provider;
		}
		expect(recorder.violations).toEqual([
			{
				exchange: 'GET /v2/ai-integrations → 200',
				part: 'response',
				problems: [expect.stringMatching(/^\/ai_integrations\/0\/provider must be equal to one of the allowed values/)],
			},
		]);
	});

	it('catches a missing required field and an extra one in a nested config (a TEMPLATE version without llm_config)', async () => {
		const version = sandbox.store.evaluators.get(SEED.evaluatorIds.hallucination)!.versions.at(-1)!;
		const config = version.template_config!;
		version.template_config = { ...config, llm_config: undefined, judge: 'gpt-4' } as never;
		try {
			expect(await get(`/v2/evaluators/${enc(SEED.evaluatorIds.hallucination)}`)).toBe(200);
		} finally {
			version.template_config = config;
		}
		expect(recorder.violations).toHaveLength(1);
		expect(recorder.violations[0].exchange).toBe('GET /v2/evaluators/{evaluator_id} → 200');
		expect(recorder.violations[0].problems).toEqual(
			expect.arrayContaining([
				"/version/template_config must have required property 'llm_config'",
				'/version/template_config must NOT have additional properties (judge)',
			]),
		);
	});

	it("catches the sandbox's former AI integration shape (fields missing, an extra space_id, OPENAI)", () => {
		const found = offline.check(
			exchange({
				pattern: '/v2/ai-integrations',
				path: '/v2/ai-integrations',
				responseBody: {
					ai_integrations: [
						{ id: 'TGxtSW50ZWdyYXRpb246MTI=', name: 'OpenAI', provider: 'OPENAI', model_names: ['gpt-4o'], space_id: SEED.spaceId, created_at: '2026-01-12T09:30:00.000Z' },
					],
					pagination: { has_more: false },
				},
			}),
		);
		expect(found[0].problems).toEqual(
			expect.arrayContaining([
				"/ai_integrations/0 must have required property 'has_api_key'",
				"/ai_integrations/0 must have required property 'scopings'",
				'/ai_integrations/0 must NOT have additional properties (space_id)',
				expect.stringMatching(/^\/ai_integrations\/0\/provider must be equal to one of the allowed values/),
			]),
		);
	});

	it('catches a request the sandbox accepted that the spec does not allow: lowercase enums in the body and the query', () => {
		const body = offline.check(
			exchange({
				method: 'POST',
				requestBody: { type: 'template_evaluation', name: 'x', project_id: SEED.projectIds.supportChatbot, evaluators: [{ evaluator_id: SEED.evaluatorIds.hallucination }] },
				status: 201,
				responseBody: undefined,
			}),
		);
		expect(body.map((violation) => violation.part)).toEqual(['response', 'request body']);
		const query = offline.check(exchange({ query: { type: 'code_evaluation', limit: '10' } }));
		expect(query).toEqual([
			{ exchange: 'GET /v2/tasks → 200', part: 'query', problems: [expect.stringMatching(/^\/type must be equal to one of the allowed values/)] },
		]);
		// The same query in the older-docs mode is that mode's purpose, not a departure.
		expect(offline.check(exchange({ query: { type: 'code_evaluation' }, olderDocs: true }))).toEqual([]);
		// limit arrives as a string and is checked as the number the spec declares.
		expect(offline.check(exchange({ query: { limit: 'ten' } }))[0].problems).toEqual(['/limit must be number']);
	});

	it('holds a refused request to the spec too where only the package sends requests (the node suites)', () => {
		const wrongBody = exchange({ method: 'POST', requestBody: { type: 'template_evaluation', name: 'x' }, status: 400, responseBody: { title: 'Bad Request', status: 400 } });
		expect(offline.check(wrongBody)).toEqual([]);
		const packageOnly = new SpecRecorder();
		packageOnly.requestsFromThePackage = true;
		expect(packageOnly.check(wrongBody).map((violation) => violation.part)).toEqual(['request body']);
	});

	it('catches an answer status the operation does not declare, and a problem body that is not a Problem', () => {
		expect(offline.check(exchange({ method: 'DELETE', pattern: '/v2/tasks/:task_id', status: 200, responseBody: {} }))[0].problems).toEqual([
			'the spec declares no 200 answer for delete_task',
		]);
		expect(offline.check(exchange({ status: 404, responseBody: { message: 'not found' } }))[0].problems).toEqual(
			expect.arrayContaining(["/ must have required property 'title'", '/ must NOT have additional properties (message)']),
		);
	});
});
