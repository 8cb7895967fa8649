import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The house rule, as scripts/lint.sh enforces it: a node folder imports only itself and nodes/shared/, and
 * nodes/shared/ imports no node folder.
 */
const repo = join(__dirname, '../..');

function lint(file: string, code: string): string[] {
	const result = spawnSync(
		join(repo, 'node_modules/.bin/eslint'),
		['-c', 'eslint.boundaries.config.mjs', '--format', 'json', '--stdin', '--stdin-filename', file],
		{ cwd: repo, input: code, encoding: 'utf8' },
	);
	const [report] = JSON.parse(result.stdout) as Array<{ messages: Array<{ message: string }> }>;
	return report.messages.map((message) => message.message);
}

describe('node folder boundaries', () => {
	it('refuses a node importing another node', () => {
		expect(lint('nodes/ArizeTasksTrigger/x.ts', "import { searchTasks } from '../ArizeTasks/methods/listSearch';\n")).toEqual([
			'nodes/ArizeTasksTrigger/ may import only its own folder and nodes/shared/, not "../ArizeTasks/methods/listSearch". Move what more than one node uses to nodes/shared/.',
		]);
		expect(lint('nodes/ArizeTasks/actions/task/x.ts', "export * from '../../../ArizeTrigger/webhook';\n")).toHaveLength(1);
	});

	it('refuses nodes/shared/ importing a node, and node code importing outside nodes/', () => {
		expect(lint('nodes/shared/x.ts', "import { rules } from '../ArizeTasks/helpers/rules';\n")).toEqual([
			'nodes/shared/ serves every node and imports none: "../ArizeTasks/helpers/rules" belongs to nodes/ArizeTasks/.',
		]);
		expect(lint('nodes/ArizeTasks/x.ts', "import { SEED } from '../../sandbox/seed';\n")).toEqual([
			'Node code imports nothing outside nodes/ but n8n-workflow: "../../sandbox/seed".',
		]);
	});

	it('lets a node import itself, nodes/shared/ and packages', () => {
		const code =
			"import { NodeOperationError } from 'n8n-workflow';\n" +
			"import { arizeApiRequest } from '../../shared/transport';\n" +
			"import { taskTypeSelector } from './taskType';\n" +
			"import { rules } from '../../helpers/rules';\n";
		expect(lint('nodes/ArizeTasks/actions/task/x.ts', code)).toEqual([]);
	});

	it('holds for the nodes as they are', () => {
		const result = spawnSync(join(repo, 'node_modules/.bin/eslint'), ['-c', 'eslint.boundaries.config.mjs', 'nodes'], {
			cwd: repo,
			encoding: 'utf8',
		});
		expect(result.stdout).toBe('');
		expect(result.status).toBe(0);
	});
});
