import path from 'node:path';

import { installN8n } from './n8n.ts';
import { runN8nCli } from './n8nCli.ts';
import { runE2e } from './phases.ts';
import { runStart } from './start.ts';

// The one entry point of the orchestrator, run by Node 24 directly (type stripping) from the thin shell scripts:
//   node scripts/orchestrator/cli.ts start [options]     ./scripts/start
//   node scripts/orchestrator/cli.ts e2e [phase …]       ./scripts/e2e
//   node scripts/orchestrator/cli.ts n8n [n8n args …]    ./scripts/n8n
//   node scripts/orchestrator/cli.ts install-n8n 2 1     installs the pinned n8n 2.x and 1.x side by side (.ci/run)

/** Installs the n8n lines named (2, 1) side by side; 0 when all are installed. */
async function installN8ns(root: string, lines: string[]): Promise<number> {
	if (lines.length === 0 || lines.some((line) => line !== '1' && line !== '2')) {
		process.stderr.write('install-n8n: which n8n lines (2, 1)?\n');
		return 2;
	}
	const installed = await Promise.all(lines.map((line) => installN8n(root, Number(line) as 1 | 2)));
	return installed.every(Boolean) ? 0 : 1;
}

const commands: Record<string, (root: string, args: string[]) => Promise<number>> = {
	start: runStart,
	e2e: runE2e,
	n8n: runN8nCli,
	'install-n8n': installN8ns,
};

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
