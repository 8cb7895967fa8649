import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { userInfo } from 'node:os';

import type { EnvChanges } from './processes.ts';
import { freePort, ProcessGroup, readText, relative, run, sleep, tail } from './processes.ts';

// n8n's queue mode on one machine (Redis, PostgreSQL, a main and workers) and its durable poll scheduler: the
// services, the ports and the environment every n8n process of such a stack shares, and the command of each n8n
// process. Used by ./scripts/start (--queue, --durable) and the e2e phases durable and queue.

const isRoot = () => process.getuid?.() === 0;

/** As root, or through `sudo -n` otherwise. */
function asRoot(command: string, args: string[], env?: NodeJS.ProcessEnv) {
	return isRoot() ? run(command, args, { env }) : run('sudo', ['-n', command, ...args], { env });
}

/** Installs Debian packages with apt-get (once), logging to `log`; false (with the end of the log) when it fails. */
export async function aptInstall(root: string, packages: string[], log: string): Promise<boolean> {
	mkdirSync(path.dirname(log), { recursive: true });
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const update = await asRoot('apt-get', ['update'], env);
	const install = update.code === 0 ? await asRoot('apt-get', ['install', '-y', ...packages], env) : undefined;
	writeFileSync(log, [update, install].map((result) => (result ? result.stdout + result.stderr : '')).join('\n'));
	if (install?.code === 0) return true;
	process.stderr.write(`${tail(readText(log), 20)}\nCould not install ${packages.join(' ')} with apt-get (log: ${relative(root, log)})\n`);
	return false;
}

/** PostgreSQL's programs: Debian keeps them in /usr/lib/postgresql/<major>/bin, off PATH. */
export function pgBinDir(): string | undefined {
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return undefined;
	const majors = readdirSync(base).sort((a, b) => Number(b) - Number(a));
	return majors.map((major) => path.join(base, major, 'bin')).find((dir) => existsSync(path.join(dir, 'postgres')) && existsSync(path.join(dir, 'initdb')));
}

async function onPath(command: string): Promise<boolean> {
	return (await run('sh', ['-c', `command -v ${command}`])).code === 0;
}

/** Debian's redis-server and postgresql, installed with apt-get when missing. */
export async function ensureQueueServices(root: string): Promise<boolean> {
	const need: string[] = [];
	if (!(await onPath('redis-server'))) need.push('redis-server');
	if (!pgBinDir()) need.push('postgresql');
	if (need.length === 0) return true;
	process.stderr.write(`Installing Debian's ${need.join(' ')} (once; about a minute) ...\n`);
	// Debian's packages start their own services (on the default ports); ours are separate processes.
	return aptInstall(root, need, path.join(root, '.tools', 'apt-queue.log'));
}

/** A Redis of our own on loopback (no persistence), in `dir`. */
export async function startRedis(dir: string, port: number): Promise<ProcessGroup> {
	mkdirSync(dir, { recursive: true });
	const redis = new ProcessGroup(
		'redis',
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
		{ log: path.join(dir, 'redis.log') },
	);
	for (let i = 0; i < 50 && redis.running; i++) {
		const ping = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping']);
		if (ping.stdout.trim() === 'PONG') return redis;
		await sleep(200);
	}
	await redis.stop(5000);
	throw new Error(`${tail(redis.output(), 20)}\nRedis did not start on port ${port}`);
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the "postgres" user that the package creates. */
function asPgOwner(command: string, args: string[]) {
	return isRoot() ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
}

/**
 * The cluster's real folder. As root, the cluster belongs to "postgres", which must reach it: when it cannot reach
 * the parent of `dir` (a checkout under a private home folder), `dir` becomes a link to a folder under /tmp.
 */
async function pgDataDir(dir: string): Promise<string> {
	if (!existsSync(dir) && isRoot()) {
		mkdirSync(path.dirname(dir), { recursive: true });
		if ((await run('runuser', ['-u', 'postgres', '--', 'test', '-x', path.dirname(dir)])).code !== 0) {
			symlinkSync(mkdtempSync('/tmp/n8n-nodes-arize-pg.'), dir);
		}
	}
	mkdirSync(dir, { recursive: true });
	return realpathSync(dir);
}

function pgUid(): number {
	const passwd = readText('/etc/passwd').split('\n').find((line) => line.startsWith('postgres:'));
	return passwd ? Number(passwd.split(':')[2]) : userInfo().uid;
}

/** A PostgreSQL cluster in `dir` (initdb on first use) on a loopback port, with a database "n8n". */
export async function startPostgres(dir: string, port: number): Promise<void> {
	const bin = pgBinDir();
	if (!bin) throw new Error('PostgreSQL is not installed');
	const data = await pgDataDir(dir);
	if (!existsSync(path.join(data, 'PG_VERSION'))) {
		if (isRoot()) chownSync(data, pgUid(), pgUid());
		const init = await asPgOwner(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-locale', '--encoding=UTF8']);
		writeFileSync(`${dir}.initdb.log`, init.stdout + init.stderr);
		if (init.code !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
	}
	// Loopback TCP only, no Unix socket (a long checkout path would not fit one); pg_ctl detaches it and waits.
	const log = path.join(data, 'postgres.log');
	const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
	const started = await asPgOwner(path.join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', 'start', '-o', options]);
	if (started.code !== 0) throw new Error(`${tail(readText(log), 20)}\nPostgreSQL did not start on port ${port}`);
	const psql = (args: string[]) => run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', ...args]);
	const exists = await psql(['-tAc', "SELECT 1 FROM pg_database WHERE datname = 'n8n'"]);
	if (exists.stdout.trim() !== '1') {
		const created = await psql(['-qc', 'CREATE DATABASE n8n']);
		if (created.code !== 0) throw new Error(`CREATE DATABASE n8n failed: ${created.stderr}`);
	}
}

export async function stopPostgres(dir: string): Promise<void> {
	if (!existsSync(dir)) return;
	const data = realpathSync(dir);
	const bin = pgBinDir();
	if (!bin || !existsSync(path.join(data, 'postmaster.pid'))) return;
	await asPgOwner(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
}

/** Stops the cluster and deletes it (and the folder under /tmp that `dir` may link to). */
export async function removePostgres(dir: string): Promise<void> {
	await stopPostgres(dir);
	if (existsSync(dir)) rmSync(realpathSync(dir), { recursive: true, force: true });
	rmSync(dir, { recursive: true, force: true });
}

/** A key kept next to the stack's data, so every start of the same stack (and every process of it) uses the same one. */
export function encryptionKeyIn(file: string): string {
	if (!readText(file).trim()) {
		mkdirSync(path.dirname(file), { recursive: true });
		writeFileSync(file, `${randomBytes(24).toString('hex')}\n`);
	}
	return readFileSync(file, 'utf8').trim();
}

/**
 * Every port a stack listens on: Redis, PostgreSQL, n8n's editor, and per n8n process its task-runner broker (the
 * default 5679 would clash) and, per worker, its health check. Ports set in `given` are kept; the rest are free ones.
 */
export async function stackPorts(workers: number, given: NodeJS.ProcessEnv = {}): Promise<Record<string, string>> {
	const names = ['QUEUE_REDIS_PORT', 'QUEUE_PG_PORT', 'N8N_PORT', 'N8N_MAIN_BROKER_PORT'];
	for (let i = 1; i <= workers; i++) names.push(`N8N_WORKER${i}_BROKER_PORT`, `N8N_WORKER${i}_HEALTH_PORT`);
	const ports: Record<string, string> = {};
	const taken: number[] = [];
	for (const name of names) {
		const port = given[name] ? Number(given[name]) : await freePort(taken);
		taken.push(port);
		ports[name] = String(port);
	}
	return ports;
}

/**
 * The environment every n8n process of a queue-mode stack shares (the main, the workers, and `n8n import:*`): queue
 * mode, the one Redis and PostgreSQL, one encryption key. N8N_USER_FOLDER must be the same for all, too.
 */
export function queueEnv(redisPort: string, pgPort: string, encryptionKey: string): EnvChanges {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: redisPort,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: pgPort,
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: 'postgres',
		N8N_ENCRYPTION_KEY: encryptionKey,
	};
}

/**
 * A killed worker's execution is failed once Bull sees its job stalled: about 110 s with n8n's defaults, about 45 s
 * with these (n8n never retries a stalled job).
 */
export const FAST_STALL_ENV: EnvChanges = {
	QUEUE_WORKER_LOCK_DURATION: '10000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
};

/**
 * n8n 2.41's durable poll scheduler (off by default): polls are jobs in the database, a poll's state is committed with
 * the execution it starts, and a poll that takes longer than N8N_SCHEDULER_POLL_TIMEOUT (45 s) is abandoned.
 */
export const DURABLE_ENV: EnvChanges = {
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
};

export type Role = 'main' | 'worker';

export interface Command {
	command: string;
	args: string[];
	env: EnvChanges;
}

/**
 * The command of one n8n process of a stack, whose environment `env` holds the stack's ports (stackPorts):
 *   main        `n8n start` (the editor, the triggers and pollers, the REST API) on N8N_MAIN_BROKER_PORT
 *   worker N    `n8n worker` on N8N_WORKER<N>_BROKER_PORT, its health check on N8N_WORKER<N>_HEALTH_PORT, in a UTS
 *               namespace of its own when root
 */
export function n8nProcessCommand(bin: string, role: Role, number: number | undefined, env: NodeJS.ProcessEnv): Command {
	const port = (name: string) => {
		const value = env[name];
		if (!value) throw new Error(`${name} is not set`);
		return value;
	};
	if (role === 'main') {
		return {
			command: bin,
			args: ['start'],
			env: {
				N8N_RUNNERS_BROKER_PORT: port('N8N_MAIN_BROKER_PORT'),
				// Queue mode: the editor's "Execute workflow" runs on a worker too, not on the main.
				...(env.EXECUTIONS_MODE === 'queue' ? { OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true' } : {}),
			},
		};
	}
	if (!number) throw new Error('worker: which one (a number)?');
	const workerEnv = {
		N8N_RUNNERS_BROKER_PORT: port(`N8N_WORKER${number}_BROKER_PORT`),
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: port(`N8N_WORKER${number}_HEALTH_PORT`),
	};
	// In a container n8n takes its host ID from the hostname, the same for every worker ("Detected multiple instances
	// sharing the same hostId"); a UTS namespace of its own gives each worker its own hostname.
	if (isRoot() && existsSync('/usr/bin/unshare')) {
		return {
			command: 'unshare',
			args: ['--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', `n8n-worker-${number}`, bin, 'worker'],
			env: workerEnv,
		};
	}
	return { command: bin, args: ['worker'], env: workerEnv };
}
