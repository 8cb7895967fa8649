import { observeEverySandbox } from '../../sandbox/index.ts';
import { SpecRecorder } from './recorder.ts';

// The spec recorder every jest suite shares (jest's setupFilesAfterEnv loads this file in each test file's module
// registry): each exchange with a sandbox the suite starts is checked against Arize's published spec, and a suite
// whose sandbox answered or accepted something the spec does not allow fails when it ends.

export const everySandboxRecorder = new SpecRecorder();
// The sandbox's own suites send wrong requests on purpose; elsewhere every request comes from the package.
everySandboxRecorder.requestsFromThePackage = !/[\\/]test[\\/](sandbox|conformance)[\\/]/.test(expect.getState().testPath ?? '');

observeEverySandbox((exchange) => {
	everySandboxRecorder.check(exchange);
});

afterAll(() => {
	if (everySandboxRecorder.violations.length > 0) {
		throw new Error(
			`The sandbox departed from Arize's published spec in ${everySandboxRecorder.violations.length} exchange(s):\n${everySandboxRecorder.report()}`,
		);
	}
});
