import { SEED } from '../../sandbox/index.ts';
import { enc, expectProblem, readAllPages, useSandbox } from './helpers.ts';

// Limit 1–100 (default 50), opaque cursor tied to its filters, next_cursor absent on the last page.

describe('pagination', () => {
	const ctx = useSandbox();

	beforeAll(() => {
		ctx.sandbox.store.addTasks(250);
	});

	it('walks every page and returns each task exactly once, in a stable order', async () => {
		const { items, pages } = await readAllPages(ctx.api, '/v2/tasks', 'tasks', 37);
		const ids = items.map((task) => task.id);
		expect(ids).toHaveLength(262);
		expect(new Set(ids).size).toBe(262);
		expect(ids).toEqual(ctx.sandbox.store.taskList().map((task) => task.id));
		expect(pages).toBe(Math.ceil(262 / 37));
	});

	it('defaults to 50 items and allows 100', async () => {
		expect((await ctx.api.get('/v2/tasks')).body.tasks).toHaveLength(50);
		expect((await ctx.api.get('/v2/tasks?limit=100')).body.tasks).toHaveLength(100);
		expect((await ctx.api.get('/v2/tasks?limit=1')).body.tasks).toHaveLength(1);
	});

	it('omits next_cursor (not null) when has_more is false', async () => {
		const response = await ctx.api.get(`/v2/tasks?dataset_id=${enc(SEED.datasetId)}`);
		expect(response.body.pagination).toEqual({ has_more: false });
	});

	it('keeps has_more false when the last page is exactly full', async () => {
		const { items, pages } = await readAllPages(ctx.api, `/v2/tasks?dataset_id=${enc(SEED.datasetId)}`, 'tasks', 3);
		expect(items).toHaveLength(6);
		expect(pages).toBe(2);
	});

	it.each(['0', '101', '-1', 'abc', '1.5', ''])('answers 400 naming limit for limit=%s', async (limit) => {
		expectProblem(await ctx.api.get(`/v2/tasks?limit=${limit}`), 400, /limit/);
	});

	it('applies the limit bounds to lookups and runs too', async () => {
		expectProblem(await ctx.api.get('/v2/projects?limit=101'), 400, /limit/);
		expectProblem(await ctx.api.get(`/v2/tasks/${enc(SEED.taskIds.productionHallucination)}/runs?limit=0`), 400, /limit/);
	});

	it('answers 400 for a garbage cursor', async () => {
		expectProblem(await ctx.api.get('/v2/tasks?cursor=not-a-cursor'), 400, /cursor/);
		expectProblem(await ctx.api.get(`/v2/tasks?cursor=${enc(Buffer.from('{"o":1}').toString('base64'))}`), 400, /cursor/);
	});

	it('answers 400 when a cursor is reused with different filters or on another endpoint', async () => {
		const first = await ctx.api.get('/v2/tasks?limit=5&type=TEMPLATE_EVALUATION');
		const cursor = enc(first.body.pagination.next_cursor);
		expectProblem(await ctx.api.get(`/v2/tasks?limit=5&cursor=${cursor}`), 400, /different/);
		expectProblem(await ctx.api.get(`/v2/tasks?limit=5&type=CODE_EVALUATION&cursor=${cursor}`), 400, /different/);
		expectProblem(await ctx.api.get(`/v2/projects?cursor=${cursor}`), 400, /cursor/);
		// limit may change between pages.
		const next = await ctx.api.get(`/v2/tasks?limit=7&type=TEMPLATE_EVALUATION&cursor=${cursor}`);
		expect(next.status).toBe(200);
		expect(next.body.tasks).toHaveLength(7);
	});

	it('neither skips nor repeats when a task on an earlier page is deleted between pages', async () => {
		const first = await ctx.api.get('/v2/tasks?limit=10');
		const page1 = first.body.tasks.map((task: { id: string }) => task.id);
		expect((await ctx.api.delete(`/v2/tasks/${enc(page1[0])}`)).status).toBe(204);
		const second = await ctx.api.get(`/v2/tasks?limit=10&cursor=${enc(first.body.pagination.next_cursor)}`);
		const expected = ctx.sandbox.store.taskList().map((task) => task.id);
		expect(second.body.tasks.map((task: { id: string }) => task.id)).toEqual(expected.slice(9, 19));
	});

	it('paginates filtered lists and lookups', async () => {
		const { items } = await readAllPages(ctx.api, '/v2/tasks?name=bulk%20TASK%2000', 'tasks', 20);
		expect(items).toHaveLength(99);
		const evaluators = await readAllPages(ctx.api, '/v2/evaluators', 'evaluators', 1);
		expect(evaluators.items).toHaveLength(4);
		expect(evaluators.pages).toBe(4);
		const examples = await readAllPages(ctx.api, `/v2/datasets/${enc(SEED.datasetId)}/examples`, 'examples', 6);
		expect(examples.items).toHaveLength(SEED.exampleCount);
	});

	it('lets the dataset examples endpoint page up to 500 (the one exception)', async () => {
		expect((await ctx.api.get(`/v2/datasets/${enc(SEED.datasetId)}/examples?limit=500`)).status).toBe(200);
		expectProblem(await ctx.api.get(`/v2/datasets/${enc(SEED.datasetId)}/examples?limit=501`), 400, /limit/);
	});
});
