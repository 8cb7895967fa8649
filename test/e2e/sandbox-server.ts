import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startSandbox } from '../../sandbox/index.ts';

// The Arize sandbox for the end-to-end run, plus a small control port that only the tests use: it reports the
// requests the sandbox received (method, path, query, status), so a test can see that the trigger polled again
// without guessing from the clock. Run by scripts/e2e under Node 24 type stripping:
//   node test/e2e/sandbox-server.ts [--port 0] [--control-port 0] [--run-duration-ms 2000] [--latency 0] [--jitter 0]
// Environment: SANDBOX_API_KEY. Prints one line `sandbox <url> control <url>` once both listen.
// Control routes: GET /requests; POST /latency {"latencyMs": n, "jitterMs": n} (the simulated network delay of every
// answer); GET /in-flight → {"max": n, "now": n} (requests in flight: most at once since the start or the last reset,
// and now); POST /in-flight/reset; POST /webhooks/test-outage {"status": 404 | 503 | null} (how the test-delivery
// endpoint answers); POST /webhooks/finish-task-run {"taskId", "failureReason"} (a run of the task that has finished,
// failed when a reason is given, with the webhook events that follow).

function option(name: string, fallback: number): number {
	const args = process.argv.slice(2);
	const index = args.indexOf(`--${name}`);
	const value = index >= 0 ? Number(args[index + 1]) : fallback;
	if (!Number.isInteger(value) || value < 0) throw new Error(`Invalid --${name}`);
	return value;
}

/** The request's JSON body; undefined when it is empty or not JSON. */
function readJson(request: IncomingMessage): Promise<unknown> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			try {
				resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
			} catch {
				resolve(undefined);
			}
		});
	});
}

async function main(): Promise<void> {
	const sandbox = await startSandbox({
		port: option('port', 0),
		apiKeys: [process.env.SANDBOX_API_KEY || 'sandbox-api-key'],
		runDurationMs: option('run-duration-ms', 2000),
		latencyMs: option('latency', 0),
		jitterMs: option('jitter', 0),
	});

	const json = (response: ServerResponse, status: number, value: unknown) => {
		response.writeHead(status, { 'content-type': 'application/json' });
		response.end(JSON.stringify(value));
	};
	const inFlight = () => ({ max: sandbox.maxInFlight, now: sandbox.inFlight });

	const control = createServer((request, response) => {
		const route = `${request.method} ${request.url}`;
		if (route === 'GET /requests') {
			json(response, 200, sandbox.requests.map(({ method, path, query, status }) => ({ method, path, query, status })));
		} else if (route === 'POST /latency') {
			void readJson(request).then((body) => {
				const { latencyMs, jitterMs = 0 } = (body ?? {}) as { latencyMs?: unknown; jitterMs?: unknown };
				try {
					sandbox.setLatency(latencyMs as number, jitterMs as number);
				} catch (error) {
					json(response, 400, { error: (error as Error).message });
					return;
				}
				json(response, 200, { latencyMs, jitterMs });
			});
		} else if (route === 'POST /webhooks/test-outage') {
			void readJson(request).then((body) => {
				const { status = null } = (body ?? {}) as { status?: 404 | 503 | null };
				if (![404, 503, null].includes(status)) {
					json(response, 400, { error: 'status must be 404, 503 or null' });
					return;
				}
				sandbox.webhooks.setTestOutage(status);
				json(response, 200, { status });
			});
		} else if (route === 'POST /webhooks/finish-task-run') {
			void readJson(request).then((body) => {
				const { taskId, failureReason = null } = (body ?? {}) as { taskId?: string; failureReason?: string | null };
				try {
					json(response, 200, sandbox.webhooks.finishTaskRun(String(taskId), failureReason));
				} catch (error) {
					json(response, 400, { error: (error as Error).message });
				}
			});
		} else if (route === 'GET /in-flight') {
			json(response, 200, inFlight());
		} else if (route === 'POST /in-flight/reset') {
			sandbox.resetMaxInFlight();
			json(response, 200, inFlight());
		} else {
			response.writeHead(404).end();
		}
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
