import type { INodeParameters, INodePropertyMode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { ArizeTrigger } from '../../nodes/ArizeTrigger/ArizeTrigger.node';
import { SEED } from '../../sandbox/seed.ts';
import { WEBHOOK_SEED } from '../../sandbox/webhooks/seed.ts';
import { credentialTypes, summary, useArize } from '../arize';
import { runListSearch } from '../harness';

// The Arize Trigger's resource locator lists, as the editor fills them: through n8n's LoadOptionsContext on the
// trigger node, against the sandbox. Each list is one GET per page the user scrolls to, filtered by the typed text.

const arize = useArize();

/** What the editor holds while a list opens: every event chosen, so every locator of the trigger is shown. */
const everyEvent: INodeParameters = {
	events: ['ONLINE_TASK_RUN_FAILED', 'PROMPT_VERSION_LABELED', 'EVALUATOR_VERSION_CREATED'],
	taskScope: 'task',
};

async function search(method: string, filter?: string, paginationToken?: string, credentials = arize.credentials) {
	return await runListSearch({
		nodeType: new ArizeTrigger(),
		credentialTypes,
		credentials,
		method,
		filter,
		paginationToken,
		parameters: everyEvent,
	});
}

const sent = () => arize.sandbox.requests.map(summary);
const minute = (i: number) => new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString();
const numbered = (prefix: string, from: number, to: number) =>
	Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => `${prefix}-${String(from < to ? from + i : from - i).padStart(3, '0')}`);

function addOrganizations(count: number) {
	for (let i = 1; i <= count; i++) {
		const id = arize.sandbox.store.nextId('Organization');
		arize.sandbox.store.organizations.set(id, { id, name: `team-${String(i).padStart(3, '0')}`, description: '', created_at: minute(i) });
	}
}

function addPrompts(count: number) {
	for (let i = 1; i <= count; i++) {
		const id = arize.sandbox.store.nextId('Prompt');
		arize.sandbox.store.prompts.set(id, {
			id,
			name: `nightly-${String(i).padStart(3, '0')}`,
			description: null,
			space_id: SEED.spaceId,
			created_at: minute(i),
			updated_at: minute(i),
			created_by_user_id: SEED.userId,
		});
	}
}

function addEvaluators(count: number) {
	for (let i = 1; i <= count; i++) {
		const id = arize.sandbox.store.nextId('Evaluator');
		arize.sandbox.store.evaluators.set(id, {
			id,
			name: `check-${String(i).padStart(3, '0')}`,
			type: 'CODE',
			description: `Code check ${i}`,
			space_id: SEED.spaceId,
			created_at: minute(i),
			updated_at: minute(i),
			versions: [],
		});
	}
}

describe('Arize Trigger: the lists of its resource locators', () => {
	it('every locator of the trigger opens one of its list searches, and there is a test below for each', () => {
		const trigger = new ArizeTrigger();
		const listMode = (modes: INodePropertyMode[] | undefined) => modes?.find((mode) => mode.name === 'list');
		const listMethods = trigger.description.properties
			.filter((property) => property.type === 'resourceLocator')
			.map((property) => [property.name, listMode(property.modes)?.typeOptions?.searchListMethod]);
		expect(listMethods).toEqual([
			['organizationId', 'searchOrganizations'],
			['taskId', 'searchEvaluationTasks'],
			['spaceId', 'searchSpaces'],
			['promptId', 'searchPrompts'],
			['evaluatorId', 'searchEvaluators'],
		]);
		expect(Object.keys(trigger.methods.listSearch).sort()).toEqual([
			'searchEvaluationTasks',
			'searchEvaluators',
			'searchOrganizations',
			'searchPrompts',
			'searchSpaces',
		]);
	});

	it('Organization: every organization with its description; the typed text filters by name', async () => {
		expect(await search('searchOrganizations')).toStrictEqual({
			results: [
				{ name: 'Acme Support', value: WEBHOOK_SEED.orgIds.main, description: 'Customer support assistants and their evaluations' },
				{ name: 'Acme Research', value: WEBHOOK_SEED.orgIds.research, description: undefined },
			],
			paginationToken: undefined,
		});
		expect(await search('searchOrganizations', ' research ')).toStrictEqual({
			results: [{ name: 'Acme Research', value: WEBHOOK_SEED.orgIds.research, description: undefined }],
			paginationToken: undefined,
		});
		expect(sent()).toEqual([
			{ method: 'GET', path: '/v2/organizations', query: { limit: '100' } },
			{ method: 'GET', path: '/v2/organizations', query: { name: 'research', limit: '100' } },
		]);
	});

	it('Prompt: every prompt, most recently updated first, with its description; the typed text filters by name', async () => {
		expect(await search('searchPrompts')).toStrictEqual({
			results: [
				{
					name: 'support-answer',
					value: WEBHOOK_SEED.promptIds.supportAnswer,
					description: 'Answers a customer question from the help center',
				},
				{ name: 'rag-summary', value: WEBHOOK_SEED.promptIds.ragSummary, description: undefined },
			],
			paginationToken: undefined,
		});
		expect(await search('searchPrompts', 'RAG')).toStrictEqual({
			results: [{ name: 'rag-summary', value: WEBHOOK_SEED.promptIds.ragSummary, description: undefined }],
			paginationToken: undefined,
		});
		// The support-answer prompt's ID holds '/': the value is the ID itself, not an encoded form.
		expect(WEBHOOK_SEED.promptIds.supportAnswer).toContain('/');
		expect(sent()).toEqual([
			{ method: 'GET', path: '/v2/prompts', query: { limit: '100' } },
			{ method: 'GET', path: '/v2/prompts', query: { name: 'RAG', limit: '100' } },
		]);
	});

	it('Evaluator: every evaluator, most recently updated first, described by its type and description; the typed text filters by name', async () => {
		const e = SEED.evaluatorIds;
		const entry = (name: string, value: string, description: string) => ({ name, value, description });
		const jsonFormat = entry('JSON Format Check', e.jsonFormat, 'Code · Python check that the output parses as JSON and matches the reply schema.');
		const hallucination = entry('Hallucination Eval', e.hallucination, 'Template · LLM judge: is the answer supported by the retrieved context?');
		const relevance = entry('Relevance Eval', e.relevance, 'Template · LLM judge: does the answer address the question?');
		const harness = entry('Answer Correctness (harness)', e.answerCorrectness, 'Harness · Compares answers with expected_answer from the golden set.');
		expect(await search('searchEvaluators')).toStrictEqual({ results: [jsonFormat, hallucination, relevance, harness], paginationToken: undefined });
		expect(await search('searchEvaluators', 'eval')).toStrictEqual({ results: [hallucination, relevance], paginationToken: undefined });
		expect(sent()).toEqual([
			{ method: 'GET', path: '/v2/evaluators', query: { limit: '100' } },
			{ method: 'GET', path: '/v2/evaluators', query: { name: 'eval', limit: '100' } },
		]);
	});

	// Pages of 100 in the order the list shows (organizations as created, prompts and evaluators most recently
	// updated first); the next page is asked for with the token and the same filter.
	it.each([
		['Organization', 'searchOrganizations', '/v2/organizations', addOrganizations, 130, 'team', numbered('team', 1, 100), numbered('team', 101, 130)],
		['Prompt', 'searchPrompts', '/v2/prompts', addPrompts, 120, 'nightly', numbered('nightly', 120, 21), numbered('nightly', 20, 1)],
		['Evaluator', 'searchEvaluators', '/v2/evaluators', addEvaluators, 101, 'check-', numbered('check', 101, 2), ['check-001']],
	])('%s: one request per page, following the pagination token with the same filter', async (_list, method, path, add, count, filter, firstPage, secondPage) => {
		add(count);
		const first = await search(method, filter);
		expect(first.results.map((entry) => entry.name)).toEqual(firstPage);
		expect(first.paginationToken).toEqual(expect.any(String));
		const second = await search(method, filter, first.paginationToken as string);
		expect(second.results.map((entry) => entry.name)).toEqual(secondPage);
		expect(second.paginationToken).toBeUndefined();
		expect(new Set([...first.results, ...second.results].map((entry) => entry.value)).size).toBe(count);
		expect(sent()).toEqual([
			{ method: 'GET', path, query: { name: filter, limit: '100' } },
			{ method: 'GET', path, query: { name: filter, limit: '100', cursor: first.paginationToken } },
		]);
	});

	it('Space: the spaces, filtered by the typed text', async () => {
		expect(await search('searchSpaces')).toStrictEqual({
			results: [{ name: 'Production Evals', value: SEED.spaceId, description: undefined }],
			paginationToken: undefined,
		});
		expect(await search('searchSpaces', 'staging')).toStrictEqual({ results: [], paginationToken: undefined });
		expect(sent()).toEqual([
			{ method: 'GET', path: '/v2/spaces', query: { limit: '100' } },
			{ method: 'GET', path: '/v2/spaces', query: { name: 'staging', limit: '100' } },
		]);
	});

	it('Task: the evaluation tasks named with their type and the end of their ID, filtered by the typed text; no Run Experiment task', async () => {
		const t = SEED.taskIds;
		const templateTask = (name: string, id: string) => ({
			name: `${name} (Template Evaluation · …${id.slice(-6)})`,
			value: id,
			description: undefined,
		});
		expect(await search('searchEvaluationTasks', 'hallucination')).toStrictEqual({
			results: [
				templateTask('Production Hallucination Check', t.productionHallucination),
				templateTask('RAG Answer Hallucination', t.ragAnswerHallucination),
				templateTask('Golden Questions Hallucination', t.goldenHallucination),
			],
			paginationToken: undefined,
		});
		// The seed's two tasks named Support… run experiments: Online Task Run Failed cannot watch them.
		expect(await search('searchEvaluationTasks', 'support')).toStrictEqual({ results: [], paginationToken: undefined });
		expect(sent()).toEqual([
			{ method: 'GET', path: '/v2/tasks', query: { name: 'hallucination', limit: '100' } },
			{ method: 'GET', path: '/v2/tasks', query: { name: 'support', limit: '100' } },
		]);
	});

	it("a list the key may not read shows Arize's error in the editor", async () => {
		const credentials = { arizeApi: { ...arize.credentials.arizeApi, apiKey: 'not-a-key' } };
		for (const method of ['searchOrganizations', 'searchPrompts', 'searchEvaluators']) {
			const error = (await search(method, undefined, undefined, credentials).catch((thrown: unknown) => thrown)) as NodeApiError;
			expect(error).toBeInstanceOf(NodeApiError);
			expect([error.message, error.description]).toEqual([
				'Invalid or missing API key. Send it as "Authorization: Bearer <API key>". [HTTP 401]',
				'Check the API key in the credential "arizeApi account". Arize keys belong to one region: a key used against another ' +
					"region's host fails the same way, so also check the Region.",
			]);
		}
		expect(sent().map(({ path }) => path)).toEqual(['/v2/organizations', '/v2/prompts', '/v2/evaluators']);
	});
});
