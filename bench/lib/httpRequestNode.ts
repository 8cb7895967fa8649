import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../../test/harness';
import type { loadHttpRequestNode } from './common';
import { BENCH_API_KEY } from './common';

/** What a row of n8n's HTTP Request node says when n8n is not installed in .tools/n8n. */
export const HTTP_REQUEST_SKIPPED =
	'skipped: n8n is not installed in .tools/n8n (run `npm run bench` without --no-install, which installs the pinned n8n there)';

/**
 * n8n's HTTP Request node sending `GET {{ $json.url }}` for every input item with the sandbox's Bearer key (Header
 * Auth), as a user would set it up: the reference the Arize Tasks node is compared with.
 */
export async function httpRequestGets(n8n: ReturnType<typeof loadHttpRequestNode>, input: IDataObject[]) {
	return await runNode({
		nodeType: n8n.httpRequest(),
		credentialTypes: n8n.credentialTypes,
		credentials: { httpHeaderAuth: { name: 'Authorization', value: `Bearer ${BENCH_API_KEY}` } },
		parameters: {
			method: 'GET',
			url: '={{ $json.url }}',
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			options: {},
		},
		input,
	});
}
