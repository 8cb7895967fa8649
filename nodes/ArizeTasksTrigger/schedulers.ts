import type { IPollFunctions } from 'n8n-workflow';

/**
 * What n8n's poll schedulers promise a poll, in one place. n8n documents none of this; each fact is pinned by a test
 * that calls n8n's own code (test/trigger/schedulers.test.ts against n8n-core, test/e2e/schedulers.e2e.ts against
 * the installed n8n), so an n8n that changes one fails a test instead of firing runs twice.
 *
 * - n8n 1.x has no poll budget: a poll gets what fits in n8n's shortest poll interval, a minute.
 * - The classic scheduler of n8n 2.x gives no budget either, and n8n-core's poll context then answers its default.
 * - The durable scheduler (n8n 2.41, opt-in) gives a budget: its ceiling (the poll timeout, or the lease if shorter)
 *   less a margin of 20 %, at least 5 s and at most half the ceiling. It abandons a poll at the ceiling, and hands
 *   each poll a copy of the state committed when the poll started (see overlappingPolls.ts).
 */

/** The budget of a poll on n8n 1.x: well inside n8n's shortest poll interval. */
export const DEFAULT_POLL_BUDGET_MS = 36_000;
/** What n8n-core's poll context answers when the scheduler set no budget (the classic scheduler). */
export const CLASSIC_POLL_BUDGET_MS = 5 * 60 * 1000;

/**
 * How long this poll may take, and whether n8n's durable scheduler runs it. n8n gives no other sign of the durable
 * scheduler than a budget other than the classic default, so one configured with a ceiling of exactly 375 s (whose
 * budget is 5 minutes too) is taken for the classic scheduler, and its overlapping polls go unguarded.
 */
export function pollBudget(context: IPollFunctions): { budgetMs: number; durable: boolean } {
	const budget = typeof context.getPollBudgetMs === 'function' ? context.getPollBudgetMs() : undefined;
	if (typeof budget !== 'number' || !(budget > 0)) return { budgetMs: DEFAULT_POLL_BUDGET_MS, durable: false };
	return { budgetMs: budget, durable: budget !== CLASSIC_POLL_BUDGET_MS };
}

/**
 * How long after its start the durable scheduler abandons a poll that it handed `budgetMs`: the ceiling that budget
 * was cut from. The scheduler starts its clock a moment before the poll starts, so a little of the margin is kept back.
 */
export function abandonedAfterMs(budgetMs: number): number {
	const ceiling = budgetMs >= 20_000 ? budgetMs * 1.25 : budgetMs >= 5_000 ? budgetMs + 5_000 : budgetMs * 2;
	return ceiling - Math.min(1_000, (ceiling - budgetMs) / 4);
}
