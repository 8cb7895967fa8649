import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * `node sandbox/cli.ts` as a developer starts it, for the tests of its options: each started CLI is killed after the
 * test. Only the given SANDBOX_ variables reach it (none that the developer's shell may have set).
 */
export function useSandboxCli(): { spawn: (args: string[], env?: Record<string, string>) => ChildProcess } {
	const children = new Set<ChildProcess>();
	afterEach(() => {
		for (const child of children) child.kill('SIGKILL');
		children.clear();
	});
	return {
		spawn(args, env = {}) {
			const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SANDBOX_')));
			const child = spawn(process.execPath, ['sandbox/cli.ts', '--port', '0', ...args], {
				cwd: path.resolve(__dirname, '../..'),
				env: { ...inherited, ...env },
			});
			children.add(child);
			return child;
		},
	};
}

/** Resolves with the URL and the start-up output once the CLI listens and has said everything; rejects if it exits. */
export function started(child: ChildProcess): Promise<{ url: string; output: () => string }> {
	let output = '';
	return new Promise((resolve, reject) => {
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match && output.includes('Try: ')) resolve({ url: match[1], output: () => output });
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', onData);
		child.on('exit', (code) => reject(new Error(`the CLI exited (${code}): ${output}`)));
	});
}

/** Resolves with the exit code and what the CLI wrote to stdout and stderr. */
export function exited(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}
