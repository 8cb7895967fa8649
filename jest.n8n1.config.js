/**
 * The jest suites against n8n 1.x's libraries (n8n-workflow 1.120, n8n-core 1.122: what n8n 1.123 bundles), installed
 * by scripts/test into .tools/n8n1-libs. Everything else as in jest.config.js.
 * @type {import('jest').Config}
 */
const path = require('node:path');
const base = require('./jest.config.js');
const libs = path.join(__dirname, '.tools/n8n1-libs/node_modules');

module.exports = {
	...base,
	moduleNameMapper: {
		'^n8n-workflow$': path.join(libs, 'n8n-workflow'),
		'^n8n-core$': path.join(libs, 'n8n-core'),
	},
};
