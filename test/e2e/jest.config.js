/**
 * The end-to-end suites (`*.e2e.ts`): a real n8n 2.41.1, the sandbox and headless Chromium, all started by
 * ./scripts/e2e, which runs this config once per phase (cli, server, editor, durable, queue; the last two start and
 * stop their n8n processes themselves, see lib/stack.ts). The unit tests' config (the root
 * jest.config.js) matches only `*.test.ts`, so `./scripts/test` never picks these up.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
	},
	// A cold `n8n execute` takes 5 to 6 s; the trigger check waits for polls that come every 10 s.
	testTimeout: 180000,
	// One at a time: the suites share one n8n and one sandbox.
	maxWorkers: 1,
};
