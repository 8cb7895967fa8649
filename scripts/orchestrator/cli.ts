import path from 'node:path';

import { runN8nCli } from './n8nCli.ts';
import { runE2e } from './phases.ts';
import { runStart } from './start.ts';

// The one entry point of the orchestrator, run by Node 24 directly (type stripping) from the thin shell scripts:
//   node scripts/orchestrator/cli.ts start [options]     ./scripts/start
//   node scripts/orchestrator/cli.ts e2e [phase …]       ./scripts/e2e
//   node scripts/orchestrator/cli.ts n8n [n8n args …]    ./scripts/n8n
const commands: Record<string, (root: string, args: string[]) => Promise<number>> = { start: runStart, e2e: runE2e, n8n: runN8nCli };

const [command, ...args] = process.argv.slice(2);
const root = path.resolve(path.dirname(process.argv[1]), '..', '..');
const run = commands[command];
if (!run) {
	process.stderr.write(`Usage: node scripts/orchestrator/cli.ts ${Object.keys(commands).join('|')} [arguments]\n`);
	process.exit(2);
}
run(root, args).then(
	(code) => process.exit(code),
	(error: unknown) => {
		process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	},
);
