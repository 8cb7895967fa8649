import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The house rule, as scripts/lint.sh enforces it: a node folder imports only itself and nodes/shared/, and
 * nodes/shared/ imports no node folder.
 */
const repo = join(__dirname, '../..');

const CASES = {
	triggerImportsTasks: ['nodes/ArizeTasksTrigger/x.ts', "import { searchTasks } from '../ArizeTasks/methods/listSearch';\n"],
	tasksReexportsTrigger: ['nodes/ArizeTasks/actions/task/x.ts', "export * from '../../../ArizeTrigger/webhook';\n"],
	sharedImportsNode: ['nodes/shared/x.ts', "import { rules } from '../ArizeTasks/helpers/rules';\n"],
	nodeImportsSandbox: ['nodes/ArizeTasks/x.ts', "import { SEED } from '../../sandbox/seed';\n"],
	nodeImportsAllowed: [
		'nodes/ArizeTasks/actions/task/x.ts',
		"import { NodeOperationError } from 'n8n-workflow';\n" +
			"import { arizeApiRequest } from '../../shared/transport';\n" +
			"import { taskTypeSelector } from './taskType';\n" +
			"import { rules } from '../../helpers/rules';\n",
	],
} satisfies Record<string, [file: string, code: string]>;

/**
 * What the rule says of each case, and of nodes/ as it is: one ESLint in one process (a process per case would start
 * ESLint and the TypeScript parser each time).
 */
function lintWithBoundaries(): { cases: Record<keyof typeof CASES, string[]>; nodes: string[] } {
	const script = `
		import { ESLint } from 'eslint';
		const cases = JSON.parse(await new Response(process.stdin).text());
		const eslint = new ESLint({ overrideConfigFile: 'eslint.boundaries.config.mjs' });
		const messages = (results) => results.flatMap((result) => result.messages.map((message) => message.message));
		const answer = { cases: {}, nodes: messages(await eslint.lintFiles(['nodes'])) };
		for (const [name, [file, code]] of Object.entries(cases)) {
			answer.cases[name] = messages(await eslint.lintText(code, { filePath: file }));
		}
		process.stdout.write(JSON.stringify(answer));
	`;
	const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, input: JSON.stringify(CASES), encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`ESLint failed: ${result.stderr}`);
	return JSON.parse(result.stdout) as ReturnType<typeof lintWithBoundaries>;
}

describe('node folder boundaries', () => {
	let linted: ReturnType<typeof lintWithBoundaries>;
	beforeAll(() => {
		linted = lintWithBoundaries();
	});

	it('refuses a node importing another node', () => {
		expect(linted.cases.triggerImportsTasks).toEqual([
			'nodes/ArizeTasksTrigger/ may import only its own folder and nodes/shared/, not "../ArizeTasks/methods/listSearch". Move what more than one node uses to nodes/shared/.',
		]);
		expect(linted.cases.tasksReexportsTrigger).toHaveLength(1);
	});

	it('refuses nodes/shared/ importing a node, and node code importing outside nodes/', () => {
		expect(linted.cases.sharedImportsNode).toEqual([
			'nodes/shared/ serves every node and imports none: "../ArizeTasks/helpers/rules" belongs to nodes/ArizeTasks/.',
		]);
		expect(linted.cases.nodeImportsSandbox).toEqual(['Node code imports nothing outside nodes/ but n8n-workflow: "../../sandbox/seed".']);
	});

	it('lets a node import itself, nodes/shared/ and packages', () => {
		expect(linted.cases.nodeImportsAllowed).toEqual([]);
	});

	it('holds for the nodes as they are', () => {
		expect(linted.nodes).toEqual([]);
	});
});
