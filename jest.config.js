/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
	},
	// The sandbox and nodes talk over real loopback HTTP; nothing else may leave the machine.
	testTimeout: 20000,
	// Every exchange with a sandbox is checked against Arize's published spec (test/conformance/every-sandbox.ts).
	setupFilesAfterEnv: ['<rootDir>/test/conformance/every-sandbox.ts'],
	// A worker per core: the suites wait on loopback HTTP and timers much of the time, so jest's default (one core left
	// to itself) leaves a 2-core machine half idle.
	maxWorkers: '100%',
	// Suites with it.concurrent (e.g. the secrets sweep) give each case its own sandbox.
	maxConcurrency: 16,
};
