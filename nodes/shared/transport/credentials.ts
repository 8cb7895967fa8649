import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'arizeApi';

export interface ArizeCredentials {
	region?: string;
	baseUrl?: string;
	timeout?: number;
}

/** The API host for the credential's region; a custom URL must be a bare http(s) origin. */
export function arizeBaseUrl(node: INode, credentials: ArizeCredentials): string {
	const region = credentials.region ?? 'global';
	if (region === 'global') return 'https://api.arize.com';
	if (region !== 'custom') return `https://api.${region}.arize.com`;

	const raw = (credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
	let url: URL | undefined;
	try {
		url = new URL(raw);
	} catch {
		url = undefined;
	}
	if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search) {
		throw new NodeOperationError(node, `The Base URL "${raw}" in the Arize API credential is not a valid host`, {
			description: 'Use an http(s) URL without a path, e.g. https://arize.example.com',
		});
	}
	return url.origin;
}

