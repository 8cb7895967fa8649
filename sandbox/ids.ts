import { createHash, randomBytes } from 'node:crypto';

// Ids are opaque base64 strings such as base64('Task:12345:…'). Arize's suffixes are binary, so real ids can
// contain '+', '/' and '=' padding, which is exactly what forces clients to encodeURIComponent them. The sandbox
// builds ids the same way: `Kind:number:` followed by raw suffix bytes, standard (not URL-safe) base64.

export type IdFeature = 'plus' | 'slash' | 'padding';

export function encodeId(kind: string, num: number, suffix: Uint8Array): string {
	return Buffer.concat([Buffer.from(`${kind}:${num}:`), suffix]).toString('base64');
}

// Random bytes are drawn from a pool: one randomBytes() call per id would dominate addTasks(100_000).
const SUFFIX_BYTES = 3;
let pool = randomBytes(0);
let poolOffset = 0;

function randomSuffix(): Uint8Array {
	if (poolOffset + SUFFIX_BYTES > pool.length) {
		pool = randomBytes(SUFFIX_BYTES * 4096);
		poolOffset = 0;
	}
	poolOffset += SUFFIX_BYTES;
	return pool.subarray(poolOffset - SUFFIX_BYTES, poolOffset);
}

/** A fresh id with a random 3-byte suffix (so '+', '/' and '=' turn up naturally). */
export function randomId(kind: string, num: number): string {
	return encodeId(kind, num, randomSuffix());
}

function hasFeature(id: string, feature: IdFeature): boolean {
	if (feature === 'plus') return id.includes('+');
	if (feature === 'slash') return id.includes('/');
	return id.endsWith('=');
}

/**
 * A deterministic id for seed data. With `feature`, suffixes are tried in a fixed order until the id has it, so the
 * seed always contains ids that break naive URL building; suffix length varies to reach or avoid '=' padding.
 */
export function seededId(kind: string, num: number, feature?: IdFeature): string {
	for (let attempt = 0; attempt < 10_000; attempt++) {
		const digest = createHash('sha256').update(`${kind}:${num}:${attempt}`).digest();
		const suffix = digest.subarray(0, 3 + (attempt % 3));
		const id = encodeId(kind, num, suffix);
		if (!feature || hasFeature(id, feature)) return id;
	}
	throw new Error(`No seed id for ${kind}:${num} with ${feature}`);
}
