/**
 * One cold load of the built package in this fresh process: `require` of every file package.json lists under
 * n8n.nodes and n8n.credentials (from dist/), then `new` of each exported class, as n8n's loader does.
 *
 * `withWorkflowLoaded`: n8n-workflow (the peer dependency) is required first and not timed: inside n8n it is always
 * loaded already, so the time is the package's own. Without it, the time includes loading n8n-workflow.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT, worker } from '../lib/common';

export interface ColdLoadInput {
	withWorkflowLoaded: boolean;
}

export interface ColdLoadResult {
	files: string[];
	requireMs: number;
	instantiateMs: number;
	/** Source files the requires loaded from dist/ (the package's own modules). */
	distModules: number;
}

worker(async ({ withWorkflowLoaded }: ColdLoadInput): Promise<ColdLoadResult> => {
	const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[]; credentials: string[] };
	};
	const files = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
	if (withWorkflowLoaded) require('n8n-workflow');

	const start = process.hrtime.bigint();
	const modules = files.map((file) => require(path.join(ROOT, file)) as Record<string, unknown>);
	const required = process.hrtime.bigint();
	for (const exported of modules) {
		for (const value of Object.values(exported)) {
			if (typeof value === 'function') new (value as new () => unknown)();
		}
	}
	const instantiated = process.hrtime.bigint();

	const dist = path.join(ROOT, 'dist') + path.sep;
	return {
		files,
		requireMs: Number(required - start) / 1e6,
		instantiateMs: Number(instantiated - required) / 1e6,
		distModules: Object.keys(require.cache).filter((file) => file.startsWith(dist)).length,
	};
});
