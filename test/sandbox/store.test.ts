import { createStore, SEED } from '../../sandbox/index.ts';

// The seed data and the store helpers tests and benchmarks use directly.

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

describe('seed data', () => {
	const store = createStore();

	it('has the documented collections', () => {
		expect([...store.spaces.values()].map((space) => space.name)).toEqual(['Production Evals']);
		expect([...store.projects.values()].map((project) => project.name)).toEqual(['support-chatbot', 'rag-search']);
		expect([...store.datasets.values()].map((dataset) => dataset.name)).toEqual(['golden-questions']);
		expect(store.experiments.size).toBe(3);
		expect([...store.evaluators.values()].map((evaluator) => evaluator.type).sort()).toEqual(['CODE', 'HARNESS', 'TEMPLATE', 'TEMPLATE']);
		expect([...store.aiIntegrations.values()].map((integration) => integration.provider)).toEqual(['OPEN_AI', 'ANTHROPIC']);
		expect([...store.aiIntegrations.values()].every((integration) => integration.model_names.length > 0)).toBe(true);
		expect([...store.integrations.values()].map((integration) => integration.type)).toEqual(['AGENT']);
		expect(store.tasks.size).toBe(12);
	});

	it('uses the exported SEED ids', () => {
		expect(store.spaces.has(SEED.spaceId)).toBe(true);
		for (const id of Object.values(SEED.projectIds)) expect(store.projects.has(id)).toBe(true);
		for (const id of Object.values(SEED.experimentIds)) expect(store.experiments.get(id)?.dataset_id).toBe(SEED.datasetId);
		for (const id of Object.values(SEED.evaluatorIds)) expect(store.evaluators.has(id)).toBe(true);
		for (const id of Object.values(SEED.taskIds)) expect(store.tasks.has(id)).toBe(true);
		expect(store.integrations.has(SEED.agentIntegrationId)).toBe(true);
	});

	it('contains task ids with "+", "/" and a trailing "=" (clients must URL-encode)', () => {
		const ids = [...store.tasks.keys()];
		expect(ids.some((id) => id.includes('+'))).toBe(true);
		expect(ids.some((id) => id.includes('/'))).toBe(true);
		expect(ids.some((id) => id.endsWith('='))).toBe(true);
		for (const id of ids) expect(Buffer.from(id, 'base64').toString('latin1')).toMatch(/^Task:\d+:/);
	});

	it('covers every task type, data source and run-configuration variant', () => {
		const tasks = [...store.tasks.values()];
		expect(tasks.some((task) => task.type === 'TEMPLATE_EVALUATION' && task.project_id && task.is_continuous)).toBe(true);
		expect(tasks.some((task) => task.type === 'TEMPLATE_EVALUATION' && task.dataset_id && task.experiment_ids.length > 0)).toBe(true);
		expect(tasks.some((task) => task.type === 'CODE_EVALUATION' && task.project_id)).toBe(true);
		expect(tasks.some((task) => task.type === 'CODE_EVALUATION' && task.dataset_id)).toBe(true);
		const variants = tasks.filter((task) => task.type === 'RUN_EXPERIMENT').map((task) => task.run_configuration?.experiment_type);
		expect(variants.sort()).toEqual(['AGENT_CALL', 'LLM_GENERATION', 'TEMPLATE_EVALUATION']);
	});

	it('gives each task 0–3 finished runs with 2026 timestamps and last_run_at matching the latest', () => {
		const statuses = new Set<string>();
		for (const task of store.tasks.values()) {
			const runs = store.runsOf(task.id);
			expect(runs.length).toBeLessThanOrEqual(3);
			for (const run of runs) {
				expect(TERMINAL).toContain(run.status);
				statuses.add(run.status);
				expect(run.created_at).toMatch(/^2026-/);
				expect(run.run_finished_at! >= run.created_at).toBe(true);
			}
			expect(task.last_run_at).toBe(runs.at(-1)?.run_finished_at ?? null);
		}
		expect([...statuses].sort()).toEqual(TERMINAL.slice().sort());
	});

	it('is deterministic across stores', () => {
		const other = createStore();
		expect([...other.tasks.keys()]).toEqual([...store.tasks.keys()]);
		expect([...other.runs.keys()]).toEqual([...store.runs.keys()]);
	});
});

describe('store helpers', () => {
	it('addTask fills every field and generates id and timestamps', () => {
		const store = createStore();
		const task = store.addTask({ type: 'CODE_EVALUATION', name: 'direct', project_id: SEED.projectIds.ragSearch, evaluators: [{ evaluator_id: SEED.evaluatorIds.jsonFormat }] });
		expect(task).toEqual({
			id: expect.any(String),
			name: 'direct',
			type: 'CODE_EVALUATION',
			project_id: SEED.projectIds.ragSearch,
			dataset_id: null,
			sampling_rate: 1,
			is_continuous: false,
			query_filter: null,
			evaluators: [{ evaluator_id: SEED.evaluatorIds.jsonFormat, evaluator_name: 'JSON Format Check', query_filter: null, column_mappings: null, evaluator_version_id: null }],
			experiment_ids: [],
			last_run_at: null,
			created_at: expect.any(String),
			updated_at: task.created_at,
			created_by_user_id: SEED.userId,
		});
		expect(store.taskList().at(-1)).toBe(task);
		expect(store.addTask({ type: 'RUN_EXPERIMENT', name: 'bare', dataset_id: SEED.datasetId }).run_configuration).toBeNull();
	});

	it('addTasks inserts numbered tasks', () => {
		const store = createStore();
		const tasks = store.addTasks(250);
		expect(tasks).toHaveLength(250);
		expect(tasks[0].name).toBe('Bulk task 0001');
		expect(tasks[249].name).toBe('Bulk task 0250');
		expect(tasks[0]).toMatchObject({ type: 'TEMPLATE_EVALUATION', project_id: SEED.projectIds.supportChatbot });
		expect(new Set(tasks.map((task) => task.id)).size).toBe(250);
		expect(store.tasks.size).toBe(262);
		// Numbering continues, and a template applies to every task.
		const more = store.addTasks(2, { type: 'RUN_EXPERIMENT', dataset_id: SEED.datasetId });
		expect(more.map((task) => [task.name, task.type, task.project_id, task.evaluators])).toEqual([
			['Bulk task 0251', 'RUN_EXPERIMENT', null, []],
			['Bulk task 0252', 'RUN_EXPERIMENT', null, []],
		]);
	});

	// How long it takes is the benchmark's business (bench/), not a test's: a loaded machine would fail a timed check.
	it('addTasks makes 100,000 tasks', () => {
		const store = createStore({ seed: false });
		store.addTasks(100_000);
		expect(store.taskList()).toHaveLength(100_000);
		expect(store.taskList()[99_999].name).toBe('Bulk task 100000');
	});

	it('reset() drops changes and reloads the seed; seed: false starts empty', () => {
		const store = createStore();
		store.addTasks(3);
		store.deleteTask(SEED.taskIds.goldenRelevance);
		store.reset();
		expect(store.tasks.size).toBe(12);
		expect(store.tasks.has(SEED.taskIds.goldenRelevance)).toBe(true);
		const empty = createStore({ seed: false });
		expect([empty.spaces.size, empty.tasks.size, empty.runs.size]).toEqual([0, 0, 0]);
	});

	it('addRun and finishRun throw for unknown ids', () => {
		const store = createStore();
		expect(() => store.addRun('nope')).toThrow(/No task/);
		expect(() => store.finishRun('nope', 'COMPLETED')).toThrow(/No run/);
	});
});
