import { spawn } from 'node:child_process';

import { env } from './env';

// The n8n command line of the run's n8n (`n8n import:workflow`, `n8n execute --id … --rawOutput`), and the
// reading of what `execute` prints: a few log lines, then the run as pretty-printed JSON.

export interface CliRun {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export function runN8n(args: string[], timeoutMs = 180_000): Promise<CliRun> {
	return new Promise((resolve, reject) => {
		// Not jest's NODE_ENV=test: with it n8n logs nothing, `execute` included (it prints the run through its logger).
		const { NODE_ENV: _jest, JEST_WORKER_ID: _worker, ...inherited } = process.env;
		const child = spawn(env.n8nBin, args, { env: inherited, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`n8n ${args.join(' ')} did not finish in ${timeoutMs / 1000} s\n${tail(stdout + stderr)}`));
		}, timeoutMs);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
	});
}

export function tail(text: string, lines = 25): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface NodeRun {
	executionStatus?: string;
	error?: { message?: string; description?: string };
	data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
}

export interface Execution {
	status: string;
	finished: boolean;
	mode: string;
	data: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			error?: { message?: string; description?: string };
			lastNodeExecuted?: string;
		};
	};
}

/**
 * The run printed by `n8n execute --rawOutput`. The JSON starts at the first line that is exactly "{" and ends at the
 * last line that is exactly "}"; whatever n8n logs around it is ignored. The exit code is not used: n8n 2.41's
 * `execute` now and then crashes on exit after printing a successful run.
 */
export function parseExecuteOutput(run: CliRun): Execution {
	const lines = run.stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	if (start < 0 || end < start) {
		throw new Error(
			`n8n execute printed no run (exit ${run.code ?? run.signal}).\nstdout:\n${tail(run.stdout)}\nstderr:\n${tail(run.stderr)}`,
		);
	}
	return JSON.parse(lines.slice(start, end + 1).join('\n')) as Execution;
}

export async function executeWorkflow(id: string): Promise<Execution> {
	return parseExecuteOutput(await runN8n(['execute', `--id=${id}`, '--rawOutput']));
}

/** The items a node put on one of its outputs in its first run; [] when the output got none, undefined when the node never ran. */
export function outputItems(execution: Execution, nodeName: string, output = 0): Array<Record<string, unknown>> | undefined {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs?.length) return undefined;
	return (runs[0].data?.main?.[output] ?? []).map((item) => item.json);
}

/** A one-line account of a failed run, for assertion messages. */
export function describeFailure(execution: Execution): string {
	const failed = Object.entries(execution.data.resultData.runData).find(([, runs]) => runs[0]?.error);
	const error = failed?.[1][0].error ?? execution.data.resultData.error;
	return `status ${execution.status}${failed ? `, node "${failed[0]}"` : ''}: ${error?.message ?? 'no error recorded'}${error?.description ? ` (${error.description})` : ''}`;
}
