import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The README's test command (scripts/test) is what CI trusts: whatever way the end-to-end tests fail, it must exit
 * non-zero and count a failure. It runs here in a folder of its own, with stand-ins for jest (5 passing tests per run),
 * npm and the end-to-end script, which writes its counts where the real one does (.tools/e2e-summary.json).
 */
const repo = join(__dirname, '../..');

/** The stand-in's summary, as the phase runner writes it. */
const summary = (passed: number, failed: number) =>
	`mkdir -p .tools && echo '{ "passed": ${passed}, "failed": ${failed}, "phases": [], "setupFailures": [] }' > .tools/e2e-summary.json`;

function runTestCommand(e2eScript: string, before: (write: (path: string, text: string) => void) => void = () => {}): {
	status: number | null;
	lastLine: string;
} {
	const root = mkdtempSync(join(tmpdir(), 'test-command-'));
	try {
		const write = (path: string, text: string) => {
			mkdirSync(join(root, path, '..'), { recursive: true });
			writeFileSync(join(root, path), text);
			chmodSync(join(root, path), 0o755);
		};
		mkdirSync(join(root, 'scripts'));
		copyFileSync(join(repo, 'scripts/test'), join(root, 'scripts/test'));
		write('scripts/node24.sh', '');
		write('scripts/e2e', `#!/usr/bin/env bash\n${e2eScript}\n`);
		write('bin/npm', '#!/usr/bin/env bash\nexit 0\n');
		write(
			'node_modules/.bin/jest',
			'#!/usr/bin/env node\n' +
				"const out = process.argv.find((a) => a.startsWith('--outputFile=')).slice('--outputFile='.length);\n" +
				"require('fs').writeFileSync(out, JSON.stringify({ numPassedTests: 5, numFailedTests: 0, numRuntimeErrorTestSuites: 0 }));\n",
		);
		// n8n 1.x's libraries count as installed, as the script itself records them.
		const libs = /^N8N1_LIBS="([^"]+)"/m.exec(readFileSync(join(repo, 'scripts/test'), 'utf8'))![1];
		write('.tools/n8n1-libs/.installed', `${libs}\n`);
		before(write);

		const result = spawnSync('bash', ['scripts/test'], {
			cwd: root,
			encoding: 'utf8',
			env: { ...process.env, PATH: `${join(root, 'bin')}:${process.env.PATH}` },
		});
		const lines = result.stdout.trim().split('\n');
		return { status: result.status, lastLine: lines[lines.length - 1] };
	} finally {
		rmSync(root, { recursive: true, force: true });
	}
}

describe('scripts/test', () => {
	it('exits 0 and adds the end-to-end counts when everything passes', () => {
		expect(runTestCommand(summary(3, 0))).toEqual({ status: 0, lastLine: 'Tests: 13 passed, 0 failed' });
	});

	it('fails and counts a failure when the end-to-end tests stop before their summary (one left from an earlier run does not count)', () => {
		const { status, lastLine } = runTestCommand('echo "Installing chromium ..."; exit 1', (write) =>
			write('.tools/e2e-summary.json', '{ "passed": 3, "failed": 0 }'),
		);
		expect(status).not.toBe(0);
		expect(lastLine).toBe('Tests: 10 passed, 1 failed');
	});

	it('fails and counts a failure when the end-to-end tests fail after a summary that counted none', () => {
		const { status, lastLine } = runTestCommand(`${summary(3, 0)}; exit 1`);
		expect(status).not.toBe(0);
		expect(lastLine).toBe('Tests: 13 passed, 1 failed');
	});

	it('counts the failed end-to-end tests themselves', () => {
		const { status, lastLine } = runTestCommand(`${summary(2, 2)}; exit 1`);
		expect(status).not.toBe(0);
		expect(lastLine).toBe('Tests: 12 passed, 2 failed');
	});
});
