import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { EnvChanges, ProcessGroup, Say } from './processes.ts';
import { formatDuration, lockFile, readText, relative, run, runWithProgress, sayOnStderr, sleep } from './processes.ts';

// The pinned n8n: installing it once into .tools/, the environment it runs with, this package installed into a user
// folder the way n8n installs a community package, the example workflows and the "Arize API" credential imported,
// and the owner account n8n asks for on first use.

export type N8nLine = 1 | 2;

interface Release {
	version: string;
	/** The install folder, under the checkout. */
	folder: string;
	/** Packages the install adds (measured), for the progress it prints. */
	packages: number;
	/** Extra package.json fields of the install folder. */
	extra?: Record<string, unknown>;
}

export const N8N_RELEASES: Record<N8nLine, Release> = {
	2: { version: '2.41.1', folder: '.tools/n8n', packages: 2363 },
	// The last n8n of the 1.x line, still widely self-hosted (the e2e phase n8n1). Its n8n-nodes-base pulls xlsx from a
	// URL outside the npm registry; the registry's 0.18.5 (used only by the spreadsheet nodes) stands in.
	1: { version: '1.123.81', folder: '.tools/n8n1', packages: 1926, extra: { overrides: { xlsx: '0.18.5' } } },
};

export const SANDBOX_CREDENTIAL_ID = 'arizeSandboxCred';
export const OWNER = { email: 'demo@n8n-nodes-arize.local', password: 'Arize-demo-1' };

/** n8n's defaults phone home (telemetry, version checks, templates); this machine may have no internet. */
export const N8N_SETTINGS: EnvChanges = {
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_SECURE_COOKIE: 'false',
	N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
	N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
};

/**
 * What one n8n line needs in its environment, besides N8N_SETTINGS.
 *   2.41: task runners are always on (N8N_RUNNERS_ENABLED only earns a deprecation notice: "no longer needed"); its
 *         MCP server registry fetches api.n8n.io at start and logs an ENOTFOUND stack trace offline: module disabled.
 *   1.123: task runners run only with N8N_RUNNERS_ENABLED=true (without, a deprecation notice asks for it); it knows
 *         no module mcp-registry and refuses to start when N8N_DISABLED_MODULES names it.
 */
export function n8nLineEnv(line: N8nLine, inherited: NodeJS.ProcessEnv = process.env): EnvChanges {
	if (line === 1) return { N8N_RUNNERS_ENABLED: 'true', N8N_DISABLED_MODULES: undefined };
	return { N8N_RUNNERS_ENABLED: undefined, N8N_DISABLED_MODULES: inherited.N8N_DISABLED_MODULES || 'mcp-registry' };
}

export function n8nFolder(root: string, line: N8nLine): string {
	return path.join(root, N8N_RELEASES[line].folder);
}

export function n8nBin(root: string, line: N8nLine): string {
	return path.join(n8nFolder(root, line), 'node_modules', '.bin', 'n8n');
}

export function n8nInstalled(root: string, line: N8nLine): boolean {
	const folder = n8nFolder(root, line);
	return existsSync(n8nBin(root, line)) && readText(path.join(folder, '.installed')).trim() === N8N_RELEASES[line].version;
}

/**
 * How far an npm whose --loglevel=http output is `log` got, `expected` packages expected: distinct tarballs
 * downloaded (or taken from the cache) once it has worked out the tree, package manifests read before that. npm logs
 * a tarball more than once (fetched, then read from its cache), so lines are not packages: distinct URLs are. A count
 * past the estimate is said as it is.
 */
export function npmProgress(log: string, expected: number): string {
	const tarballs = new Set<string>();
	let requests = 0;
	for (const line of log.split('\n')) {
		if (!/^npm http (fetch|cache) /.test(line)) continue;
		requests++;
		const url = /https?:\/\/\S+\/-\/\S+\.tgz/.exec(line);
		if (url) tarballs.add(url[0]);
	}
	if (tarballs.size === 0) return `working out the dependency tree: ${requests} package manifests read`;
	if (tarballs.size > expected) return `${tarballs.size} packages downloaded (more than the ${expected} estimated)`;
	return `${tarballs.size} of about ${expected} packages downloaded`;
}

/**
 * Installs n8n of `line` once into its folder (later calls find it installed). A lock file makes a second caller
 * (CI starts the installs in the background early) wait for the first instead of racing it. Progress every 20 s on
 * stderr. False when it failed (the end of its log printed).
 */
export async function installN8n(root: string, line: N8nLine, say: Say = sayOnStderr): Promise<boolean> {
	const release = N8N_RELEASES[line];
	const folder = n8nFolder(root, line);
	mkdirSync(folder, { recursive: true });
	const unlock = await lockFile(`${folder}.lock`);
	try {
		if (n8nInstalled(root, line)) return true;
		const started = Date.now();
		const label = `n8n ${release.version}`;
		say(
			`${label}: installing into ${relative(root, folder)} (once; about 8 minutes on 2 cores: about 6 to download ` +
				`${release.packages} packages, 2 to build sqlite3) ...\n`,
		);
		writeFileSync(
			path.join(folder, 'package.json'),
			`${JSON.stringify({ name: 'n8n-app', private: true, dependencies: { n8n: release.version }, ...release.extra })}\n`,
		);
		const installLog = `${folder}.install.log`;
		// Install scripts would try to download prebuilt binaries and sources (Kafka's librdkafka) from the internet;
		// skip them and build only the two native modules n8n needs to run: sqlite3 (its database) and isolated-vm.
		const installed = await runWithProgress(
			label,
			installLog,
			'npm',
			['install', '--prefix', folder, '--no-audit', '--no-fund', '--loglevel=http', '--ignore-scripts'],
			{ progress: () => npmProgress(readText(installLog), release.packages), quiet: /^npm http /, root, say },
		);
		if (!installed) return false;
		say(
			`${label}: packages installed (${formatDuration(Date.now() - started)}); building its native modules sqlite3 and isolated-vm (about 2 minutes) ...\n`,
		);
		const built = await runWithProgress(
			`${label}: native build`,
			`${folder}.build.log`,
			'npm',
			['rebuild', '--prefix', folder, 'sqlite3', 'isolated-vm', '--loglevel=error'],
			{ root, say },
		);
		if (!built) return false;
		writeFileSync(path.join(folder, '.installed'), `${release.version}\n`);
		say(`${label}: installed in ${formatDuration(Date.now() - started)}\n`);
		return true;
	} finally {
		unlock();
	}
}

/** npm ci of this package, with progress (its lock file says how many packages). Skipped when node_modules exists. */
export async function ensureNodeModules(root: string): Promise<boolean> {
	if (existsSync(path.join(root, 'node_modules'))) return true;
	const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: object };
	const expected = Object.keys(lock.packages).length - 1;
	process.stderr.write(`Installing this package's dependencies (${expected} packages; about 2 minutes on 2 cores) ...\n`);
	const log = path.join(root, '.tools', 'npm-ci.log');
	const installed = await runWithProgress(
		'Package dependencies',
		log,
		'npm',
		['ci', '--no-audit', '--no-fund', '--loglevel=http', '--prefix', root],
		{ progress: () => npmProgress(readText(log), expected), quiet: /^npm http /, root },
	);
	if (installed) process.stderr.write('Package dependencies: installed\n');
	return installed;
}

/** Packs this package (as npm publishes it) and unpacks it where n8n keeps community packages in `userFolder`. */
export async function installPackage(root: string, userFolder: string): Promise<void> {
	const tools = path.join(root, '.tools');
	mkdirSync(tools, { recursive: true });
	const packed = await run('npm', ['pack', '--silent', '--pack-destination', tools], { cwd: root });
	const tarball = packed.stdout.trim().split('\n').at(-1);
	if (packed.code !== 0 || !tarball) throw new Error(`npm pack failed:\n${packed.stderr}`);
	const target = path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-arize');
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	const unpacked = await run('tar', ['-xzf', path.join(tools, tarball), '-C', target, '--strip-components=1']);
	if (unpacked.code !== 0) throw new Error(`Unpacking ${tarball} failed:\n${unpacked.stderr}`);
}

/** Runs n8n's command line (`n8n import:workflow …`) with `env`; fails with its output. */
async function n8nCommand(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
	const result = await run(bin, args, { env });
	if (result.code !== 0) throw new Error(`n8n ${args[0]} failed:\n${result.stdout}${result.stderr}`);
	return result.stdout;
}

export interface DemoTarget {
	/** The sandbox's URL; empty for Arize AX. */
	baseUrl: string;
	apiKey: string;
	/** "custom" for the sandbox, else an Arize AX region. */
	region?: string;
	/** Imports every example and the credential again, over the user's edits. */
	reset?: boolean;
}

/**
 * The example workflows of examples/ and the "Arize API" credential, imported into the n8n whose environment is `env`
 * (its N8N_USER_FOLDER, database settings) where they are missing: the user's edits (an example renamed or changed,
 * the credential edited) and everything else stay. The credential is also imported again when what it must point at
 * changed since it was imported (another sandbox port or key, the sandbox ↔ Arize AX): the file .arize-credential in
 * the user folder records that (the key only as a hash). With `reset`: every example and the credential again.
 * Returns what it imported, e.g. "6 example workflow(s) and the credential".
 */
export async function importDemo(root: string, bin: string, env: NodeJS.ProcessEnv, target: DemoTarget): Promise<string> {
	const userFolder = env.N8N_USER_FOLDER!;
	const region = target.region ?? 'custom';
	const keyHash = createHash('sha256').update(target.apiKey).digest('hex').slice(0, 16);
	const pointsAt = `${region} ${target.baseUrl} key-sha256:${keyHash}`;
	const targetFile = path.join(userFolder, '.arize-credential');
	const sqlite = (env.DB_TYPE ?? 'sqlite') === 'sqlite';
	const databaseIsNew = sqlite && !existsSync(path.join(userFolder, '.n8n', 'database.sqlite'));
	const tmp = mkdtempSync(path.join(tmpdir(), 'n8n-nodes-arize-import-'));
	try {
		let importCredential = '';
		let haveWorkflows = new Set<string>();
		if (target.reset || databaseIsNew) {
			importCredential = 'the credential';
		} else {
			// Both checks start n8n's command line (about 3 s each): side by side on SQLite, whose database exists; one
			// after the other on PostgreSQL, where the first may have to create the tables.
			const listWorkflows = () => n8nCommand(bin, ['list:workflow', '--onlyId'], env);
			const exportCredential = async () => {
				const output = path.join(tmp, 'credential.json');
				const result = await run(bin, ['export:credentials', `--id=${SANDBOX_CREDENTIAL_ID}`, `--output=${output}`], { env });
				if (result.code !== 0 && !`${result.stdout}${result.stderr}`.includes('No credentials found')) {
					throw new Error(`n8n export:credentials failed:\n${result.stdout}${result.stderr}`);
				}
				return existsSync(output) && readText(output).trim() !== '';
			};
			let workflows: string;
			let credentialExists: boolean;
			if (sqlite) {
				[workflows, credentialExists] = await Promise.all([listWorkflows(), exportCredential()]);
			} else {
				workflows = await listWorkflows();
				credentialExists = await exportCredential();
			}
			haveWorkflows = new Set(workflows.split('\n').map((id) => id.trim()));
			if (!credentialExists) importCredential = 'the credential (it was missing)';
			else if (readText(targetFile).trim() !== pointsAt) {
				importCredential = `the credential (it now points at ${target.baseUrl || `Arize AX, region ${region}`})`;
			}
		}
		const examples = path.join(root, 'examples');
		const missing = readdirSync(examples)
			.filter((file) => file.endsWith('.json'))
			.sort()
			.filter((file) => {
				const { id } = JSON.parse(readFileSync(path.join(examples, file), 'utf8')) as { id: string };
				return !haveWorkflows.has(id);
			});
		if (importCredential) {
			const name = region === 'custom' ? 'Arize API (sandbox)' : 'Arize API';
			const file = path.join(tmp, 'credentials.json');
			const data = { apiKey: target.apiKey, region, baseUrl: target.baseUrl };
			writeFileSync(file, JSON.stringify([{ id: SANDBOX_CREDENTIAL_ID, name, type: 'arizeApi', data }]));
			await n8nCommand(bin, ['import:credentials', `--input=${file}`], env);
			writeFileSync(targetFile, `${pointsAt}\n`);
		}
		if (missing.length > 0) {
			const folder = path.join(tmp, 'examples');
			mkdirSync(folder);
			for (const file of missing) cpSync(path.join(examples, file), path.join(folder, file));
			await n8nCommand(bin, ['import:workflow', '--separate', `--input=${folder}`], env);
		}
		return `${missing.length} example workflow(s)${importCredential ? ` and ${importCredential}` : ''}`;
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
}

/**
 * Waits until the n8n main `group` is up: n8n answers HTTP, 200 included, while it still migrates its database, and
 * logs "Editor is now accessible via" once it is ready. False when it exited first or did not get there in time.
 */
export function waitForN8nMain(group: ProcessGroup, timeoutMs = 240_000): Promise<boolean> {
	return group.waitForOutput('Editor is now accessible via', timeoutMs);
}

/** n8n asks for an owner account on first use: creates it (a second start finds it set up: HTTP 400). */
export async function setUpOwner(url: string, owner = OWNER, timeoutMs = 30_000): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			const response = await fetch(`${url}/rest/owner/setup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ email: owner.email, firstName: 'Demo', lastName: 'User', password: owner.password }),
			});
			await response.arrayBuffer();
			if (response.status === 200 || response.status === 400) return true;
		} catch {
			// Not listening yet.
		}
		await sleep(1000);
	}
	return false;
}

/** Until `url` answers 200, or `group` exited, or `timeoutMs` passed. */
export async function waitForUrl(url: string, group: ProcessGroup, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline && group.running) {
		try {
			const response = await fetch(url);
			await response.arrayBuffer();
			if (response.status === 200) return true;
		} catch {
			// Not listening yet.
		}
		await sleep(1000);
	}
	return false;
}

/** The n8n version an install reports (`n8n --version`'s last line). */
export async function n8nVersion(bin: string, env: NodeJS.ProcessEnv): Promise<string> {
	const result = await run(bin, ['--version'], { env });
	return result.stdout.trim().split('\n').at(-1) ?? '';
}
