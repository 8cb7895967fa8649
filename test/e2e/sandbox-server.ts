import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startSandbox } from '../../sandbox/index.ts';

// The Arize sandbox for the end-to-end run, plus a small control port that only the tests use: it reports the
// requests the sandbox received (method, path, query, status), so a test can see that the trigger polled again
// without guessing from the clock. Run by scripts/e2e under Node 24 type stripping:
//   node test/e2e/sandbox-server.ts [--port 0] [--control-port 0] [--run-duration-ms 2000]
// Environment: SANDBOX_API_KEY. Prints one line `sandbox <url> control <url>` once both listen.

function option(name: string, fallback: number): number {
	const args = process.argv.slice(2);
	const index = args.indexOf(`--${name}`);
	const value = index >= 0 ? Number(args[index + 1]) : fallback;
	if (!Number.isInteger(value) || value < 0) throw new Error(`Invalid --${name}`);
	return value;
}

async function main(): Promise<void> {
	const sandbox = await startSandbox({
		port: option('port', 0),
		apiKeys: [process.env.SANDBOX_API_KEY || 'sandbox-api-key'],
		runDurationMs: option('run-duration-ms', 2000),
	});

	const control = createServer((request, response) => {
		if (request.method === 'GET' && request.url === '/requests') {
			const requests = sandbox.requests.map(({ method, path, query, status }) => ({ method, path, query, status }));
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(JSON.stringify(requests));
			return;
		}
		response.writeHead(404).end();
	});
	await new Promise<void>((resolve) => control.listen(option('control-port', 0), '127.0.0.1', resolve));
	const controlPort = (control.address() as AddressInfo).port;
	console.log(`sandbox ${sandbox.url} control http://127.0.0.1:${controlPort}`);

	const stop = () => {
		control.close();
		void sandbox.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error('Could not start the e2e sandbox:', error);
	process.exit(1);
});
