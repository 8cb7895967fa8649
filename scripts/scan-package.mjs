// n8n's verification scan, offline: packs the package as npm publishes it, unpacks the tarball and lints it with
// @n8n/scan-community-package (the rules n8n applies before it verifies a community package), then the source the
// tarball is built from, as the scanner's provenance leg does. Any error or warning fails.
//   node scripts/scan-package.mjs        (run by .ci/run after the build)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import glob from 'fast-glob';
import {
	SOURCE_FILE_PATTERNS,
	analyzePackage,
	buildScanConfig,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));

/** The scanner's verdict plus every warning it would not fail on, for one folder. */
async function scan(label, dir, patterns) {
	const verdict = await analyzePackage(dir, patterns);
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = await eslint.lintFiles(files);
	const problems = results.reduce((sum, result) => sum + result.errorCount + result.warningCount, 0);
	if (verdict.passed && problems === 0) {
		console.log(`scan: ${label}: ${files.length} files, no problems`);
		return true;
	}
	console.log(`scan: ${label}: ${verdict.message ?? `${problems} problems`}`);
	console.log(verdict.details ?? (await (await eslint.loadFormatter('stylish')).format(results)));
	return false;
}

try {
	const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8' })
		.trim()
		.split('\n')
		.at(-1);
	const unpacked = path.join(work, 'package');
	execFileSync('tar', ['-xzf', path.join(work, tarball), '-C', work]);
	const passed = [
		await scan(`tarball ${tarball}`, unpacked, ['**/*.js', '**/*.ts', '**/*.json']),
		await scan('source (nodes/, credentials/, package.json)', root, SOURCE_FILE_PATTERNS),
	].every(Boolean);
	process.exitCode = passed ? 0 : 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}
