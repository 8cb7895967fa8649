import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

// Arize's published spec as JSON Schema, made at test time from the types `@arizeai/ax-client` ships
// (`dist/src/__generated__/api/v2.d.ts`, written by openapi-typescript from Arize's OpenAPI document). Only the
// TypeScript parser is used, no type checker: openapi-typescript writes a small, regular subset of TypeScript
// (object literals, unions, intersections, literals, arrays, Record, Omit, and components["schemas"]["X"] references),
// and each construct maps onto JSON Schema as TypeScript means it, with one tightening: an object literal without an
// index signature admits no other keys (additionalProperties: false), so an extra field is caught as a missing one is.

// The package's exports map hides its dist folder from require.resolve, so the file is found from the repository root.
export const SPEC_TYPES_PATH = join(__dirname, '../../node_modules/@arizeai/ax-client/dist/src/__generated__/api/v2.d.ts');

export type JsonSchema = { [key: string]: unknown };

/** Where an operation's schemas are found in `definitions` (keys `op.<operationId>.…`). */
export interface SpecOperation {
	id: string;
	method: string;
	/** e.g. '/v2/tasks/{task_id}' */
	path: string;
	/** Status → definition key of the body schema, or null when the answer has no body (204). */
	responses: Record<string, string | null>;
	/** Definition key of the JSON request body, if the operation takes one. */
	requestBody?: string;
	/** Definition key of the query parameters (an object of the declared parameters), if any. */
	query?: string;
}

export interface Spec {
	definitions: Record<string, JsonSchema>;
	operations: SpecOperation[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

function propertyName(name: ts.PropertyName): string {
	if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
	throw new Error(`Unsupported property name: ${name.getText()}`);
}

function members(node: ts.Node | undefined): Map<string, ts.PropertySignature> {
	const result = new Map<string, ts.PropertySignature>();
	const list = node && (ts.isInterfaceDeclaration(node) || ts.isTypeLiteralNode(node)) ? node.members : [];
	for (const member of list) {
		if (ts.isPropertySignature(member)) result.set(propertyName(member.name), member);
	}
	return result;
}

/** components["group"]["Name"] → ['group', 'Name']; operations["id"] → ['operations', 'id']. */
function referencePath(node: ts.TypeNode): string[] | undefined {
	const path: string[] = [];
	let current: ts.TypeNode = node;
	while (ts.isIndexedAccessTypeNode(current)) {
		const index = current.indexType;
		if (!ts.isLiteralTypeNode(index) || !ts.isStringLiteral(index.literal)) return undefined;
		path.unshift(index.literal.text);
		current = current.objectType;
	}
	if (!ts.isTypeReferenceNode(current) || !ts.isIdentifier(current.typeName)) return undefined;
	path.unshift(current.typeName.text);
	return path.length > 1 ? path : undefined;
}

class Converter {
	readonly definitions: Record<string, JsonSchema> = {};
	private readonly components: Map<string, Map<string, ts.PropertySignature>>;

	constructor(componentsNode: ts.InterfaceDeclaration) {
		this.components = new Map(
			[...members(componentsNode)].map(([group, member]) => [group, members(member.type)]),
		);
	}

	/** The declaration a components["group"]["Name"] reference points at. */
	component(path: string[]): ts.TypeNode {
		const [root, group, name] = path;
		const member = root === 'components' ? this.components.get(group)?.get(name) : undefined;
		if (!member?.type) throw new Error(`Unresolved reference ${path.join('.')}`);
		return member.type;
	}

	/** Follows references until a type literal (or any non-reference type) is reached. */
	deref(node: ts.TypeNode): ts.TypeNode {
		const path = referencePath(node);
		return path && path[0] === 'components' ? this.deref(this.component(path)) : node;
	}

	schemaRef(name: string): JsonSchema {
		if (!(name in this.definitions)) {
			this.definitions[name] = {}; // placeholder while converting: references may be recursive
			this.definitions[name] = this.convert(this.component(['components', 'schemas', name]));
		}
		return { $ref: `#/definitions/${name}` };
	}

	convert(node: ts.TypeNode): JsonSchema {
		switch (node.kind) {
			case ts.SyntaxKind.StringKeyword:
				return { type: 'string' };
			case ts.SyntaxKind.NumberKeyword:
				return { type: 'number' };
			case ts.SyntaxKind.BooleanKeyword:
				return { type: 'boolean' };
			case ts.SyntaxKind.UnknownKeyword:
			case ts.SyntaxKind.AnyKeyword:
				return {};
			case ts.SyntaxKind.NeverKeyword:
				return { not: {} };
		}
		if (ts.isParenthesizedTypeNode(node)) return this.convert(node.type);
		if (ts.isTypeOperatorNode(node)) return this.convert(node.type); // readonly T[]
		if (ts.isLiteralTypeNode(node)) {
			const literal = node.literal;
			if (literal.kind === ts.SyntaxKind.NullKeyword) return { type: 'null' };
			if (literal.kind === ts.SyntaxKind.TrueKeyword) return { const: true };
			if (literal.kind === ts.SyntaxKind.FalseKeyword) return { const: false };
			if (ts.isStringLiteral(literal)) return { const: literal.text };
			if (ts.isNumericLiteral(literal)) return { const: Number(literal.text) };
			if (ts.isPrefixUnaryExpression(literal) && ts.isNumericLiteral(literal.operand)) return { const: -Number(literal.operand.text) };
		}
		if (ts.isArrayTypeNode(node)) return { type: 'array', items: this.convert(node.elementType) };
		if (ts.isTupleTypeNode(node)) {
			const items = node.elements.map((element) => this.convert(ts.isNamedTupleMember(element) ? element.type : element));
			return { type: 'array', items, minItems: items.length, maxItems: items.length };
		}
		if (ts.isUnionTypeNode(node)) {
			const branches = node.types.map((type) => this.convert(type));
			if (branches.every((branch) => 'const' in branch && typeof branch.const === 'string')) {
				return { type: 'string', enum: branches.map((branch) => branch.const) };
			}
			return { anyOf: branches };
		}
		if (ts.isIntersectionTypeNode(node)) return { allOf: node.types.map((type) => this.convert(type)) };
		if (ts.isTypeLiteralNode(node)) return this.objectLiteral(node);
		const path = referencePath(node);
		if (path) {
			if (path[0] === 'components' && path[1] === 'schemas' && path.length === 3) return this.schemaRef(path[2]);
			if (path[0] === 'components') return this.convert(this.component(path));
		}
		if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
			const args = node.typeArguments ?? [];
			if (node.typeName.text === 'Record' && args.length === 2) {
				const values = this.convert(args[1]);
				return args[1].kind === ts.SyntaxKind.NeverKeyword
					? { type: 'object', maxProperties: 0 }
					: { type: 'object', additionalProperties: values };
			}
			if (node.typeName.text === 'Omit' && args.length === 2) {
				const keys = this.convert(args[1]);
				const omitted = (keys.enum as string[] | undefined) ?? [keys.const as string];
				return { 'x-omit': omitted, 'x-of': this.convert(args[0]) };
			}
		}
		throw new Error(`Unsupported type in the spec: ${node.getText()}`);
	}

	objectLiteral(node: ts.TypeLiteralNode): JsonSchema {
		const properties: Record<string, JsonSchema> = {};
		const required: string[] = [];
		let additional: JsonSchema | false = false;
		for (const member of node.members) {
			if (ts.isPropertySignature(member) && member.type) {
				const name = propertyName(member.name);
				// `key?: never` is openapi-typescript's way of saying the key does not exist.
				if (member.type.kind === ts.SyntaxKind.NeverKeyword) continue;
				properties[name] = this.convert(member.type);
				if (!member.questionToken) required.push(name);
			} else if (ts.isIndexSignatureDeclaration(member) && member.type) {
				additional = this.convert(member.type);
			}
		}
		const schema: JsonSchema = { type: 'object', properties, additionalProperties: additional };
		if (required.length) schema.required = required;
		return schema;
	}
}

// ---- Intersections and Omit, resolved into plain object schemas once every definition exists ----

function isObjectSchema(schema: JsonSchema): boolean {
	return schema.type === 'object' && !('maxProperties' in schema);
}

/** The alternatives a schema stands for, each a plain object schema (or the schema itself when it is not an object). */
function alternatives(schema: JsonSchema, definitions: Record<string, JsonSchema>, seen: Set<string> = new Set()): JsonSchema[] {
	if (typeof schema.$ref === 'string') {
		const name = schema.$ref.slice('#/definitions/'.length);
		if (seen.has(name)) throw new Error(`Recursive intersection through ${name}`);
		return alternatives(definitions[name], definitions, new Set(seen).add(name));
	}
	if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).flatMap((branch) => alternatives(branch, definitions, seen));
	if (Array.isArray(schema.allOf)) {
		let product: JsonSchema[] = [{}];
		for (const part of schema.allOf as JsonSchema[]) {
			const options = alternatives(part, definitions, seen);
			product = product.flatMap((left) => options.map((right) => mergeObjects(left, right)));
		}
		return product;
	}
	if ('x-omit' in schema) {
		const omitted = schema['x-omit'] as string[];
		return alternatives(schema['x-of'] as JsonSchema, definitions, seen).map((object) => ({
			...object,
			required: ((object.required as string[] | undefined) ?? []).filter((key) => !omitted.includes(key)),
		}));
	}
	return [schema];
}

function mergeObjects(left: JsonSchema, right: JsonSchema): JsonSchema {
	if (Object.keys(left).length === 0) return right;
	if (Object.keys(right).length === 0) return left;
	// Marked final: resolveIntersections must not resolve this pair again.
	if (!isObjectSchema(left) || !isObjectSchema(right)) return { allOf: [left, right], 'x-final': true };
	const properties: Record<string, JsonSchema> = { ...((left.properties as Record<string, JsonSchema>) ?? {}) };
	for (const [key, value] of Object.entries((right.properties as Record<string, JsonSchema>) ?? {})) {
		properties[key] = key in properties && JSON.stringify(properties[key]) !== JSON.stringify(value) ? { allOf: [properties[key], value] } : value;
	}
	const required = [...new Set([...((left.required as string[]) ?? []), ...((right.required as string[]) ?? [])])];
	// TypeScript: {a} & {[key: string]: unknown} admits other keys; two closed literals admit only their union of keys.
	const open = [left.additionalProperties, right.additionalProperties].find((value) => value !== false);
	return { type: 'object', properties, required, additionalProperties: open ?? false };
}

/** Replaces every allOf / x-omit in the tree by the object schemas it stands for. */
function resolveIntersections(schema: unknown, definitions: Record<string, JsonSchema>): unknown {
	if (Array.isArray(schema)) return schema.map((item) => resolveIntersections(item, definitions));
	if (typeof schema !== 'object' || schema === null) return schema;
	const object = schema as JsonSchema;
	if (object['x-final']) {
		const { 'x-final': _final, ...pair } = object;
		return { allOf: (pair.allOf as JsonSchema[]).map((part) => resolveIntersections(part, definitions)) };
	}
	if (Array.isArray(object.allOf) || 'x-omit' in object) {
		const options = alternatives(object, definitions).map((option) => resolveIntersections(option, definitions) as JsonSchema);
		return options.length === 1 ? options[0] : { anyOf: options };
	}
	return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, resolveIntersections(value, definitions)]));
}

// ---- Operations ----

function bodyOf(converter: Converter, node: ts.TypeNode, definitions: Record<string, JsonSchema>, key: string): string | undefined {
	const content = members(converter.deref(node)).get('content')?.type;
	if (!content) return undefined;
	const [media] = [...members(content).values()];
	if (!media?.type) return undefined;
	definitions[key] = converter.convert(media.type);
	return key;
}

/** Converts the spec once per process (about a second); every recorder and test shares it. */
let cached: Spec | undefined;

export function loadSpec(): Spec {
	if (cached) return cached;
	const source = ts.createSourceFile(SPEC_TYPES_PATH, readFileSync(SPEC_TYPES_PATH, 'utf8'), ts.ScriptTarget.Latest, true);
	const interfaces = new Map<string, ts.InterfaceDeclaration>();
	for (const statement of source.statements) {
		if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, statement);
	}
	const converter = new Converter(interfaces.get('components')!);
	const definitions = converter.definitions;
	const operationNodes = members(interfaces.get('operations'));
	const operations: SpecOperation[] = [];
	for (const [path, pathMember] of members(interfaces.get('paths'))) {
		for (const [method, methodMember] of members(pathMember.type)) {
			if (!METHODS.includes(method) || !methodMember.type || methodMember.type.kind === ts.SyntaxKind.NeverKeyword) continue;
			const id = referencePath(methodMember.type)?.[1];
			const operation = id ? operationNodes.get(id)?.type : undefined;
			if (!id || !operation) throw new Error(`No operation for ${method} ${path}`);
			const parts = members(operation);
			const responses: Record<string, string | null> = {};
			for (const [status, response] of members(parts.get('responses')?.type)) {
				responses[status] = bodyOf(converter, response.type!, definitions, `op.${id}.${status}`) ?? null;
			}
			const requestBody = parts.get('requestBody')?.type;
			const query = members(parts.get('parameters')?.type).get('query')?.type;
			const queryKey = `op.${id}.query`;
			if (query && query.kind !== ts.SyntaxKind.NeverKeyword) {
				definitions[queryKey] = { ...converter.convert(query), additionalProperties: true };
			}
			operations.push({
				id,
				method: method.toUpperCase(),
				path,
				responses,
				requestBody:
					requestBody && requestBody.kind !== ts.SyntaxKind.NeverKeyword
						? bodyOf(converter, requestBody, definitions, `op.${id}.body`)
						: undefined,
				query: queryKey in definitions ? queryKey : undefined,
			});
		}
	}
	for (const [name, schema] of Object.entries(definitions)) {
		definitions[name] = resolveIntersections(schema, definitions) as JsonSchema;
	}
	cached = { definitions, operations };
	return cached;
}
