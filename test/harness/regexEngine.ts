/**
 * n8n-workflow runs the regular expressions of node descriptions (a resource locator's ID check, extractValue) through
 * its safe regex engine: node:vm with a 250 ms wall-clock watchdog, because a user can write any pattern. On a machine
 * whose cores are all busy (CI builds n8n's native modules while jest runs) a garbage collection or a descheduled
 * thread can outlast 250 ms for a pattern that takes microseconds, and n8n throws "Regular expression execution timed
 * out": the machine measured, not the node. The harness runs the same expressions the same way, in a node:vm context,
 * with a watchdog of 5 s.
 */
import vm from 'node:vm';

import * as n8nWorkflow from 'n8n-workflow';
import type { RegexEngine } from 'n8n-workflow';

const WATCHDOG_MS = 5000;

const context = vm.createContext({ pattern: '', flags: '', input: '', replacement: '', result: undefined as unknown });
const scripts = {
	exec: new vm.Script('result = new RegExp(pattern, flags).exec(input)'),
	test: new vm.Script('result = new RegExp(pattern, flags).test(input)'),
	replace: new vm.Script('result = input.replace(new RegExp(pattern, flags), replacement)'),
	matchAll: new vm.Script('result = Array.from(input.matchAll(new RegExp(pattern, flags)))'),
	split: new vm.Script('result = input.split(new RegExp(pattern, flags))'),
};

function run<T>(script: keyof typeof scripts, values: { pattern: string; input: string; flags?: string; replacement?: string }): T {
	Object.assign(context, { flags: '', replacement: '', ...values, result: undefined });
	try {
		scripts[script].runInContext(context, { timeout: WATCHDOG_MS });
	} catch (error) {
		if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new Error('Regular expression execution timed out');
		throw error;
	}
	return context.result as T;
}

const engine: RegexEngine = {
	exec: (pattern, input, flags) => run('exec', { pattern, input, flags }),
	test: (pattern, input, flags) => run('test', { pattern, input, flags }),
	replace: (pattern, input, flags, replacement) => run('replace', { pattern, input, flags, replacement }),
	// As n8n's engine: matchAll needs the global flag.
	matchAll: (pattern, input, flags = '') => run('matchAll', { pattern, input, flags: flags.includes('g') ? flags : `${flags}g` }),
	split: (pattern, input, flags) => run('split', { pattern, input, flags }),
};

n8nWorkflow.setSafeRegexEngine(engine);
