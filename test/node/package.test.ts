import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What n8n loads: the files package.json names under `n8n`, from the built `dist/` (./scripts/test builds first). */
const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const built = [...pkg.n8n.credentials, ...pkg.n8n.nodes].map((file: string) => join(root, file));

function iconPaths(icon: unknown): string[] {
	if (typeof icon === 'string') return [icon];
	if (icon && typeof icon === 'object') return Object.values(icon as Record<string, string>);
	return [];
}

describe('the built package', () => {
	it.each(built)('%s exists and every file: icon it names is in dist', (file) => {
		expect(existsSync(file)).toBe(true);
		const exported = require(file);
		const instance = new (Object.values(exported)[0] as new () => { icon?: unknown; description?: { icon?: unknown } })();
		const icons = iconPaths(instance.description?.icon ?? instance.icon).filter((icon) => icon.startsWith('file:'));
		expect(icons.length).toBeGreaterThan(0);
		for (const icon of icons) {
			expect(existsSync(resolve(dirname(file), icon.slice('file:'.length)))).toBe(true);
		}
	});

	it.each(pkg.n8n.nodes as string[])('%s has its codex file beside it, with valid categories', (file) => {
		const codex = JSON.parse(readFileSync(join(root, file.replace(/\.js$/, '.json')), 'utf8'));
		const nodeName = new (Object.values(require(join(root, file)))[0] as new () => { description: { name: string } })()
			.description.name;
		expect(codex.node).toBe(`n8n-nodes-arize.${nodeName}`);
		const known = ['AI', 'Analytics', 'Communication', 'Core Nodes', 'Data & Storage', 'Development', 'Finance & Accounting', 'Marketing', 'Productivity', 'Sales', 'Utility', 'Miscellaneous', 'HITL'];
		expect(codex.categories.every((category: string) => known.includes(category))).toBe(true);
		// n8n appends its tracking query to these links: behind a #fragment it would land inside the fragment.
		const links = Object.values(codex.resources as Record<string, Array<{ url: string }>>).flat();
		expect(links.map(({ url }) => new URL(url).hash)).toEqual(links.map(() => ''));
	});

	it('has no runtime dependencies and n8n-workflow as its only peer', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(Object.keys(pkg.peerDependencies)).toEqual(['n8n-workflow']);
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.keywords).toContain('n8n-community-node-package');
	});
});
