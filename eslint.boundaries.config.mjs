// The house rule of nodes/ (docs/architecture.md): a node folder imports only itself and nodes/shared/, and
// nodes/shared/ imports no node folder. Run by scripts/lint.sh beside n8n's own lint, whose strict mode allows no
// change to eslint.config.mjs.
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';

const nodesRoot = path.resolve(import.meta.dirname, 'nodes');

/** The folder of nodes/ that a file belongs to ('shared' or a node's folder), or undefined outside nodes/. */
function ownerOf(file) {
	const relative = path.relative(nodesRoot, file);
	if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
	return relative.split(path.sep)[0];
}

const nodeFolderImports = {
	meta: {
		type: 'problem',
		messages: {
			crossNode:
				'{{owner}} may import only its own folder and nodes/shared/, not "{{source}}". Move what more than one node uses to nodes/shared/.',
			sharedToNode: 'nodes/shared/ serves every node and imports none: "{{source}}" belongs to nodes/{{target}}/.',
			outsideNodes: 'Node code imports nothing outside nodes/ but n8n-workflow: "{{source}}".',
		},
		schema: [],
	},
	create(context) {
		const owner = ownerOf(path.resolve(context.filename));
		const check = (node) => {
			const source = node.source?.value;
			if (owner === undefined || typeof source !== 'string' || !source.startsWith('.')) return;
			const target = ownerOf(path.resolve(path.dirname(path.resolve(context.filename)), source));
			if (target === undefined) context.report({ node, messageId: 'outsideNodes', data: { source } });
			else if (owner === 'shared' && target !== 'shared') context.report({ node, messageId: 'sharedToNode', data: { source, target } });
			else if (target !== owner && target !== 'shared') context.report({ node, messageId: 'crossNode', data: { owner: `nodes/${owner}/`, source } });
		};
		return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
	},
};

export default [
	{
		files: ['nodes/**/*.ts'],
		languageOptions: { parser: tsParser },
		plugins: { house: { rules: { 'node-folder-imports': nodeFolderImports } } },
		rules: { 'house/node-folder-imports': 'error' },
	},
];
