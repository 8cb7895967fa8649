import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import {
	ensureNodeModules,
	importDemo,
	installN8n,
	installPackage,
	N8N_RELEASES,
	N8N_SETTINGS,
	n8nBin,
	n8nInstalled,
	n8nLineEnv,
	OWNER,
	setUpOwner,
	waitForN8nMain,
	waitForUrl,
} from './n8n.ts';
import { formatDuration, freePort, portInUse, ProcessGroup, readText, relative, run, tail, withEnv } from './processes.ts';
import {
	DURABLE_ENV,
	encryptionKeyIn,
	ensureQueueServices,
	n8nProcessCommand,
	queueEnv,
	stackPorts,
	startPostgres,
	startRedis,
	stopPostgres,
} from './services.ts';

// ./scripts/start (its options and environment: see that script): the sandbox and a real n8n with this package, the
// credential and the example workflows, until Ctrl-C. Every message a user sees is printed here.

const N8N_VERSION = N8N_RELEASES[2].version;

/** Ends the start with exit code `code` (after everything started is stopped); `message` goes to stderr. */
class Exit extends Error {
	readonly code: number;
	constructor(code: number, message = '') {
		super(message);
		this.code = code;
	}
}

interface Options {
	mode: 'sandbox' | 'cloud' | 'own';
	region: string;
	ownFolder: string;
	queue: boolean;
	durable: boolean;
	reset: boolean;
}

function parseOptions(args: string[], root: string): Options {
	const options: Options = { mode: 'sandbox', region: 'global', ownFolder: '', queue: false, durable: false, reset: false };
	for (let i = 0; i < args.length; i++) {
		switch (args[i]) {
			case '--reset':
				options.reset = true;
				break;
			case '--arize-cloud':
				options.mode = 'cloud';
				break;
			case '--region':
				options.region = args[++i] ?? '';
				break;
			case '--own-n8n':
				options.mode = 'own';
				options.ownFolder = args[++i] ?? '';
				break;
			case '--queue':
				options.queue = true;
				break;
			case '--durable':
				options.durable = true;
				break;
			case '-h':
			case '--help': {
				// The comment at the top of scripts/start.
				const lines = readFileSync(path.join(root, 'scripts', 'start'), 'utf8').split('\n').slice(1);
				const help = lines.slice(0, lines.findIndex((line) => !line.startsWith('#')));
				console.log(help.map((line) => line.replace(/^# ?/, '')).join('\n'));
				throw new Exit(0);
			}
			default:
				throw new Exit(2, `Unknown option ${args[i]} (see --help)`);
		}
	}
	if (options.mode === 'own' && (options.queue || options.durable)) {
		throw new Exit(2, '--queue and --durable start an n8n of ours: not with --own-n8n');
	}
	return options;
}

class Start {
	readonly root: string;
	readonly started = Date.now();
	/** n8n processes (stopped with SIGTERM and given 30 s), then the sandbox. */
	private readonly n8n: ProcessGroup[] = [];
	private sandbox?: ProcessGroup;
	private readonly services: Array<() => Promise<void>> = [];
	private n8nInstall?: Promise<boolean>;
	/** Set once Ctrl-C (or SIGTERM) asked to stop: what exits meanwhile is no failure to report. */
	stopping = false;

	constructor(root: string) {
		this.root = root;
	}

	/** Prints the end of `log`, then `message`, and ends the start with exit code 1. */
	failWithLog(log: string, message: string): never {
		if (this.stopping) throw new Exit(130);
		process.stderr.write(`---- the end of ${relative(this.root, log)}:\n${tail(readText(log), 25)}\n----\n`);
		throw new Exit(1, message);
	}

	/** `port` (set by the variable `name`) must be free. */
	async requireFreePort(port: number, name: string): Promise<void> {
		if (await portInUse(port)) {
			throw new Exit(1, `Port ${port} (${name}) is already in use by another program: stop it, or choose another port, e.g. ${name}=${await freePort()} ./scripts/start`);
		}
	}

	/** Stops everything started here: n8n's processes and the sandbox side by side, then Redis and PostgreSQL. */
	async stopAll(): Promise<void> {
		await Promise.all([...this.n8n.map((group) => group.stop(30_000)), this.sandbox?.stop(30_000)]);
		for (const stop of this.services.splice(0).reverse()) await stop().catch(() => undefined);
	}

	/**
	 * Builds dist/ unless it is newer than everything it is built from (a later start skips tsc's 8 s). The stamp lives
	 * in node_modules/.cache: per checkout, and not in dist/, which npm packs.
	 */
	async buildIfChanged(): Promise<void> {
		const stamp = path.join(this.root, 'node_modules', '.cache', 'n8n-nodes-arize', 'build-stamp');
		const sources = ['credentials', 'nodes', 'icons', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'gulpfile.js'];
		if (existsSync(stamp) && existsSync(path.join(this.root, 'dist'))) {
			const built = statSync(stamp).mtimeMs;
			const newer = (file: string): boolean => {
				if (!existsSync(file)) return false;
				const stat = statSync(file);
				if (stat.isDirectory()) return readdirSync(file).some((name) => newer(path.join(file, name)));
				return stat.mtimeMs > built;
			};
			if (!sources.some((source) => newer(path.join(this.root, source)))) return;
		}
		console.log('Building the package (about 10 s) ...');
		const build = await run('npm', ['run', '--silent', 'build'], { cwd: this.root });
		process.stdout.write(build.stdout);
		process.stderr.write(build.stderr);
		if (build.code !== 0) throw new Exit(1, 'The build failed');
		mkdirSync(path.dirname(stamp), { recursive: true });
		writeFileSync(stamp, '');
	}

	/** The sandbox on `port` with its log `log`, keeping its data in the file `data`. */
	async startSandbox(port: number, log: string, data: string, reset: boolean, env: NodeJS.ProcessEnv): Promise<ProcessGroup> {
		await this.requireFreePort(port, 'SANDBOX_PORT');
		if (reset) rmSync(data, { force: true });
		writeFileSync(log, '');
		this.sandbox = new ProcessGroup(
			'sandbox',
			process.execPath,
			['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', 'sandbox/cli.ts', '--port', String(port), '--data-file', data],
			{ log, env, cwd: this.root },
		);
		if (!(await this.sandbox.waitForOutput('listening', 20_000))) {
			this.failWithLog(log, `The sandbox did not start (log: ${relative(this.root, log)})`);
		}
		return this.sandbox;
	}

	/** The first start installs n8n, in the background while this package's dependencies install and it builds. */
	async installsAndBuild(options: Options): Promise<void> {
		if (options.mode !== 'own' && !n8nInstalled(this.root, 2)) {
			if (existsSync(path.join(this.root, 'node_modules'))) {
				console.log(`First start: installing n8n ${N8N_VERSION}: about 8 minutes on 2 cores, once (later starts take about 20 s) ...`);
			} else {
				console.log(
					`First start: installing n8n ${N8N_VERSION} and, side by side, this package's dependencies: about 10 minutes on 2 cores, once (later starts take about 20 s) ...`,
				);
			}
			this.n8nInstall = installN8n(this.root, 2);
		}
		if (!(await ensureNodeModules(this.root))) throw new Exit(1, '');
		await this.buildIfChanged();
		if (this.n8nInstall) {
			console.log("Package built; waiting for n8n's install ...");
			if (!(await this.n8nInstall)) {
				throw new Exit(1, `n8n ${N8N_VERSION} could not be installed (logs: .tools/n8n.install.log, .tools/n8n.build.log)`);
			}
		}
	}

	/** `--own-n8n DIR`: the package into that n8n, the sandbox until Ctrl-C. */
	async ownN8n(options: Options, env: NodeJS.ProcessEnv, sandboxPort: number, apiKey: string): Promise<never> {
		const folder = options.ownFolder;
		await installPackage(this.root, folder);
		const stateDir = path.join(this.root, '.tools', 'own-n8n-sandbox');
		mkdirSync(stateDir, { recursive: true });
		const log = path.join(stateDir, 'sandbox.log');
		const sandbox = await this.startSandbox(sandboxPort, log, path.join(stateDir, 'sandbox-data.json'), options.reset, env);
		console.log(`
n8n-nodes-arize is installed in ${folder}/.n8n/nodes/node_modules/n8n-nodes-arize.
Restart that n8n (with N8N_USER_FOLDER=${folder}), then create an "Arize API" credential:
  Region: Custom   Base URL: http://127.0.0.1:${sandboxPort}   API Key: ${apiKey}
Example workflows to import: ${this.root}/examples/
The sandbox runs until Ctrl-C (log ${relative(this.root, log)}; its data is kept in ${relative(this.root, stateDir)}/sandbox-data.json).`);
		const code = await sandbox.exited;
		this.failWithLog(log, `The sandbox stopped by itself (exit ${code})`);
	}

	async main(args: string[]): Promise<void> {
		const root = this.root;
		const options = parseOptions(args, root);
		const n8nPort = Number(process.env.N8N_PORT || 5678);
		const sandboxPort = Number(process.env.SANDBOX_PORT || 4010);
		const apiKey = process.env.SANDBOX_API_KEY || 'sandbox-api-key';
		mkdirSync(path.join(root, '.tools'), { recursive: true });
		let env = withEnv(process.env, N8N_SETTINGS, n8nLineEnv(2), {
			N8N_PORT: String(n8nPort),
			SANDBOX_PORT: String(sandboxPort),
			SANDBOX_API_KEY: apiKey,
		});

		await this.installsAndBuild(options);
		if (options.mode === 'own') await this.ownN8n(options, env, sandboxPort, apiKey);

		// ---- n8n's user folder, ports, the sandbox, the examples and the credential --------------------------------------
		const bin = n8nBin(root, 2);
		const queueDir = path.join(root, '.tools', 'queue');
		const workers = Number(process.env.QUEUE_WORKERS || 2);
		await this.requireFreePort(n8nPort, 'N8N_PORT');
		let brokerPort: string;
		let stackEnv: Record<string, string> = {};
		if (options.queue) {
			if (!(await ensureQueueServices(root))) throw new Exit(1, '');
			const userFolder = process.env.N8N_USER_FOLDER || path.join(queueDir, 'home');
			const key = process.env.N8N_ENCRYPTION_KEY || encryptionKeyIn(path.join(queueDir, 'encryption-key'));
			stackEnv = await stackPorts(workers, env);
			brokerPort = stackEnv.N8N_MAIN_BROKER_PORT;
			console.log(
				`Starting Redis (127.0.0.1:${stackEnv.QUEUE_REDIS_PORT}) and PostgreSQL (127.0.0.1:${stackEnv.QUEUE_PG_PORT}), data in .tools/queue/ ...`,
			);
			const redis = await startRedis(path.join(queueDir, 'redis'), Number(stackEnv.QUEUE_REDIS_PORT));
			this.services.push(() => redis.stop(10_000));
			const pg = path.join(queueDir, 'pg');
			this.services.push(() => stopPostgres(pg));
			await startPostgres(pg, Number(stackEnv.QUEUE_PG_PORT));
			env = withEnv(env, stackEnv, queueEnv(stackEnv.QUEUE_REDIS_PORT, stackEnv.QUEUE_PG_PORT, key), { N8N_USER_FOLDER: userFolder });
		} else {
			// n8n's task broker listens on 5679 unless told otherwise: a second n8n, or N8N_PORT=5679, would clash with it.
			const given = process.env.N8N_RUNNERS_BROKER_PORT;
			if (given) {
				if (Number(given) === n8nPort || Number(given) === sandboxPort) {
					throw new Exit(2, `N8N_RUNNERS_BROKER_PORT (${given}) must differ from N8N_PORT and SANDBOX_PORT; leave it unset for a free one`);
				}
				await this.requireFreePort(Number(given), 'N8N_RUNNERS_BROKER_PORT');
				brokerPort = given;
			} else {
				brokerPort = String(await freePort([n8nPort, sandboxPort]));
			}
			env = withEnv(env, {
				N8N_USER_FOLDER: process.env.N8N_USER_FOLDER || path.join(root, '.tools', 'n8n-home'),
				N8N_RUNNERS_BROKER_PORT: brokerPort,
			});
		}
		if (options.durable) env = withEnv(env, DURABLE_ENV);
		const userFolder = env.N8N_USER_FOLDER!;
		const folder = relative(root, userFolder);
		mkdirSync(userFolder, { recursive: true });
		console.log(`Installing this package into n8n (${folder}), then checking the example workflows and the credential (n8n's command line: 5 to 15 s) ...`);
		await installPackage(root, userFolder);

		let sandbox: ProcessGroup | undefined;
		const sandboxLog = path.join(userFolder, 'sandbox.log');
		let imported: string;
		try {
			if (options.mode === 'cloud') {
				const arizeKey = process.env.ARIZE_API_KEY;
				if (!arizeKey) throw new Exit(2, 'Set ARIZE_API_KEY to use --arize-cloud');
				imported = await importDemo(root, bin, env, { baseUrl: '', apiKey: arizeKey, region: options.region, reset: options.reset });
			} else {
				sandbox = await this.startSandbox(sandboxPort, sandboxLog, path.join(userFolder, 'sandbox-data.json'), options.reset, env);
				imported = await importDemo(root, bin, env, { baseUrl: `http://127.0.0.1:${sandboxPort}`, apiKey, reset: options.reset });
			}
		} catch (error) {
			if (error instanceof Exit) throw error;
			process.stderr.write(`${(error as Error).message}\n`);
			throw new Exit(1, `Could not import the examples or the credential${options.mode === 'cloud' ? '' : " (n8n's messages above)"}`);
		}
		if (imported === '0 example workflow(s)') {
			console.log('The example workflows and the credential are there already: kept as you left them (--reset imports them again).');
		} else {
			console.log(`Imported: ${imported}.`);
		}

		// ---- n8n ---------------------------------------------------------------------------------------------------------
		const header = (log: string) =>
			writeFileSync(
				log,
				`# n8n ${N8N_VERSION} started by ./scripts/start at ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}: editor on port ${n8nPort}, task broker on port ${brokerPort}.\n` +
					'# Expected below, and harmless here: "Failed to start Python task runner" (no Python runner is set up; only Python\n' +
					'# in the Code node needs one) and n8n\'s list of deprecations (defaults that change in later n8n versions).\n',
			);
		let main: ProcessGroup;
		let mainLog: string;
		const workerGroups: ProcessGroup[] = [];
		if (options.queue) {
			// The main (editor, webhooks, the triggers' polls) and the workers (every execution) start side by side: the
			// database was migrated by the import above.
			mainLog = path.join(queueDir, 'main.log');
			header(mainLog);
			const mainCommand = n8nProcessCommand(bin, 'main', undefined, env);
			main = new ProcessGroup('n8n main', mainCommand.command, mainCommand.args, { log: mainLog, env: withEnv(env, mainCommand.env) });
			this.n8n.push(main);
			for (let i = 1; i <= workers; i++) {
				const log = path.join(queueDir, `worker-${i}.log`);
				writeFileSync(log, '');
				const command = n8nProcessCommand(bin, 'worker', i, env);
				const worker = new ProcessGroup(`n8n worker ${i}`, command.command, command.args, { log, env: withEnv(env, command.env) });
				this.n8n.push(worker);
				workerGroups.push(worker);
			}
			console.log(`Starting n8n ${N8N_VERSION} in queue mode: a main and ${workers} workers (logs: .tools/queue/*.log) ...`);
		} else {
			mainLog = path.join(userFolder, 'n8n.log');
			header(mainLog);
			main = new ProcessGroup('n8n', bin, ['start'], { log: mainLog, env });
			this.n8n.push(main);
			console.log(`Starting n8n ${N8N_VERSION} (log: ${folder}/n8n.log; its task broker on port ${brokerPort}) ...`);
		}
		if (!(await waitForN8nMain(main))) this.failWithLog(mainLog, `n8n did not start (log: ${relative(root, mainLog)})`);
		for (const [index, worker] of workerGroups.entries()) {
			const healthPort = stackEnv[`N8N_WORKER${index + 1}_HEALTH_PORT`];
			if (!(await waitForUrl(`http://127.0.0.1:${healthPort}/healthz/readiness`, worker, 120_000))) {
				this.failWithLog(worker.log, `n8n worker ${index + 1} did not start`);
			}
		}

		// n8n asks for an owner account on first use; create a local demo one so the editor opens straight away.
		if (!(await setUpOwner(`http://localhost:${n8nPort}`))) {
			this.failWithLog(mainLog, 'n8n did not let the script create its demo owner account');
		}
		this.printReady(options, { n8nPort, sandboxPort, apiKey, folder, mainLog, brokerPort, workers, stackEnv });

		// Runs until Ctrl-C, or until n8n or the sandbox stops by itself: then says which, with the end of its log.
		const which = await Promise.race([
			main.exited.then((code) => ({ who: 'n8n', code })),
			...(sandbox ? [sandbox.exited.then((code) => ({ who: 'sandbox', code }))] : []),
		]);
		// After Ctrl-C, n8n and the sandbox stop because they were told to: nothing more to say.
		if (this.stopping) throw new Exit(130);
		if (which.who === 'n8n') this.failWithLog(mainLog, `n8n stopped by itself (exit ${which.code})`);
		// The sandbox exits 0 only when it was told to stop (SIGINT or SIGTERM).
		if (which.code === 0) {
			console.log('The sandbox was stopped (SIGINT or SIGTERM); stopping n8n too.');
			throw new Exit(0);
		}
		this.failWithLog(sandboxLog, `The sandbox stopped by itself (exit ${which.code})`);
	}

	printReady(
		options: Options,
		facts: {
			n8nPort: number;
			sandboxPort: number;
			apiKey: string;
			folder: string;
			mainLog: string;
			brokerPort: string;
			workers: number;
			stackEnv: Record<string, string>;
		},
	): void {
		const { n8nPort, sandboxPort, apiKey, folder, mainLog, brokerPort, workers, stackEnv } = facts;
		const arize =
			options.mode === 'cloud'
				? `Arize AX (${options.region})`
				: `the local sandbox at http://127.0.0.1:${sandboxPort} (key ${apiKey}); its data is kept in
        ${folder}/sandbox-data.json from one start to the next (--reset starts from the seed data)`;
		console.log(`
  n8n with n8n-nodes-arize is ready: http://localhost:${n8nPort}   (started in ${formatDuration(Date.now() - this.started)})
  Sign in: ${OWNER.email} / ${OWNER.password}
  Arize: ${arize}
  Logs: ${relative(this.root, mainLog)}${options.mode === 'cloud' ? '' : `, ${folder}/sandbox.log`}
  n8n's task broker: port ${brokerPort}. n8n's command line while this runs: ./scripts/n8n, e.g.
    ./scripts/n8n execute --id=arizeExample0001`);
		if (options.queue) {
			const workerLines = Array.from({ length: workers }, (_, i) => `    worker ${i + 1}: log .tools/queue/worker-${i + 1}.log`);
			console.log(`
  Queue mode: the main (log .tools/queue/main.log) serves the editor and webhooks and runs the triggers' polls
  (Arize Tasks Trigger included); every execution runs on one of ${workers} workers:
${workerLines.join('\n')}
  Which worker ran an execution: its number is in the editor's execution list (Overview → Executions,
  http://localhost:${n8nPort}/home/executions), and that worker's log has "Worker started execution <number>":
    grep -l 'Worker started execution 12 ' .tools/queue/worker-*.log
  Redis 127.0.0.1:${stackEnv.QUEUE_REDIS_PORT}, PostgreSQL 127.0.0.1:${stackEnv.QUEUE_PG_PORT} (database n8n, user postgres); data in .tools/queue/`);
		}
		if (options.durable) {
			console.log(`
  Durable poll scheduler: on (polls are jobs in the database, tables scheduled_job and scheduled_task; a trigger's
  state is in poller_state). A poll is abandoned after ${process.env.N8N_SCHEDULER_POLL_TIMEOUT || 45} s (N8N_SCHEDULER_POLL_TIMEOUT).`);
		}
		console.log(`
  Try first: open the workflow "Arize: list tasks into a table" and click "Execute workflow".
  Then "Arize: trigger a run and wait", and add an "Arize Tasks" node to a new workflow.
  Ctrl-C stops everything started here.`);
	}
}

/** ./scripts/start [options]: the exit code. */
export async function runStart(root: string, args: string[]): Promise<number> {
	process.chdir(root);
	const start = new Start(root);
	let stopping: Promise<number> | undefined;
	const stop = (code: number, message?: string) => {
		if (message) process.stderr.write(message);
		stopping ??= start.stopAll().then(() => code);
		return stopping;
	};
	const onSignal = () => {
		if (stopping) return;
		start.stopping = true;
		void stop(130, '\nStopping everything started here (n8n takes a few seconds to shut down) ...\n').then((code) => process.exit(code));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	let code: number;
	try {
		await start.main(args);
		code = 0;
	} catch (error) {
		if (error instanceof Exit) {
			if (error.message) process.stderr.write(`${error.message}\n`);
			code = error.code;
		} else {
			process.stderr.write(`${(error as Error).message}\n`);
			code = 1;
		}
	}
	return stop(code);
}
