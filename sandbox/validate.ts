import { requestEnum } from './enums.ts';
import { badRequest } from './problems.ts';
import type { JsonObject, StringMap } from './types.ts';

// Shape checks for request bodies. Everything here answers 400: a missing required field, a value of the wrong
// JSON type, an unknown enum value, an empty string or list where the schema demands content. Value rules that
// need the data (ids that must exist, ranges, cross-field rules) live with the endpoints and mostly answer 422.

export function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function has(body: JsonObject, key: string): boolean {
	return Object.prototype.hasOwnProperty.call(body, key);
}

const path = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

export function expectObject(value: unknown, label: string): JsonObject {
	if (!isObject(value)) throw badRequest(`${label} must be a JSON object.`);
	return value;
}

/** 400 for the first key of `body` not in `allowed`; `explain` may give a more specific reason for a key. */
export function rejectUnknownKeys(
	body: JsonObject,
	allowed: readonly string[],
	parent: string,
	explain: (key: string) => string | undefined = () => undefined,
): void {
	for (const key of Object.keys(body)) {
		if (allowed.includes(key)) continue;
		throw badRequest(explain(key) ?? `Unknown field '${path(parent, key)}'. Allowed fields: ${allowed.join(', ')}.`);
	}
}

interface StringRules {
	required?: boolean;
	nullable?: boolean;
	minLength?: number;
}

export function readString(body: JsonObject, key: string, parent: string, rules: StringRules = {}): string | null | undefined {
	const name = path(parent, key);
	if (!has(body, key)) {
		if (rules.required) throw badRequest(`The '${name}' field is required.`);
		return undefined;
	}
	const value = body[key];
	if (value === null) {
		if (rules.nullable) return null;
		throw badRequest(`The '${name}' field must be a string; omit it instead of sending null.`);
	}
	if (typeof value !== 'string') throw badRequest(`The '${name}' field must be a string.`);
	if (rules.minLength !== undefined && value.length < rules.minLength) {
		throw badRequest(`The '${name}' field must be at least ${rules.minLength} character(s) long.`);
	}
	return value;
}

export function readRequiredString(body: JsonObject, key: string, parent: string): string {
	return readString(body, key, parent, { required: true, minLength: 1 }) as string;
}

export function readBoolean(body: JsonObject, key: string, parent: string, required = false): boolean | undefined {
	const name = path(parent, key);
	if (!has(body, key)) {
		if (required) throw badRequest(`The '${name}' field is required.`);
		return undefined;
	}
	if (typeof body[key] !== 'boolean') throw badRequest(`The '${name}' field must be a boolean.`);
	return body[key] as boolean;
}

export function readNumber(body: JsonObject, key: string, parent: string): number | undefined {
	if (!has(body, key)) return undefined;
	const value = body[key];
	if (typeof value !== 'number' || !Number.isFinite(value)) {
		throw badRequest(`The '${path(parent, key)}' field must be a number.`);
	}
	return value;
}

export function readInteger(body: JsonObject, key: string, parent: string): number | undefined {
	const value = readNumber(body, key, parent);
	if (value !== undefined && !Number.isInteger(value)) {
		throw badRequest(`The '${path(parent, key)}' field must be an integer.`);
	}
	return value;
}

export function readStringArray(
	body: JsonObject,
	key: string,
	parent: string,
	rules: { minItems?: number } = {},
): string[] | undefined {
	const name = path(parent, key);
	if (!has(body, key)) return undefined;
	const value = body[key];
	if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
		throw badRequest(`The '${name}' field must be an array of strings.`);
	}
	if (rules.minItems !== undefined && value.length < rules.minItems) {
		throw badRequest(`The '${name}' field must contain at least ${rules.minItems} entr${rules.minItems === 1 ? 'y' : 'ies'}.`);
	}
	return value as string[];
}

/** An object whose values all pass `check` (e.g. map<string,string>); null is rejected unless `nullable`. */
function readMap<V>(
	body: JsonObject,
	key: string,
	parent: string,
	check: (value: unknown) => value is V,
	valueKind: string,
): Record<string, V> | undefined {
	const name = path(parent, key);
	if (!has(body, key)) return undefined;
	const value = body[key];
	if (value === null) throw badRequest(`The '${name}' field must be an object; omit it instead of sending null.`);
	if (!isObject(value) || !Object.values(value).every(check)) {
		throw badRequest(`The '${name}' field must be an object whose values are ${valueKind}.`);
	}
	return value as Record<string, V>;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function readStringMap(body: JsonObject, key: string, parent: string): StringMap | undefined {
	return readMap(body, key, parent, isString, 'strings');
}

export function readNumberMap(body: JsonObject, key: string, parent: string): Record<string, number> | undefined {
	return readMap(body, key, parent, isFiniteNumber, 'numbers');
}

export function readObject(body: JsonObject, key: string, parent: string, required = false): JsonObject | undefined {
	const name = path(parent, key);
	if (!has(body, key)) {
		if (required) throw badRequest(`The '${name}' field is required.`);
		return undefined;
	}
	if (!isObject(body[key])) throw badRequest(`The '${name}' field must be a JSON object.`);
	return body[key] as JsonObject;
}

export function readEnum<T extends string>(
	body: JsonObject,
	key: string,
	parent: string,
	allowed: readonly T[],
	required = false,
): T | undefined {
	const name = path(parent, key);
	if (!has(body, key)) {
		if (required) throw badRequest(`The '${name}' field is required. Allowed values: ${allowed.join(', ')}.`);
		return undefined;
	}
	const value = requestEnum(body[key], allowed);
	if (!value) {
		throw badRequest(`The '${name}' field must be one of ${allowed.join(', ')}; got ${JSON.stringify(body[key])}.`);
	}
	return value;
}

// RFC 3339 date-time, as OpenAPI's `date-time` format requires (a 'T', seconds and an offset or 'Z').
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** A date-time field as epoch milliseconds. */
export function readDateTime(body: JsonObject, key: string, parent: string): number | undefined {
	if (!has(body, key)) return undefined;
	const value = body[key];
	const ms = typeof value === 'string' && DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
	if (Number.isNaN(ms)) {
		throw badRequest(`The '${path(parent, key)}' field must be an ISO 8601 date-time such as 2026-03-01T00:00:00Z.`);
	}
	return ms;
}

/** A query parameter that must not exceed `max` characters (name filters). */
export function readQueryText(query: URLSearchParams, key: string, max = 255): string | undefined {
	const value = query.get(key);
	if (value === null) return undefined;
	if (value.length > max) {
		throw badRequest(`Query parameter '${key}' must be at most ${max} characters long; got ${value.length}.`);
	}
	return value;
}
