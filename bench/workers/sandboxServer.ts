/**
 * The Arize sandbox in a process of its own: `node sandboxServer.js <tasks> <idsWanted>`. Answers the parent over
 * IPC: `requests` (what it received), `clear`, `close`.
 */
import { startSandbox } from '../../sandbox/index.ts';
import { BENCH_API_KEY } from '../lib/common';

async function main() {
	const [tasks, idsWanted] = process.argv.slice(2).map(Number);
	const sandbox = await startSandbox({ apiKeys: [BENCH_API_KEY], seed: false });
	const added = sandbox.store.addTasks(tasks);
	sandbox.store.taskList(); // build the list cache now, not during the first measured request

	process.on('message', (message: { type: string }) => {
		if (message.type === 'requests') {
			const value = sandbox.requests.map(({ method, path, status, headers }) => ({
				method,
				path,
				status,
				connection: headers.connection,
			}));
			process.send!({ type: 'answer', value });
		} else if (message.type === 'clear') {
			sandbox.clearRequests();
			process.send!({ type: 'answer', value: null });
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
