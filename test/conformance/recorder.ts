import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';

import type { Exchange } from '../../sandbox/index.ts';
import { loadSpec, SPEC_TYPES_PATH } from './spec.ts';
import type { SpecOperation } from './spec.ts';

// Checks exchanges with a sandbox against Arize's published spec: every answer against the schema the operation
// declares for its status, and every request the sandbox accepted (2xx) against the operation's request body and
// query parameters; where only the package sends requests, refused ones too (requestsFromThePackage). The older-docs
// mode (lowercase enums) departs from the spec on purpose and is not checked.

export interface SpecViolation {
	/** e.g. 'GET /v2/tasks/{task_id} → 200' */
	exchange: string;
	part: 'response' | 'request body' | 'query';
	problems: string[];
}

const PROBLEM = 'Problem';

type Validators = Record<string, ValidateFunction>;

interface CompiledSpec {
	operations: SpecOperation[];
	/** Body and answer validators by definition key. */
	validators: Validators;
	/** Query validators (values coerced from strings to the declared types) by definition key. */
	queryValidators: Validators;
}

const CACHE_DIR = join(__dirname, '../../node_modules/.cache/arize-spec');

function standaloneModule(definitions: Record<string, unknown>, keys: string[], coerceTypes: boolean): string {
	const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, coerceTypes, code: { source: true } });
	ajv.addSchema({ $id: 'arize', definitions });
	return standaloneCode(ajv, Object.fromEntries(keys.map((key) => [key, `arize#/definitions/${key}`])));
}

/**
 * Compiling every operation's validators takes seconds; each jest test file would pay it again. They are compiled
 * once into ajv's standalone modules, cached under node_modules/.cache by the hash of the spec and of this code, and
 * loaded by every later suite in milliseconds.
 */
function compiledSpec(): CompiledSpec {
	const hash = createHash('sha256');
	for (const file of [SPEC_TYPES_PATH, join(__dirname, 'spec.ts'), __filename, require.resolve('ajv/package.json')]) hash.update(readFileSync(file));
	const base = join(CACHE_DIR, hash.digest('hex').slice(0, 16));
	const files = { operations: `${base}.operations.json`, validators: `${base}.validators.js`, query: `${base}.query.js` };
	if (!existsSync(files.operations)) {
		const spec = loadSpec();
		const keys = [PROBLEM, ...spec.operations.flatMap((operation) => [...Object.values(operation.responses), operation.requestBody])].filter(
			(key): key is string => typeof key === 'string',
		);
		const queryKeys = spec.operations.flatMap((operation) => (operation.query ? [operation.query] : []));
		mkdirSync(CACHE_DIR, { recursive: true });
		// Written under temporary names and renamed, the operations file last: another jest worker never reads half a file.
		const write = (file: string, text: string) => {
			writeFileSync(`${file}.${process.pid}`, text);
			renameSync(`${file}.${process.pid}`, file);
		};
		write(files.validators, standaloneModule(spec.definitions, [...new Set(keys)], false));
		write(files.query, standaloneModule(spec.definitions, queryKeys, true));
		write(files.operations, JSON.stringify(spec.operations));
		// Modules of an earlier spec or recorder are of no more use (about 4 MB each).
		const current = base.slice(CACHE_DIR.length + 1);
		for (const file of readdirSync(CACHE_DIR)) if (!file.startsWith(current)) rmSync(join(CACHE_DIR, file), { force: true });
	}
	return {
		operations: JSON.parse(readFileSync(files.operations, 'utf8')) as SpecOperation[],
		validators: require(files.validators) as Validators,
		queryValidators: require(files.query) as Validators,
	};
}

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
	const lines = (errors ?? []).map((error) => {
		const extra =
			error.keyword === 'additionalProperties'
				? ` (${(error.params as { additionalProperty: string }).additionalProperty})`
				: error.keyword === 'enum' || error.keyword === 'const'
					? ` (${JSON.stringify(error.params)})`
					: '';
		return `${error.instancePath || '/'} ${error.message}${extra}`;
	});
	return [...new Set(lines)].slice(0, 12);
}

export class SpecRecorder {
	readonly violations: SpecViolation[] = [];
	/** Exchanges checked (routed and outside the older-docs mode). */
	checked = 0;
	/** Routes the sandbox serves that the spec does not have (webhooks: Arize documents them, the client's spec not). */
	readonly unspecified = new Set<string>();
	/** The operations answered 2xx at least once. */
	readonly succeeded = new Set<string>();
	/**
	 * Set where only the package sends requests (the node suites): then every request is held to the spec, also one
	 * the sandbox refused. Where tests send wrong requests on purpose (the sandbox's own suites), only accepted ones.
	 */
	requestsFromThePackage = false;
	private readonly compiled = compiledSpec();
	private readonly operations = new Map<string, SpecOperation>();

	constructor() {
		for (const operation of this.compiled.operations) this.operations.set(`${operation.method} ${operation.path}`, operation);
	}

	/** Query values arrive as strings: a query validator checks them as the types the spec declares ('50' as a number). */
	private validator(key: string, query = false): ValidateFunction {
		const validate = (query ? this.compiled.queryValidators : this.compiled.validators)[key];
		if (!validate) throw new Error(`The spec has no schema ${key}`);
		return validate;
	}

	/** The operation a sandbox route serves, e.g. GET '/v2/tasks/:task_id' → get_task. */
	operationFor(method: string, pattern: string): SpecOperation | undefined {
		return this.operations.get(`${method} ${pattern.replace(/:([a-z_]+)/g, '{$1}')}`);
	}

	/** Checks one exchange; the violations found are returned and kept. */
	check(exchange: Exchange): SpecViolation[] {
		if (exchange.olderDocs) return [];
		const operation = exchange.pattern ? this.operationFor(exchange.method, exchange.pattern) : undefined;
		if (exchange.pattern && !operation) {
			this.unspecified.add(`${exchange.method} ${exchange.pattern}`);
			return [];
		}
		this.checked += 1;
		const name = `${exchange.method} ${operation?.path ?? exchange.path} → ${exchange.status}`;
		const found: SpecViolation[] = [];
		const add = (part: SpecViolation['part'], problems: string[]) => {
			if (problems.length) found.push({ exchange: name, part, problems });
		};
		const declared = operation?.responses[String(exchange.status)];
		const success = exchange.status >= 200 && exchange.status < 300;
		if (operation && success && !(String(exchange.status) in operation.responses)) {
			add('response', [`the spec declares no ${exchange.status} answer for ${operation.id}`]);
		} else if (declared || !success) {
			// An error status the operation does not list (405, a 409 on cancel) still answers a Problem.
			const validate = this.validator(declared ?? PROBLEM);
			if (!validate(exchange.responseBody)) add('response', describeErrors(validate.errors));
		} else if (exchange.responseBody !== undefined) {
			add('response', ['the spec declares no body for this answer']);
		}
		if (operation && success) this.succeeded.add(operation.id);
		if (operation && (success || this.requestsFromThePackage)) {
			if (operation.requestBody && exchange.requestBody !== undefined) {
				const validate = this.validator(operation.requestBody);
				if (!validate(exchange.requestBody)) add('request body', describeErrors(validate.errors));
			}
			if (operation.query) {
				const validate = this.validator(operation.query, true);
				if (!validate({ ...exchange.query })) add('query', describeErrors(validate.errors));
			}
		}
		this.violations.push(...found);
		return found;
	}

	/** Hands over the violations recorded so far and forgets them (a test that provokes one on purpose). */
	take(): SpecViolation[] {
		return this.violations.splice(0);
	}

	report(): string {
		return this.violations
			.map((violation) => `${violation.exchange}, ${violation.part}:\n${violation.problems.map((line) => `    ${line}`).join('\n')}`)
			.join('\n');
	}
}
