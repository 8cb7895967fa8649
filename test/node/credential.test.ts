import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { ArizeApi } from '../../credentials/ArizeApi.credentials';
import { arizeBaseUrl } from '../../nodes/shared/transport';
import { n8nLine, runCredentialTest } from '../harness';
import { API_KEY, summary, useArize } from '../arize';

const arize = useArize();
const node = { name: 'Arize Tasks' } as INode;

describe('Arize API credential', () => {
	it('passes its test against the sandbox with GET /v2/spaces?limit=1 and the Bearer key', async () => {
		const result = await runCredentialTest({ credentialType: new ArizeApi(), credentials: arize.credentials.arizeApi });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(arize.sandbox.requests.map(summary)).toEqual([{ method: 'GET', path: '/v2/spaces', query: { limit: '1' } }]);
	});

	it('tolerates a trailing slash on a custom base URL', async () => {
		const result = await runCredentialTest({
			credentialType: new ArizeApi(),
			credentials: { ...arize.credentials.arizeApi, baseUrl: `${arize.sandbox.url}/` },
		});
		expect(result.status).toBe('OK');
		expect(arize.sandbox.requests[0].path).toBe('/v2/spaces');
	});

	// The credential-test emulation follows n8n 2.41's CLI; n8n 1.x words the failure its own way.
	(n8nLine >= 2 ? it : it.skip)('fails a wrong key with the region hint, without echoing the key', async () => {
		const result = await runCredentialTest({
			credentialType: new ArizeApi(),
			credentials: { ...arize.credentials.arizeApi, apiKey: 'key-from-the-eu-region' },
		});
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Arize rejected the API key (401)');
		expect(result.message).toContain('a key from another region fails the same way');
		expect(result.message).not.toContain('key-from-the-eu-region');
		expect(result.message).not.toContain(API_KEY);
	});

	it('fails a Base URL with a path (404) saying to remove the path', async () => {
		const result = await runCredentialTest({
			credentialType: new ArizeApi(),
			credentials: { ...arize.credentials.arizeApi, baseUrl: `${arize.sandbox.url}/v2/` },
		});
		// n8n 1.x's tester reaches the credential's rules only through an error n8n-core 1.x no longer builds: it shows
		// n8n's own sentence, and the Base URL field's hint says what to fix.
		expect(result).toEqual({
			status: 'Error',
			message:
				n8nLine >= 2
					? 'Not Found (404) at /v2/spaces: this is not the root of an Arize API. With Region Custom, enter the Base URL without a path: remove /v2/ and anything after the host (e.g. https://arize.example.com).'
					: 'The resource you are requesting could not be found',
		});
		expect(arize.sandbox.requests.map(({ path }) => path)).toEqual(['/v2/v2/spaces']);
	});

	// A failure without an HTTP answer is worded by n8n (2.x: the socket code alone; 1.x: a sentence of its own),
	// whatever the credential says: the Base URL field's hint is what explains it.
	it('fails a host that does not resolve with ENOTFOUND, which the Base URL hint explains', async () => {
		const result = await runCredentialTest({
			credentialType: new ArizeApi(),
			credentials: { ...arize.credentials.arizeApi, baseUrl: 'http://arize-host-that-does-not-exist.invalid' },
		});
		expect(result).toEqual({
			status: 'Error',
			message:
				n8nLine >= 2
					? 'ENOTFOUND'
					: 'The connection cannot be established, this usually occurs due to an incorrect host (domain) value',
		});
		const baseUrl = new ArizeApi().properties.find((property) => property.name === 'baseUrl');
		expect(baseUrl?.hint).toContain('ENOTFOUND means the host name does not resolve: check its spelling, or choose the Region');
	});

	it('maps each region to its host', () => {
		expect(arizeBaseUrl(node, { region: 'global' })).toBe('https://api.arize.com');
		expect(arizeBaseUrl(node, { region: 'eu-west-1a' })).toBe('https://api.eu-west-1a.arize.com');
		expect(arizeBaseUrl(node, { region: 'ca-central-1a' })).toBe('https://api.ca-central-1a.arize.com');
		expect(arizeBaseUrl(node, { region: 'custom', baseUrl: 'https://arize.example.com/' })).toBe(
			'https://arize.example.com',
		);
		expect(arizeBaseUrl(node, { region: 'custom', baseUrl: ' http://127.0.0.1:4010 ' })).toBe('http://127.0.0.1:4010');
	});

	it.each(['arize.example.com', 'ftp://arize.example.com', 'https://arize.example.com/v2', ''])(
		'rejects the custom base URL %j with a message that says what to enter',
		(baseUrl) => {
			expect(() => arizeBaseUrl(node, { region: 'custom', baseUrl })).toThrow(NodeOperationError);
			expect(() => arizeBaseUrl(node, { region: 'custom', baseUrl })).toThrow(/is not a valid host/);
		},
	);
});
