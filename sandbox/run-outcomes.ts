import { createHash } from 'node:crypto';

import { TERMINAL_RUN_STATUSES } from './types.ts';
import type { RunStatus, TaskRunCounts, TerminalRunStatus } from './types.ts';

export const USER_CANCEL_REASON = 'Cancelled by user';
export const DEFAULT_FAILURE_REASON =
	'Evaluation failed: the LLM provider returned HTTP 500 for 25 consecutive requests; the run was stopped.';

export function isTerminal(status: RunStatus): status is TerminalRunStatus {
	return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);
}

/** A small stable number derived from `key`, so the same run always gets the same "random" counts. */
export function stableNumber(key: string, modulo: number): number {
	return createHash('sha256').update(key).digest().readUInt32BE(0) % modulo;
}

/** Plausible counts for `total` items: a few errors and skips, the rest successes. */
export function plannedCounts(total: number, key: string): TaskRunCounts {
	const num_errors = Math.min(total, stableNumber(`${key}:errors`, 3));
	const num_skipped = Math.min(total - num_errors, stableNumber(`${key}:skipped`, 5));
	return { num_successes: total - num_errors - num_skipped, num_errors, num_skipped };
}

/** The counts finishRun() uses when the caller gives none. */
export function defaultCounts(status: TerminalRunStatus, key: string): TaskRunCounts {
	if (status === 'CANCELLED') return { num_successes: 0, num_errors: 0, num_skipped: 0 };
	const total = 20 + stableNumber(`${key}:total`, 180);
	if (status === 'COMPLETED') return plannedCounts(total, key);
	const num_errors = 1 + stableNumber(`${key}:failed`, 25);
	return { num_successes: total - num_errors, num_errors, num_skipped: 0 };
}

export function defaultFailureReason(status: TerminalRunStatus): string | null {
	if (status === 'FAILED') return DEFAULT_FAILURE_REASON;
	if (status === 'CANCELLED') return USER_CANCEL_REASON;
	return null;
}
