const path = require('node:path');
const { task, src, dest } = require('gulp');

// tsc emits only JavaScript. n8n loads icons from the `file:` paths that nodes and credentials name, and a node's
// codex from the .node.json beside it, so both must sit next to the built code.
task('build:assets', () =>
	src(['icons/**/*.{png,svg}', 'nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest(path.resolve('dist'))),
);
