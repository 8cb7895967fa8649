import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { parse } from 'yaml';

// The GitHub workflows cannot run here; these checks read them as GitHub would (YAML) and hold them to what n8n's
// verification asks of a release: published from GitHub Actions, with provenance, from the checks CI runs.
const root = resolve(__dirname, '../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json'));

interface Step {
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Workflow {
	on: Record<string, unknown>;
	permissions: Record<string, string>;
	jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
}
const workflow = (name: string) => parse(read(`.github/workflows/${name}`)) as Workflow;
const steps = (flow: Workflow) => Object.values(flow.jobs).flatMap((job) => job.steps);

describe('GitHub workflows', () => {
	it('CI runs .ci/run on pull requests and on main, with read-only permissions', () => {
		const ci = workflow('ci.yml');
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
		expect(ci.on.push).toEqual({ branches: ['main'] });
		expect(ci.permissions).toEqual({ contents: 'read' });
		expect(steps(ci).map((step) => step.run).filter(Boolean)).toEqual(['bash .ci/run']);
	});

	it('Release publishes with provenance on a version tag, after the build, the lint and the scan', () => {
		const release = workflow('release.yml');
		expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
		expect(release.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		const runs = steps(release).map((step) => step.run).filter(Boolean) as string[];
		expect(runs.slice(-5)).toEqual([
			'npm ci --no-audit --no-fund',
			'npm run build',
			'npm run lint',
			'node scripts/scan-package.mjs',
			'npm publish --provenance --access public',
		]);
		expect(runs[0]).toContain('$GITHUB_REF_NAME');
		const node = steps(release).find((step) => step.uses?.startsWith('actions/setup-node@'));
		const pinned = /NODE24_VERSION=(\S+)/.exec(read('scripts/node24.sh'))?.[1];
		expect(node?.with).toEqual({ 'node-version': pinned, 'registry-url': 'https://registry.npmjs.org' });
	});

	it('every action is pinned to a version', () => {
		for (const step of [...steps(workflow('ci.yml')), ...steps(workflow('release.yml'))]) {
			if (step.uses) expect(step.uses).toMatch(/^actions\/[a-z-]+@v\d+$/);
		}
	});
});

describe('package metadata for verification', () => {
	it('is MIT licensed, and its repository, homepage and bugs name one GitHub repository', () => {
		expect(pkg.license).toBe('MIT');
		expect(read('LICENSE')).toMatch(/^MIT License/);
		const repo = /^git\+https:\/\/github\.com\/([^/]+\/[^/]+)\.git$/.exec(pkg.repository.url)?.[1];
		expect(repo).toBeDefined();
		expect(pkg.homepage).toBe(`https://github.com/${repo}#readme`);
		expect(pkg.bugs).toEqual({ url: `https://github.com/${repo}/issues` });
	});

	it('declares the Node.js and the n8n lines it supports, and the CHANGELOG has an entry for this version', () => {
		expect(pkg.engines.node).toBeDefined();
		// The lines CI proves: n8n 1.123 and the pinned 2.x (scripts/orchestrator/n8n.ts, N8N_RELEASES).
		expect(pkg.engines.n8n).toBe('>=1.123.0 <3');
		const lib = read('scripts/orchestrator/n8n.ts');
		expect(lib).toMatch(/^\t1: \{ version: '1\.123\.\d+',/m);
		expect(lib).toMatch(/^\t2: \{ version: '2\.\d+\.\d+',/m);
		expect(read('CHANGELOG.md')).toContain(`## ${pkg.version}`);
	});
});
