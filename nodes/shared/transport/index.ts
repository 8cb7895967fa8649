/**
 * The only way the nodes reach Arize: base URL and authentication from the credential, retries, error translation,
 * pagination, and the request gate that every request of an execution passes.
 */
export { arizeBaseUrl, CREDENTIAL_TYPE } from './credentials';
export type { ArizeCredentials } from './credentials';
export { arizeApiRequest, arizePath } from './request';
export type { ArizeFunctions, ArizeRequest } from './request';
export {
	arizeApiRequestAllItems,
	arizeApiRequestPage,
	MAX_PAGE_SIZE,
	MAX_RESULTS_PAGE_SIZE,
} from './pagination';
export type { ListRequest } from './pagination';
export { pause, RequestsStopped, useRequestGate } from './requestGate';
