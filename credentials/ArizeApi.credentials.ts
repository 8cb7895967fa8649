import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class ArizeApi implements ICredentialType {
	name = 'arizeApi';

	displayName = 'Arize API';

	icon: Icon = { light: 'file:../icons/arize.svg', dark: 'file:../icons/arize.dark.svg' };

	documentationUrl = 'https://arize.com/docs/ax/rest-reference';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'An Arize AX API key (Settings → API Keys). A key only works in the region that issued it.',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'Global (US)', value: 'global', description: 'https://api.arize.com' },
				{ name: 'EU (eu-west-1a)', value: 'eu-west-1a', description: 'https://api.eu-west-1a.arize.com' },
				{
					name: 'Canada (ca-central-1a)',
					value: 'ca-central-1a',
					description: 'https://api.ca-central-1a.arize.com',
				},
				{ name: 'Custom', value: 'custom', description: 'A self-hosted or private deployment' },
			],
			default: 'global',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://arize.example.com',
			description: 'The host of your Arize deployment, without a path (the node appends /v2/...)',
			hint: 'Host only, e.g. https://arize.example.com (not …/v2/). A test that fails with ENOTFOUND means the host name does not resolve: check its spelling, or choose the Region instead of Custom.',
			displayOptions: { show: { region: ['custom'] } },
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description: 'How long to wait for Arize to answer a request before giving up',
		},
	];

	// A function rather than a `generic` block: n8n would evaluate the header expression on every request, a cost
	// BENCHMARKS.md measures.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey)}` },
		};
	}

	// Mirrors arizeBaseUrl() in nodes/shared/transport/credentials.ts; an expression cannot import it.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.region === "custom" ? $credentials.baseUrl : "https://api" + ($credentials.region === "global" ? "" : "." + $credentials.region) + ".arize.com" }}',
			url: '/v2/spaces',
			qs: { limit: 1 },
		},
		rules: [
			// GET /v2/spaces never answers 404: a 404 means the URL is not Arize's API root, typically a Base URL with a path.
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'Not Found (404) at /v2/spaces: this is not the root of an Arize API. With Region Custom, enter the Base URL without a path: remove /v2/ and anything after the host (e.g. https://arize.example.com).',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Arize rejected the API key (401). Check the key, and that the Region matches the account that issued it: a key from another region fails the same way.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Arize refused access with this API key (403). Check the key\'s permissions, and that the Region matches the account that issued it: a key from another region fails the same way.',
				},
			},
		],
	};
}
