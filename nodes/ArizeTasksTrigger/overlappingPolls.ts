import type { WatcherState } from './runWatcher';

/**
 * Exactly once when n8n starts polls of one trigger that overlap or repeat (within one n8n process).
 *
 * n8n 2.41's durable scheduler hands every poll a copy of the state committed when that poll started, and commits a
 * poll's state with the execution it starts, checking only that the poll still holds its lease. Polls that overlap
 * (a poll slower than the interval, overdue polls run together after a restart) or that start before the previous
 * poll's state was committed would each fire the same runs. Two guards, both in this process's memory:
 * - one poll of a trigger at a time: a poll that finds another of the same trigger running returns at once with
 *   nothing (the running poll reads what there is to read). This also serves n8n 1.x and the classic scheduler,
 *   where overlapping polls share one live state;
 * - under the durable scheduler only, the newest state a poll of this trigger produced, used for a short while
 *   instead of an older state that n8n hands a later poll (the gap between a poll's end and the commit of its state).
 * n8n may still drop a poll's result after the poll ended (a poll it abandoned at its timeout, which is therefore
 * not remembered; the workflow deactivated or replaced during the poll): a state remembered from such a poll would
 * skip its runs. The short memory keeps that window to a minute after such an event.
 */

/**
 * How long a remembered state may stand in for the one n8n hands over: the commit of a poll's state follows its end
 * within moments, and polls come at most once every few seconds.
 */
const REMEMBER_MS = 60 * 1000;

const running = new Set<string>();
const remembered = new Map<string, { state: WatcherState; at: number }>();

/** Runs `poll` unless a poll of the same trigger (`key`) is running in this process; then returns null. */
export async function oneAtATime<T>(key: string, poll: () => Promise<T | null>): Promise<T | null> {
	if (running.has(key)) return null;
	running.add(key);
	try {
		return await poll();
	} finally {
		running.delete(key);
	}
}

/**
 * The state the next poll should start from: the one n8n handed over, or the newer one a poll of this process left
 * for the same activation (same `activatedAt`, higher revision). With no state handed over the trigger starts afresh.
 */
export function newestState(key: string, handedOver: WatcherState | undefined): WatcherState | undefined {
	const mine = remembered.get(key);
	if (!handedOver || !mine || Date.now() - mine.at > REMEMBER_MS) return handedOver;
	const sameActivation = mine.state.activatedAt === handedOver.activatedAt;
	return sameActivation && (mine.state.revision ?? 0) > (handedOver.revision ?? 0) ? mine.state : handedOver;
}

/** Keeps the state a poll produced (call only for a poll that n8n did not abandon: see schedulers.ts). */
export function rememberState(key: string, state: WatcherState): void {
	const now = Date.now();
	for (const [other, entry] of remembered) if (now - entry.at > REMEMBER_MS) remembered.delete(other);
	remembered.set(key, { state, at: now });
}

/** For tests: forget everything, as a restart of n8n does. */
export function forgetPolls(): void {
	running.clear();
	remembered.clear();
}
