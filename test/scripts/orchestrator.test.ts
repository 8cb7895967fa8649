import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { n8nLineEnv, npmProgress } from '../../scripts/orchestrator/n8n.ts';
import { explain } from '../../scripts/orchestrator/n8nCli.ts';
import { FORCE_EXIT_NOTICE, jestCounts, parsePhases, PHASES } from '../../scripts/orchestrator/phases.ts';
import { freePort, lockFile, portInUse, ProcessGroup, sleep, withEnv } from '../../scripts/orchestrator/processes.ts';
import { n8nProcessCommand, queueEnv, stackPorts } from '../../scripts/orchestrator/services.ts';

/**
 * The orchestrator's parts that need no n8n: process groups, ports, locks, the install progress, the commands and
 * environments of a stack's n8n processes, and the phase runner's reading of jest's results. What needs n8n itself
 * (installs, imports, the stack) is exercised by the end-to-end phases.
 */

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'orchestrator-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Whether a process runs (a zombie waiting for its parent to read its exit does not). */
const alive = (pid: number) => {
	try {
		return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return false;
	}
};

describe('process groups', () => {
	it('stop() ends the program and every process it started (its whole group), in an orderly way', async () => {
		const group = new ProcessGroup('sh', 'sh', ['-c', `sleep 60 & echo "child $!"; wait`], { log: join(dir, 'a.log') });
		expect(await group.waitForOutput(/child \d+/, 5000)).toBe(true);
		const child = Number(/child (\d+)/.exec(group.output())![1]);
		expect(alive(child)).toBe(true);
		await group.stop(5000);
		expect(group.running).toBe(false);
		// The group's signal reaches the child at once; a busy machine may take a moment to end it.
		for (const deadline = Date.now() + 5000; alive(child) && Date.now() < deadline; ) await sleep(20);
		expect(alive(child)).toBe(false);
	});

	it('stop() sends SIGKILL after the grace time to a program that ignores SIGTERM', async () => {
		const group = new ProcessGroup('stubborn', 'sh', ['-c', `trap '' TERM; echo ready; while :; do sleep 0.1; done`], { log: join(dir, 'b.log') });
		expect(await group.waitForOutput('ready', 5000)).toBe(true);
		const started = Date.now();
		await group.stop(500);
		expect(group.running).toBe(false);
		expect(await group.exited).toBeNull();
		expect(Date.now() - started).toBeGreaterThanOrEqual(500);
	});

	it('appends to its log, and output() holds only what this process wrote', async () => {
		const log = join(dir, 'c.log');
		await new ProcessGroup('first', 'sh', ['-c', 'echo first'], { log }).exited;
		const second = new ProcessGroup('second', 'sh', ['-c', 'echo second; exit 3'], { log });
		expect(await second.exited).toBe(3);
		expect(readFileSync(log, 'utf8')).toBe('first\nsecond\n');
		expect(second.output()).toBe('second\n');
	});

	it('waitForOutput() gives up as soon as the program exits without printing the text', async () => {
		const group = new ProcessGroup('quits', 'sh', ['-c', 'echo nope'], { log: join(dir, 'd.log') });
		const started = Date.now();
		expect(await group.waitForOutput('ready', 10_000)).toBe(false);
		expect(Date.now() - started).toBeLessThan(5000);
	});

	it('passes the environment it is given (withEnv: undefined removes a variable)', async () => {
		const env = withEnv({ PATH: process.env.PATH, KEEP: 'kept', DROP: 'dropped' }, { DROP: undefined, ADDED: 'added' });
		expect(env).toEqual({ PATH: process.env.PATH, KEEP: 'kept', ADDED: 'added' });
		const group = new ProcessGroup('env', 'sh', ['-c', 'echo "$KEEP ${DROP:-none} $ADDED"'], { log: join(dir, 'e.log'), env });
		await group.exited;
		expect(group.output()).toBe('kept none added\n');
	});
});

describe('ports', () => {
	let server: Server | undefined;
	afterEach(async () => {
		await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
		server = undefined;
	});

	it('a free port is free, and portInUse() sees a listener on any address', async () => {
		const port = await freePort();
		expect(await portInUse(port)).toBe(false);
		server = await new Promise<Server>((resolve) => {
			const listening = createServer().listen(port, '127.0.0.1', () => resolve(listening));
		});
		expect(await portInUse(port)).toBe(true);
	});

	it('freePort() avoids the ports it is told to', async () => {
		const first = await freePort();
		for (let i = 0; i < 20; i++) expect(await freePort([first])).not.toBe(first);
	});

	it("a stack's ports are distinct; ports already given are kept", async () => {
		const ports = await stackPorts(2, { N8N_PORT: '5678' });
		expect(Object.keys(ports).sort()).toEqual(
			[
				'N8N_MAIN_BROKER_PORT',
				'N8N_PORT',
				'N8N_WORKER1_BROKER_PORT',
				'N8N_WORKER1_HEALTH_PORT',
				'N8N_WORKER2_BROKER_PORT',
				'N8N_WORKER2_HEALTH_PORT',
				'QUEUE_PG_PORT',
				'QUEUE_REDIS_PORT',
			].sort(),
		);
		expect(ports.N8N_PORT).toBe('5678');
		expect(new Set(Object.values(ports)).size).toBe(8);
	});
});

describe('lockFile', () => {
	it('a second holder waits until the first releases the lock', async () => {
		const file = join(dir, 'install.lock');
		const releaseFirst = await lockFile(file);
		let second = false;
		const secondLock = lockFile(file).then((release) => {
			second = true;
			return release;
		});
		await sleep(500);
		expect(second).toBe(false);
		releaseFirst();
		(await secondLock)();
		expect(second).toBe(true);
	});
});

describe("npm's install progress", () => {
	const fetchLine = (name: string) => `npm http fetch GET 200 https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz 12ms (cache miss)`;
	const cacheLine = (name: string) => `npm http cache ${name}@https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz 0ms (cache hit)`;

	it('counts each tarball once, though npm logs it fetched and then read from its cache', () => {
		const log = [fetchLine('a'), cacheLine('a'), fetchLine('b'), cacheLine('b'), 'npm warn something'].join('\n');
		expect(npmProgress(log, 10)).toBe('2 of about 10 packages downloaded');
	});

	it('says manifests read while npm works out the tree', () => {
		expect(npmProgress('npm http fetch GET 200 https://registry.npmjs.org/n8n 40ms\n', 10)).toBe(
			'working out the dependency tree: 1 package manifests read',
		);
	});

	it('never says more downloaded than the estimate "of about"', () => {
		const log = ['a', 'b', 'c'].map(fetchLine).join('\n');
		expect(npmProgress(log, 2)).toBe('3 packages downloaded (more than the 2 estimated)');
	});
});

describe("a stack's n8n processes", () => {
	const ports = {
		N8N_MAIN_BROKER_PORT: '5001',
		N8N_WORKER1_BROKER_PORT: '5002',
		N8N_WORKER1_HEALTH_PORT: '5003',
	};

	it('the main runs `n8n start` with its own broker port; in queue mode manual executions go to the workers', () => {
		expect(n8nProcessCommand('/n8n', 'main', undefined, ports)).toEqual({
			command: '/n8n',
			args: ['start'],
			env: { N8N_RUNNERS_BROKER_PORT: '5001' },
		});
		const queue = { ...ports, ...queueEnv('6379', '5432', 'key') } as NodeJS.ProcessEnv;
		expect(n8nProcessCommand('/n8n', 'main', undefined, queue).env).toEqual({
			N8N_RUNNERS_BROKER_PORT: '5001',
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		});
	});

	it('a worker runs `n8n worker` with its broker port and health check, in a UTS namespace of its own when root', () => {
		const worker = n8nProcessCommand('/n8n', 'worker', 1, ports);
		expect(worker.env).toEqual({ N8N_RUNNERS_BROKER_PORT: '5002', QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: '5003' });
		expect(worker.args.slice(-2)).toEqual(['/n8n', 'worker']);
		if (process.getuid?.() === 0) expect(worker.command).toBe('unshare');
	});

	it('a worker whose ports were not chosen is an error, not a default port', () => {
		expect(() => n8nProcessCommand('/n8n', 'worker', 2, ports)).toThrow('N8N_WORKER2_BROKER_PORT is not set');
	});

	it('n8n 2.41 runs without the MCP registry module, n8n 1.123 with task runners on and no disabled modules', () => {
		expect(n8nLineEnv(2, {})).toEqual({ N8N_RUNNERS_ENABLED: undefined, N8N_DISABLED_MODULES: 'mcp-registry' });
		expect(n8nLineEnv(1, { N8N_DISABLED_MODULES: 'mcp-registry' })).toEqual({
			N8N_RUNNERS_ENABLED: 'true',
			N8N_DISABLED_MODULES: undefined,
		});
	});
});

describe('the phase runner', () => {
	it('runs every phase without arguments, the named ones otherwise, and refuses an unknown one', () => {
		expect(parsePhases([])).toEqual([...PHASES]);
		expect(parsePhases(['queue', 'cli'])).toEqual(['queue', 'cli']);
		expect(() => parsePhases(['cli', 'typo'])).toThrow('Unknown phase typo (cli, server, editor, start, durable, queue, n8n1)');
	});

	it("counts a suite that failed to run as a failure, as jest's own totals do not", () => {
		expect(jestCounts({ numPassedTests: 7, numFailedTests: 1, numRuntimeErrorTestSuites: 1 })).toEqual({ passed: 7, failed: 2 });
	});

	it("leaves out jest's open-handle advice only", () => {
		expect(
			FORCE_EXIT_NOTICE.test(
				'Force exiting Jest: Have you considered using `--detectOpenHandles` to detect async operations that kept running after all tests finished?',
			),
		).toBe(true);
		expect(FORCE_EXIT_NOTICE.test('Tests: 1 failed')).toBe(false);
	});
});

describe('./scripts/n8n', () => {
	it("says why n8n's alarming lines are harmless, and leaves every other line as it is", () => {
		expect(explain('Failed to start Python task runner in internal mode. because its virtual environment is missing from this system.')).toBe(
			'Failed to start Python task runner in internal mode. because its virtual environment is missing from this system.' +
				'   [harmless: no Python runner is set up; only Python in the Code node needs one]',
		);
		expect(explain('[license SDK] Skipping renewal on init: license cert is not initialized')).toBe(
			"[license SDK] Skipping renewal on init: license cert is not initialized   [harmless: there is no license to renew; n8n's community edition needs none]",
		);
		for (const line of ['Execution was successful:', '      "name": "Production license check",', '{']) expect(explain(line)).toBe(line);
	});
});
