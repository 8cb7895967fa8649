import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { installN8n, installPackage, importDemo, N8N_RELEASES, N8N_SETTINGS, n8nBin, n8nLineEnv, n8nVersion, OWNER, setUpOwner, waitForN8nMain } from './n8n.ts';
import type { N8nLine } from './n8n.ts';
import type { EnvChanges } from './processes.ts';
import { formatDuration, freePort, ProcessGroup, readText, relative, run, stopGroupsByPid, tail, withEnv } from './processes.ts';
import { aptInstall, DURABLE_ENV, encryptionKeyIn, ensureQueueServices, FAST_STALL_ENV, queueEnv, removePostgres, stackPorts, startPostgres, startRedis } from './services.ts';

// The end-to-end phase runner behind ./scripts/e2e: sets up what each phase needs (the package installed into a fresh
// n8n user folder, the sandbox, the credential and the examples, an n8n server, Redis and PostgreSQL), runs the
// phase's jest suites with the phase's environment, stops everything it started, and writes the counts of every
// phase to one summary file (.tools/e2e-summary.json) that ./scripts/test reads. A setup that fails counts as one
// failed test, so a run that could not test something is never green.

export const PHASES = ['cli', 'server', 'editor', 'start', 'durable', 'queue', 'n8n1'] as const;
export type Phase = (typeof PHASES)[number];

export interface PhaseResult {
	phase: string;
	passed: number;
	failed: number;
	seconds: number;
}

export interface Summary {
	passed: number;
	failed: number;
	phases: PhaseResult[];
	/** What failed outside a test: a setup, a phase that ran no test, jest failing without a failed test. */
	setupFailures: string[];
	runDir: string;
	seconds: number;
}

/** The counts of one jest --json result: failed tests and suites that failed to run count as failures. */
export function jestCounts(results: { numPassedTests: number; numFailedTests: number; numRuntimeErrorTestSuites: number }): {
	passed: number;
	failed: number;
} {
	return { passed: results.numPassedTests, failed: results.numFailedTests + results.numRuntimeErrorTestSuites };
}

/** Which phases to run: all of them without arguments; an unknown name is an error. */
export function parsePhases(args: string[]): Phase[] {
	if (args.length === 0) return [...PHASES];
	const unknown = args.find((arg) => !(PHASES as readonly string[]).includes(arg));
	if (unknown) throw new Error(`Unknown phase ${unknown} (${PHASES.join(', ')})`);
	return args as Phase[];
}

/** jest's advice that follows every --forceExit run; the e2e suites force the exit on purpose (n8n's handles). */
export const FORCE_EXIT_NOTICE = /^Force exiting Jest: Have you considered using `--detectOpenHandles`/;

class Runner {
	readonly root: string;
	readonly runDir: string;
	readonly summaryFile: string;
	readonly started = Date.now();
	readonly phases: PhaseResult[] = [];
	readonly setupFailures: string[] = [];
	/** What runs now and is stopped after the phase (or on exit). */
	private groups: ProcessGroup[] = [];
	private cleanups: Array<() => Promise<void>> = [];

	constructor(root: string) {
		this.root = root;
		this.runDir = path.join(root, '.tools', 'e2e', `run-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`);
		this.summaryFile = path.join(root, '.tools', 'e2e-summary.json');
	}

	fail(reason: string): void {
		process.stderr.write(`E2E setup failed: ${reason}\n`);
		this.setupFailures.push(reason);
	}

	/** `cleanup` runs at the next stopAll(), after the process groups stopped (a database cluster, say). */
	atStop(cleanup: () => Promise<void>): void {
		this.cleanups.push(cleanup);
	}

	track(group: ProcessGroup): ProcessGroup {
		this.groups.push(group);
		return group;
	}

	/** Stops what runs now: n8n processes a suite left behind (their pid files), then the groups, then the services. */
	async stopAll(): Promise<void> {
		const pids: number[] = [];
		for (const dir of existsSync(this.runDir) ? readdirSync(this.runDir) : []) {
			const pidDir = path.join(this.runDir, dir, 'pids');
			if (!existsSync(pidDir)) continue;
			for (const file of readdirSync(pidDir)) {
				pids.push(Number(readText(path.join(pidDir, file))));
				rmSync(path.join(pidDir, file), { force: true });
			}
		}
		await stopGroupsByPid(pids.filter((pid) => pid > 0));
		await Promise.all(this.groups.map((group) => group.stop(10_000)));
		this.groups = [];
		for (const cleanup of this.cleanups.splice(0)) await cleanup().catch((error: unknown) => process.stderr.write(`${String(error)}\n`));
	}

	summary(): Summary {
		const passed = this.phases.reduce((sum, phase) => sum + phase.passed, 0);
		const failed = this.phases.reduce((sum, phase) => sum + phase.failed, 0) + this.setupFailures.length;
		return {
			passed,
			failed,
			phases: this.phases,
			setupFailures: this.setupFailures,
			runDir: relative(this.root, this.runDir),
			seconds: Math.round((Date.now() - this.started) / 1000),
		};
	}

	writeSummary(): Summary {
		const summary = this.summary();
		mkdirSync(path.dirname(this.summaryFile), { recursive: true });
		writeFileSync(this.summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
		if (summary.phases.length) console.log(`Phase times: ${summary.phases.map((p) => `${p.phase} ${p.seconds} s`).join(', ')}`);
		console.log(`Logs: ${summary.runDir}  Screenshots: .tools/screenshots  (${formatDuration(Date.now() - this.started)})`);
		console.log(`E2E: ${summary.passed} passed, ${summary.failed} failed`);
		return summary;
	}

	/** Runs one phase's jest suites with `env` (further arguments go to jest); their counts go into the summary. */
	async jest(phase: string, env: NodeJS.ProcessEnv, files: string[], extra: string[] = []): Promise<void> {
		const results = path.join(this.runDir, `jest-${phase}.json`);
		const started = Date.now();
		console.log(`---- phase ${phase}: ${files.join(' ')}${extra.length ? ` ${extra.join(' ')}` : ''}`);
		const args = ['--config', 'test/e2e/jest.config.js', '--runInBand', '--forceExit', '--json', `--outputFile=${results}`, ...files, ...extra];
		const code = await new Promise<number | null>((resolve) => {
			const child = spawn(path.join(this.root, 'node_modules', '.bin', 'jest'), args, {
				cwd: this.root,
				env: withEnv(env, process.stderr.isTTY ? { FORCE_COLOR: '1' } : {}),
				stdio: ['ignore', 'inherit', 'pipe'],
			});
			// Jest's report goes on; its advice to look for open handles does not (the e2e suites force the exit).
			let pending = '';
			child.stderr.on('data', (chunk: Buffer) => {
				const lines = (pending + chunk.toString()).split('\n');
				pending = lines.pop() ?? '';
				for (const line of lines) if (!FORCE_EXIT_NOTICE.test(line)) process.stderr.write(`${line}\n`);
			});
			child.stderr.on('end', () => pending && !FORCE_EXIT_NOTICE.test(pending) && process.stderr.write(pending));
			child.once('error', () => resolve(127));
			child.once('close', (exitCode) => resolve(exitCode));
		});
		const seconds = Math.round((Date.now() - started) / 1000);
		console.log(`---- phase ${phase} took ${seconds} s`);
		if (!existsSync(results)) {
			this.fail(`phase ${phase}: jest wrote no results (exit ${code})`);
			this.phases.push({ phase, passed: 0, failed: 0, seconds });
			return;
		}
		const counts = jestCounts(JSON.parse(readFileSync(results, 'utf8')));
		this.phases.push({ phase, ...counts, seconds });
		if (counts.passed === 0 && counts.failed === 0) this.fail(`phase ${phase} ran no test`);
		else if (code !== 0 && counts.failed === 0) this.fail(`phase ${phase}: jest exited ${code} with no failed test`);
	}

	/**
	 * The e2e sandbox (test/e2e/sandbox-server.ts) with its log `log`; `args` go to it. Its URLs, for the suites'
	 * environment (E2E_SANDBOX_URL, E2E_SANDBOX_CONTROL_URL).
	 */
	async sandbox(log: string, env: NodeJS.ProcessEnv, args: string[]): Promise<EnvChanges> {
		const group = this.track(
			new ProcessGroup('sandbox', process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', 'test/e2e/sandbox-server.ts', ...args], {
				log,
				env,
				cwd: this.root,
			}),
		);
		await group.waitForOutput(/^sandbox \S+ control \S+$/m, 10_000);
		const match = /^sandbox (\S+) control (\S+)$/m.exec(group.output());
		if (!match) throw new Error(`the sandbox did not start:\n${tail(group.output())}`);
		return { E2E_SANDBOX_URL: match[1], E2E_SANDBOX_CONTROL_URL: match[2] };
	}

	/** `n8n start` of the environment's N8N_BIN, user folder and port, logging to `log`, and its owner account. */
	async n8nServer(log: string, env: NodeJS.ProcessEnv): Promise<boolean> {
		const bin = env.N8N_BIN!;
		console.log(`Starting n8n ${await n8nVersion(bin, env)} on ${env.E2E_N8N_URL} (log: ${relative(this.root, log)}) ...`);
		const main = this.track(new ProcessGroup('n8n', bin, ['start'], { log, env }));
		if ((await waitForN8nMain(main)) && (await setUpOwner(env.E2E_N8N_URL!))) return true;
		process.stderr.write(`${tail(main.output(), 30)}\n`);
		this.fail('n8n did not start (or its owner could not be set up)');
		return false;
	}
}

/** ./scripts/e2e [phase …]: runs the phases, prints and writes the summary; the exit code (0 when nothing failed). */
export async function runE2e(root: string, args: string[]): Promise<number> {
	process.chdir(root);
	let phases: Phase[];
	try {
		phases = parsePhases(args);
	} catch (error) {
		process.stderr.write(`${(error as Error).message}\n`);
		return 2;
	}
	const wants = (phase: Phase) => phases.includes(phase);
	const runner = new Runner(root);
	rmSync(runner.summaryFile, { force: true });

	let stopping = false;
	const onSignal = (signal: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		process.stderr.write(`${signal}: stopping what the end-to-end tests started ...\n`);
		void runner.stopAll().finally(() => process.exit(130));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	// A fault of the runner itself is a failure too: counted, everything stopped, the summary written.
	process.on('uncaughtException', (error) => {
		if (stopping) return;
		stopping = true;
		runner.fail(`the phase runner: ${error.stack ?? String(error)}`);
		void runner.stopAll().finally(() => process.exit(runner.writeSummary().failed === 0 ? 0 : 1));
	});

	try {
		await runPhases(runner, phases, wants);
	} catch (error) {
		runner.fail(`${(error as Error).message}`);
	} finally {
		await runner.stopAll();
	}
	return runner.writeSummary().failed === 0 ? 0 : 1;
}

async function runPhases(runner: Runner, phases: Phase[], wants: (phase: Phase) => boolean): Promise<void> {
	const root = runner.root;
	const tools = path.join(root, '.tools');
	mkdirSync(tools, { recursive: true });

	// ---- what the tests need ----------------------------------------------------------------------------------------
	if (!existsSync(path.join(root, 'node_modules', 'playwright-core'))) {
		const ci = await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root });
		if (ci.code !== 0) return runner.fail(`npm ci failed:\n${tail(ci.stdout + ci.stderr)}`);
	}
	const build = await run('npm', ['run', '--silent', 'build'], { cwd: root });
	if (build.code !== 0) return runner.fail(`the build failed:\n${tail(build.stdout + build.stderr)}`);
	if (!(await installN8n(root, 2))) return runner.fail(`n8n ${N8N_RELEASES[2].version} did not install`);
	// n8n 1.123 installs while the other phases run (their time is mostly spent waiting for polls).
	const n8n1Log = path.join(tools, 'n8n1-install.log');
	const n8n1Install = wants('n8n1') ? installN8n(root, 1, (text) => writeFileSync(n8n1Log, text, { flag: 'a' })) : undefined;

	const chromium = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
	if (wants('editor') && !existsSync(chromium)) {
		console.log("Installing Debian's chromium (once; about a minute) ...");
		if (!(await aptInstall(root, ['chromium'], path.join(tools, 'apt-chromium.log'))) || !existsSync(chromium)) {
			return runner.fail('chromium could not be installed with apt-get (log: .tools/apt-chromium.log)');
		}
	}
	if (wants('queue') && !(await ensureQueueServices(root))) {
		return runner.fail('redis-server and postgresql are needed for the phase queue');
	}

	rmSync(path.join(tools, 'e2e'), { recursive: true, force: true });
	const runDir = runner.runDir;
	mkdirSync(path.join(runDir, 'home'), { recursive: true });
	const n8nPort = process.env.E2E_N8N_PORT || String(await freePort());
	// What every phase sees: the settings of n8n 2.41, this run's folder, the owner account the suites sign in with.
	const base = withEnv(process.env, N8N_SETTINGS, n8nLineEnv(2), {
		N8N_BIN: n8nBin(root, 2),
		CHROMIUM_BIN: chromium,
		N8N_USER_FOLDER: path.join(runDir, 'home'),
		N8N_PORT: n8nPort,
		N8N_RUNNERS_BROKER_PORT: String(await freePort([Number(n8nPort)])),
		E2E_RUN_DIR: runDir,
		E2E_SANDBOX_API_KEY: 'sandbox-api-key',
		E2E_N8N_URL: `http://localhost:${n8nPort}`,
		E2E_OWNER_EMAIL: OWNER.email,
		E2E_OWNER_PASSWORD: OWNER.password,
	});

	// ---- phases cli, server and editor: the package in a fresh user folder, the sandbox, the credential, the examples
	if (wants('cli') || wants('server') || wants('editor')) {
		let env = base;
		try {
			await installPackage(root, env.N8N_USER_FOLDER!);
			env = withEnv(env, await runner.sandbox(path.join(runDir, 'sandbox.log'), env, ['--run-duration-ms', '2000']));
			console.log(`Sandbox: ${env.E2E_SANDBOX_URL}  n8n user folder: ${relative(root, env.N8N_USER_FOLDER!)}`);
			await importDemo(root, env.N8N_BIN!, env, { baseUrl: env.E2E_SANDBOX_URL!, apiKey: env.E2E_SANDBOX_API_KEY! });
		} catch (error) {
			return runner.fail(`the sandbox, the credential or the examples: ${(error as Error).message}`);
		}
		// `n8n execute` while no n8n server runs (both would use the same database and runner port): the examples,
		// then example 05's AI Agent with a scripted model (test/e2e/lib/scriptedModel.ts).
		if (wants('cli')) await runner.jest('cli', env, ['test/e2e/examples.e2e.ts', 'test/e2e/agent.e2e.ts']);
		if ((wants('server') || wants('editor')) && (await runner.n8nServer(path.join(runDir, 'n8n.log'), env))) {
			if (wants('server')) await runner.jest('server', env, ['test/e2e/n8n-server.e2e.ts', 'test/e2e/webhook.e2e.ts']);
			if (wants('editor')) await runner.jest('editor', env, ['test/e2e/editor.e2e.ts', 'test/e2e/webhook-editor.e2e.ts']);
		}
		// Never two n8n at once on 2 cores.
		await runner.stopAll();
	}

	// ---- phase start: ./scripts/start, run by its suite in a folder of this run on free ports ------------------------
	if (wants('start')) {
		const phaseDir = path.join(runDir, 'start');
		mkdirSync(phaseDir, { recursive: true });
		await runner.jest('start', withEnv(base, { E2E_PHASE_DIR: phaseDir }), ['test/e2e/restart.e2e.ts']);
		await runner.stopAll();
	}

	// ---- phases durable and queue: their suites start, stop and kill the n8n processes (test/e2e/lib/stack.ts) ------
	/** A phase's folder (user folder with the package, logs, pid files), ports and sandbox (`sandboxArgs`). */
	const stackPhase = async (phase: string, sandboxArgs: string[]): Promise<NodeJS.ProcessEnv> => {
		const phaseDir = path.join(runDir, phase);
		mkdirSync(path.join(phaseDir, 'home'), { recursive: true });
		const ports = await stackPorts(2);
		let env = withEnv(base, ports, {
			E2E_PHASE_DIR: phaseDir,
			N8N_USER_FOLDER: path.join(phaseDir, 'home'),
			E2E_N8N_URL: `http://localhost:${ports.N8N_PORT}`,
		});
		await installPackage(root, env.N8N_USER_FOLDER!);
		env = withEnv(env, await runner.sandbox(path.join(phaseDir, 'sandbox.log'), env, sandboxArgs));
		console.log(`Phase ${phase}: sandbox ${env.E2E_SANDBOX_URL}, n8n ${env.E2E_N8N_URL}, logs ${relative(root, phaseDir)}`);
		return env;
	};

	// Durable poll scheduler: one main on SQLite. A short poll timeout (budget 10 s) so that a poll of many tasks runs
	// out of it; runs take 4 s in the sandbox.
	if (wants('durable')) {
		try {
			const env = await stackPhase('durable', ['--run-duration-ms', '4000']);
			await runner.jest('durable', withEnv(env, DURABLE_ENV, { N8N_SCHEDULER_POLL_TIMEOUT: '15' }), ['test/e2e/durable.e2e.ts', 'test/e2e/schedulers.e2e.ts']);
		} catch (error) {
			runner.fail(`phase durable: ${(error as Error).message}`);
		}
		await runner.stopAll();
	}

	// Queue mode: Redis and PostgreSQL of this run, then the suite starts the main and two workers. Runs take 12 s, so
	// that a worker can be killed while it waits for one.
	if (wants('queue')) {
		try {
			const env = await stackPhase('queue', ['--run-duration-ms', '12000']);
			const phaseDir = env.E2E_PHASE_DIR!;
			const key = encryptionKeyIn(path.join(phaseDir, 'encryption-key'));
			runner.track(await startRedis(path.join(phaseDir, 'redis'), Number(env.QUEUE_REDIS_PORT)));
			const pg = path.join(phaseDir, 'pg');
			await startPostgres(pg, Number(env.QUEUE_PG_PORT)).finally(() => runner.atStop(() => removePostgres(pg)));
			await runner.jest('queue', withEnv(env, queueEnv(env.QUEUE_REDIS_PORT!, env.QUEUE_PG_PORT!, key), FAST_STALL_ENV), ['test/e2e/queue.e2e.ts', 'test/e2e/webhook-queue.e2e.ts']);
		} catch (error) {
			runner.fail(`phase queue: ${(error as Error).message}`);
		}
		await runner.stopAll();
	}

	// n8n 1.123: the same example workflows through its `n8n execute`, then `n8n start` with the package registered and
	// an active trigger that fires once, in a user folder and with a sandbox of its own.
	if (n8n1Install) {
		if (!(await n8n1Install)) {
			process.stderr.write(`${tail(readText(n8n1Log), 20)}\n`);
			return runner.fail(`phase n8n1: n8n ${N8N_RELEASES[1].version} did not install (log: ${relative(root, n8n1Log)})`);
		}
		const line: N8nLine = 1;
		const phaseDir = path.join(runDir, 'n8n1');
		const port = String(await freePort());
		let env = withEnv(base, n8nLineEnv(line), {
			N8N_BIN: n8nBin(root, line),
			N8N_USER_FOLDER: path.join(phaseDir, 'home'),
			N8N_PORT: port,
			N8N_RUNNERS_BROKER_PORT: String(await freePort([Number(port)])),
			E2E_N8N_URL: `http://localhost:${port}`,
		});
		try {
			mkdirSync(env.N8N_USER_FOLDER!, { recursive: true });
			await installPackage(root, env.N8N_USER_FOLDER!);
			env = withEnv(env, await runner.sandbox(path.join(phaseDir, 'sandbox.log'), env, ['--run-duration-ms', '2000']));
			await importDemo(root, env.N8N_BIN!, env, { baseUrl: env.E2E_SANDBOX_URL!, apiKey: env.E2E_SANDBOX_API_KEY! });
		} catch (error) {
			await runner.stopAll();
			return runner.fail(`phase n8n1: the sandbox, the credential or the examples: ${(error as Error).message}`);
		}
		console.log(`Phase n8n1: n8n ${N8N_RELEASES[1].version}, sandbox ${env.E2E_SANDBOX_URL}, logs ${relative(root, phaseDir)}`);
		await runner.jest('n8n1', env, ['test/e2e/examples.e2e.ts', 'test/e2e/agent.e2e.ts']);
		if (await runner.n8nServer(path.join(phaseDir, 'n8n.log'), env)) {
			await runner.jest('n8n1-server', env, ['test/e2e/n8n-server.e2e.ts', 'test/e2e/webhook.e2e.ts'], ['-t', 'registers|fires exactly once|Arize Trigger in n8n']);
		}
		await runner.stopAll();
	}
}
