import { DEFAULT_API_KEY, RUN_ORDERS, startSandbox } from './index.ts';
import type { RunOrder, Sandbox } from './index.ts';
import { DataFile } from './persistence.ts';

// Usage: node sandbox/cli.ts [--port 4010] [--host 127.0.0.1] [--run-duration-ms 3000] [--no-seed]
//                            [--latency 0] [--jitter 0] [--data-file PATH] [--webhook-retry-delays 1000,5000,25000]
//                            [--run-order newest|oldest|shuffled] [--rate-limit 40 [--rate-burst 10]]
// Environment: SANDBOX_PORT, SANDBOX_API_KEY, SANDBOX_RUN_DURATION_MS, SANDBOX_LATENCY_MS, SANDBOX_JITTER_MS,
// SANDBOX_WEBHOOK_RETRY_DELAYS_MS, SANDBOX_RUN_ORDER, SANDBOX_RATE_LIMIT, SANDBOX_RATE_BURST.
// --webhook-retry-delays: ms to wait before each retry of a failed webhook delivery ('' or 'none': no retries).
// --run-order: how a task's runs are listed; newest first (the default, what Arize documents), oldest first, or in an
// order with no relation to time (to try a client that must not rely on the order).
// --rate-limit (requests per second) and --rate-burst (default: the rate) answer 429 beyond a token bucket.
// --latency/--jitter (ms) delay every answer like a network round trip. Stops cleanly on SIGINT/SIGTERM.
// --data-file keeps the data across restarts (sandbox/persistence.ts): loaded at start (the seed when the file does
// not exist yet), saved within half a second of every request and on SIGINT/SIGTERM; delete the file to start over.

function option(name: string): string | undefined {
	const args = process.argv.slice(2);
	const index = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
	if (index < 0) return undefined;
	const arg = args[index];
	return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1];
}

function integer(value: string | undefined, fallback: number, label: string, least = 0): number {
	if (value === undefined || value === '') return fallback;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < least) {
		console.error(`Invalid ${label}: ${value}`);
		process.exit(2);
	}
	return parsed;
}

/** A comma-separated list of delays in ms; 'none' or '' for no retries; undefined keeps the default. */
function delays(value: string | undefined): number[] | undefined {
	if (value === undefined) return undefined;
	if (value.trim() === '' || value.trim() === 'none') return [];
	return value.split(',').map((part) => integer(part.trim(), 0, 'webhook retry delay'));
}

/** --rate-limit and --rate-burst: none when no rate is given. */
function rateLimit(): { perSecond: number; burst?: number } | undefined {
	const rate = option('rate-limit') ?? process.env.SANDBOX_RATE_LIMIT;
	if (rate === undefined || rate === '') return undefined;
	const burst = option('rate-burst') ?? process.env.SANDBOX_RATE_BURST;
	const perSecond = Number(rate);
	if (!(perSecond > 0) || !Number.isFinite(perSecond)) {
		console.error(`Invalid rate limit: ${rate}`);
		process.exit(2);
	}
	return { perSecond, burst: burst === undefined || burst === '' ? undefined : integer(burst, 1, 'rate burst', 1) };
}

function rateLimitHint(limit: { perSecond: number; burst?: number } | undefined): string {
	if (!limit) return 'Rate limit: none';
	return `Rate limit: ${limit.perSecond} requests/s, bursts of ${limit.burst ?? Math.max(1, limit.perSecond)}; beyond that 429 with Retry-After`;
}

/** Says which key to use without printing a custom one. */
function keyHint(key: string): string {
	if (key === DEFAULT_API_KEY) return `API key: ${key}`;
	return `API key: the value of SANDBOX_API_KEY (${key.length} characters; not printed)`;
}

/**
 * Saves the data file shortly after each request. The sandbox records every request it receives; the CLI has no
 * other use for that record, so it empties it here (a long-running sandbox keeps no growing list).
 */
function saveAfterRequests(sandbox: Sandbox, dataFile: DataFile): void {
	setInterval(() => {
		if (sandbox.requests.length === 0) return;
		sandbox.clearRequests();
		dataFile.saveSoon();
	}, 100);
}

function dataHint(dataFile: DataFile | undefined, loaded: Record<string, number> | undefined): string {
	if (!dataFile) return 'Data: in memory (the seed; gone when the sandbox stops)';
	if (!loaded) return `Data: the seed, kept in ${dataFile.path} from now on`;
	const counts = Object.entries(loaded).map(([name, size]) => `${size} ${name}`);
	return `Data: loaded from ${dataFile.path} (${counts.join(', ')}); saved there on every change`;
}

function latencyHint(latencyMs: number, jitterMs: number): string {
	if (latencyMs === 0 && jitterMs === 0) return 'Latency: none (answers are written at once)';
	return `Latency: ${latencyMs} ms${jitterMs ? ` + 0–${jitterMs} ms jitter` : ''} before every answer`;
}

async function main(): Promise<void> {
	const apiKey = process.env.SANDBOX_API_KEY || DEFAULT_API_KEY;
	const latencyMs = integer(option('latency') ?? process.env.SANDBOX_LATENCY_MS, 0, 'latency');
	const jitterMs = integer(option('jitter') ?? process.env.SANDBOX_JITTER_MS, 0, 'jitter');
	const limit = rateLimit();
	const runOrder = option('run-order') || process.env.SANDBOX_RUN_ORDER || 'newest';
	if (!(RUN_ORDERS as readonly string[]).includes(runOrder)) {
		console.error(`Invalid run order: ${runOrder} (one of ${RUN_ORDERS.join(', ')})`);
		process.exit(2);
	}
	const sandbox = await startSandbox({
		port: integer(option('port') ?? process.env.SANDBOX_PORT, 4010, 'port'),
		host: option('host') ?? '127.0.0.1',
		apiKeys: [apiKey],
		seed: !process.argv.includes('--no-seed'),
		runDurationMs: integer(option('run-duration-ms') ?? process.env.SANDBOX_RUN_DURATION_MS, 3000, 'run duration'),
		latencyMs,
		jitterMs,
		rateLimit: limit,
		webhookRetryDelaysMs: delays(option('webhook-retry-delays') ?? process.env.SANDBOX_WEBHOOK_RETRY_DELAYS_MS),
		runOrder: runOrder as RunOrder,
	});
	// Loaded before this turn of the event loop ends, so no request is answered from the seed first.
	const dataPath = option('data-file');
	const dataFile = dataPath ? new DataFile(sandbox.store, dataPath) : undefined;
	let loaded: Record<string, number> | undefined;
	try {
		loaded = dataFile?.load()?.loaded;
	} catch (error) {
		console.error((error as Error).message);
		await sandbox.close();
		process.exit(1);
	}
	if (dataFile) saveAfterRequests(sandbox, dataFile);
	console.log(`Arize sandbox listening on ${sandbox.url}`);
	console.log(keyHint(apiKey));
	console.log(latencyHint(latencyMs, jitterMs));
	console.log(rateLimitHint(limit));
	console.log(`Runs listed: ${runOrder === 'shuffled' ? 'in no order' : `${runOrder} first`}`);
	console.log(dataHint(dataFile, loaded));
	const retries = sandbox.webhooks.retryDelaysMs.map((ms) => `${ms} ms`).join(', ');
	console.log(`Webhook delivery retries: ${retries ? `after ${retries}` : 'none'}`);
	console.log(`Try: curl -H "Authorization: Bearer <key>" ${sandbox.url}/v2/tasks?limit=5`);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal} received, closing the sandbox`);
		try {
			dataFile?.save();
		} catch (error) {
			console.error(`Could not save the sandbox data: ${(error as Error).message}`);
		}
		void sandbox.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
	console.error('Could not start the Arize sandbox:', error);
	process.exit(1);
});
