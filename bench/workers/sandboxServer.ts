/**
 * The Arize sandbox in a process of its own: `node sandboxServer.js <tasks> <idsWanted> [latencyMs] [jitterMs]`.
 * Answers the parent over IPC: `requests` (what it received), `clear`, `latency` (`{ latencyMs, jitterMs }`: the
 * simulated network delay of every answer), `inFlight` (`{ max, now }`: requests in flight, most at once since the
 * start or the last `resetInFlight`), `resetInFlight`, `close`.
 */
import { startSandbox } from '../../sandbox/index.ts';
import { BENCH_API_KEY } from '../lib/common';

type Message = { type: string; latencyMs?: number; jitterMs?: number };

async function main() {
	const [tasks, idsWanted, latencyMs = 0, jitterMs = 0] = process.argv.slice(2).map(Number);
	// The default listen backlog (2048, see SandboxOptions.backlog) takes the 1,000 connections n8n's HTTP Request node
	// opens at once in the timing benchmark, one per item.
	const sandbox = await startSandbox({ apiKeys: [BENCH_API_KEY], seed: false, latencyMs, jitterMs });
	const added = sandbox.store.addTasks(tasks);
	sandbox.store.taskList(); // build the list cache now, not during the first measured request

	const answer = (value: unknown) => process.send!({ type: 'answer', value });
	process.on('message', (message: Message) => {
		if (message.type === 'requests') {
			answer(
				sandbox.requests.map(({ method, path, status, headers, receivedAt, answeredAt }) => ({
					method,
					path,
					status,
					connection: headers.connection,
					receivedAt,
					answeredAt,
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
