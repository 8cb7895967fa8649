/**
 * The Arize sandbox in a process of its own: `node sandboxServer.js <tasks> <idsWanted> [latencyMs] [jitterMs] [seed]`
 * (`seed`: 1 loads the seed data). Answers the parent over IPC: `requests` (what it received), `clear`, `latency`
 * (`{ latencyMs, jitterMs }`: the simulated network delay of every answer), `rateLimit` (`{ limit }`: the token bucket
 * from now on, none when absent; with `after`, only once the sandbox has received that many requests since the last
 * `clear`), `inFlight` (`{ max, now }`: requests in flight, most at once since the start or the last
 * `resetInFlight`), `resetInFlight`, `close`.
 */
import type { RateLimitOptions } from '../../sandbox/index.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { BENCH_API_KEY } from '../lib/common';

type Message = { type: string; latencyMs?: number; jitterMs?: number; limit?: RateLimitOptions; after?: number };

async function main() {
	const [tasks, idsWanted, latencyMs = 0, jitterMs = 0, seed = 0] = process.argv.slice(2).map(Number);
	// The default listen backlog (2048, see SandboxOptions.backlog) takes the 1,000 connections n8n's HTTP Request node
	// opens at once in the timing benchmark, one per item.
	const sandbox = await startSandbox({ apiKeys: [BENCH_API_KEY], seed: seed === 1, latencyMs, jitterMs });
	let limitChange: ReturnType<typeof setInterval> | undefined;
	const added = sandbox.store.addTasks(tasks);
	sandbox.store.taskList(); // build the list cache now, not during the first measured request

	const answer = (value: unknown) => process.send!({ type: 'answer', value });
	process.on('message', (message: Message) => {
		if (message.type === 'requests') {
			answer(
				sandbox.requests.map(({ method, path, status, headers, body, receivedAt, answeredAt, retryAfter }) => ({
					method,
					path,
					status,
					connection: headers.connection,
					receivedAt,
					answeredAt,
					retryAfter,
					name: (body as { name?: string } | undefined)?.name,
				})),
			);
		} else if (message.type === 'clear') {
			sandbox.clearRequests();
			answer(null);
		} else if (message.type === 'latency') {
			try {
				sandbox.setLatency(message.latencyMs ?? 0, message.jitterMs ?? 0);
				answer(null);
			} catch (error) {
				answer({ error: (error as Error).message });
			}
		} else if (message.type === 'rateLimit') {
			clearInterval(limitChange);
			const after = message.after ?? 0;
			if (sandbox.requests.length >= after) sandbox.setRateLimit(message.limit);
			else {
				// Checked every few ms while the batch runs: the change lands within a request or two of `after`.
				limitChange = setInterval(() => {
					if (sandbox.requests.length < after) return;
					clearInterval(limitChange);
					sandbox.setRateLimit(message.limit);
				}, 2);
			}
			answer(null);
		} else if (message.type === 'inFlight') {
			answer({ max: sandbox.maxInFlight, now: sandbox.inFlight });
		} else if (message.type === 'resetInFlight') {
			sandbox.resetMaxInFlight();
			answer(null);
		} else if (message.type === 'close') {
			void sandbox.close().then(() => process.exit(0));
		}
	});
	// The parent went away (finished or crashed): nothing is left to serve.
	process.on('disconnect', () => process.exit(0));
	process.send!({ type: 'ready', url: sandbox.url, taskIds: added.slice(0, idsWanted).map((task) => task.id) });
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
