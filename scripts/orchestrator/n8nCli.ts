import { spawn } from 'node:child_process';
import path from 'node:path';

import { N8N_RELEASES, N8N_SETTINGS, n8nBin, n8nInstalled, n8nLineEnv } from './n8n.ts';
import { freePort, withEnv } from './processes.ts';

// ./scripts/n8n: n8n's command line for the n8n that ./scripts/start runs, also while it runs (see scripts/n8n).

/** Lines n8n prints on every command that look like failures and are not, each with why it is harmless here. */
export const HARMLESS: Array<[RegExp, string]> = [
	[/Failed to start Python task runner/, 'harmless: no Python runner is set up; only Python in the Code node needs one'],
	[/^\[license SDK\] Skipping renewal/, "harmless: there is no license to renew; n8n's community edition needs none"],
];

/** `line` with the reason it is harmless appended, when it is one of HARMLESS. */
export function explain(line: string): string {
	const known = HARMLESS.find(([pattern]) => pattern.test(line));
	return known ? `${line}   [${known[1]}]` : line;
}

/** Copies a stream line by line, each line through explain(). */
function annotate(from: NodeJS.ReadableStream, to: NodeJS.WritableStream): void {
	let pending = '';
	from.on('data', (chunk: Buffer) => {
		const lines = (pending + chunk.toString()).split('\n');
		pending = lines.pop() ?? '';
		for (const line of lines) to.write(`${explain(line)}\n`);
	});
	from.on('end', () => pending && to.write(explain(pending)));
}

export async function runN8nCli(root: string, args: string[]): Promise<number> {
	if (!n8nInstalled(root, 2)) {
		process.stderr.write(`n8n ${N8N_RELEASES[2].version} is not installed yet: ./scripts/start installs it (once)\n`);
		return 1;
	}
	// n8n's commands that run workflows start a task broker, on 5679 unless told otherwise; so does the running n8n,
	// and a second one on the same port fails: a free one every time.
	const env = withEnv(process.env, N8N_SETTINGS, n8nLineEnv(2), {
		N8N_USER_FOLDER: process.env.N8N_USER_FOLDER || path.join(root, '.tools', 'n8n-home'),
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
	});
	const child = spawn(n8nBin(root, 2), args, { env, stdio: ['inherit', 'pipe', 'pipe'] });
	annotate(child.stdout, process.stdout);
	annotate(child.stderr, process.stderr);
	// Ctrl-C reaches n8n (same process group) by itself; this process waits for it.
	process.on('SIGINT', () => undefined);
	return await new Promise((resolve) => child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + 2 : 1))));
}
