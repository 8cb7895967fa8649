// The SQL-like filter of POST /v2/spans and of tasks' query_filter. No source documents a
// grammar; the sandbox accepts the operators the sources show and nothing else:
//
//   filter     := or
//   or         := and ( OR and )*
//   and        := unary ( AND unary )*
//   unary      := NOT unary | '(' or ')' | condition
//   condition  := column ( op value | IS [NOT] NULL | [NOT] IN '(' value (',' value)* ')'
//                         | [NOT] LIKE string | [NOT] CONTAINS string )
//   op         := = | != | <> | < | <= | > | >=
//   column     := segment ( '.' segment )*      segment := name | "double-quoted name"
//   value      := 'single-quoted string' | number | TRUE | FALSE
//
// Keywords are case-insensitive. A bare segment is letters, digits and '_', starting with a letter or '_' (a segment
// after a '.' may also be a plain number, as in a list index); anything else, such as an eval name with spaces, '-', '&' or parentheses,
// goes in double quotes: eval."Answer Correctness (v2)".label. Inside quotes, '' and "" stand for one quote.
// A condition on a missing value is false (so NOT makes it true); LIKE uses % and _ and is case-sensitive.

export class FilterError extends Error {}

type Literal = string | number | boolean;
type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type FilterExpr =
	| { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
	| { kind: 'not'; operand: FilterExpr }
	| { kind: 'compare'; column: string[]; op: CompareOp; value: Literal }
	| { kind: 'null'; column: string[]; negated: boolean }
	| { kind: 'in'; column: string[]; values: Literal[]; negated: boolean }
	| { kind: 'like' | 'contains'; column: string[]; pattern: string; negated: boolean };

/** Reads a column for one record; throws FilterError for a column that cannot exist, undefined for a missing value. */
export type ColumnResolver = (column: string[]) => unknown;

type TokenKind = 'name' | 'quoted' | 'string' | 'number' | 'op' | '.' | '(' | ')' | ',' | 'end';

interface Token {
	kind: TokenKind;
	text: string;
	/** 1-based character position in the filter. */
	at: number;
}

const OPERATORS = ['!=', '<>', '<=', '>=', '=', '<', '>'];
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'LIKE', 'CONTAINS', 'TRUE', 'FALSE']);
const EXPECTED_OPERATOR = 'an operator (=, !=, <, <=, >, >=, IS [NOT] NULL, [NOT] IN, [NOT] LIKE, [NOT] CONTAINS)';

function fail(message: string, at: number, hint = ''): never {
	throw new FilterError(`${message} at character ${at}${hint}`);
}

function readQuoted(text: string, start: number, quote: string): { value: string; end: number } {
	let value = '';
	let i = start + 1;
	for (;;) {
		if (i >= text.length) fail(`unterminated ${quote === "'" ? 'string' : 'quoted name'} starting`, start + 1);
		if (text[i] === quote) {
			if (text[i + 1] !== quote) return { value, end: i + 1 };
			i += 1;
		}
		value += text[i];
		i += 1;
	}
}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const char = text[i];
		const at = i + 1;
		if (/\s/.test(char)) {
			i += 1;
		} else if (char === "'" || char === '"') {
			const { value, end } = readQuoted(text, i, char);
			tokens.push({ kind: char === "'" ? 'string' : 'quoted', text: value, at });
			i = end;
		} else if (/[0-9]/.test(char) || (char === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
			const match = /^-?\d+(\.\d+)?/.exec(text.slice(i))!;
			tokens.push({ kind: 'number', text: match[0], at });
			i += match[0].length;
		} else if (/[A-Za-z_]/.test(char)) {
			const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
			tokens.push({ kind: 'name', text: match[0], at });
			i += match[0].length;
		} else if ('.(),'.includes(char)) {
			tokens.push({ kind: char as TokenKind, text: char, at });
			i += 1;
		} else {
			const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
			if (!op) fail(`unexpected character '${char}'`, at);
			tokens.push({ kind: 'op', text: op, at });
			i += op.length;
		}
	}
	tokens.push({ kind: 'end', text: '', at: text.length + 1 });
	return tokens;
}

const describe = (token: Token) => (token.kind === 'end' ? 'the end of the filter' : `'${token.text}'`);

/** A column as the filter would spell it, quoting segments that need it. */
export function columnText(column: string[]): string {
	return column.map((segment) => (/^[A-Za-z0-9_]+$/.test(segment) ? segment : `"${segment.replace(/"/g, '""')}"`)).join('.');
}

class Parser {
	#tokens: Token[];
	#index = 0;

	constructor(text: string) {
		this.#tokens = tokenize(text);
	}

	parse(): FilterExpr {
		const expr = this.#or();
		const next = this.#peek();
		if (next.kind !== 'end') {
			fail(`expected AND, OR or the end of the filter, found ${describe(next)}`, next.at);
		}
		return expr;
	}

	#peek(): Token {
		return this.#tokens[this.#index];
	}

	#next(): Token {
		return this.#tokens[this.#index++];
	}

	#keyword(word: string): boolean {
		const token = this.#peek();
		if (token.kind === 'name' && token.text.toUpperCase() === word) {
			this.#index += 1;
			return true;
		}
		return false;
	}

	#expect(kind: TokenKind, what: string): Token {
		const token = this.#next();
		if (token.kind !== kind) fail(`expected ${what}, found ${describe(token)}`, token.at);
		return token;
	}

	#or(): FilterExpr {
		let left = this.#and();
		while (this.#keyword('OR')) left = { kind: 'or', left, right: this.#and() };
		return left;
	}

	#and(): FilterExpr {
		let left = this.#unary();
		while (this.#keyword('AND')) left = { kind: 'and', left, right: this.#unary() };
		return left;
	}

	#unary(): FilterExpr {
		if (this.#keyword('NOT')) return { kind: 'not', operand: this.#unary() };
		if (this.#peek().kind === '(') {
			this.#next();
			const inner = this.#or();
			this.#expect(')', "')'");
			return inner;
		}
		return this.#condition();
	}

	#column(): string[] {
		const first = this.#next();
		const isSegment = (token: Token) =>
			token.kind === 'quoted' || (token.kind === 'name' && !KEYWORDS.has(token.text.toUpperCase()));
		if (!isSegment(first)) fail(`expected a column name, found ${describe(first)}`, first.at);
		const column = [first.text];
		while (this.#peek().kind === '.') {
			this.#next();
			const segment = this.#next();
			if (!isSegment(segment) && !(segment.kind === 'number' && /^\d+$/.test(segment.text))) {
				fail(`expected a name after '${columnText(column)}.', found ${describe(segment)}`, segment.at);
			}
			column.push(segment.text);
		}
		return column;
	}

	#condition(): FilterExpr {
		const column = this.#column();
		const token = this.#peek();
		if (token.kind === 'op') {
			this.#next();
			const op = (token.text === '<>' ? '!=' : token.text) as CompareOp;
			return { kind: 'compare', column, op, value: this.#literal(`a value after '${token.text}'`) };
		}
		if (this.#keyword('IS')) {
			const negated = this.#keyword('NOT');
			if (!this.#keyword('NULL')) fail(`expected NULL after IS${negated ? ' NOT' : ''}, found ${describe(this.#peek())}`, this.#peek().at);
			return { kind: 'null', column, negated };
		}
		const negated = this.#keyword('NOT');
		if (this.#keyword('IN')) {
			this.#expect('(', "'(' after IN");
			const values = [this.#literal('a value in the IN list')];
			while (this.#peek().kind === ',') {
				this.#next();
				values.push(this.#literal('a value in the IN list'));
			}
			this.#expect(')', "',' or ')' in the IN list");
			return { kind: 'in', column, values, negated };
		}
		for (const kind of ['like', 'contains'] as const) {
			if (this.#keyword(kind.toUpperCase())) {
				const pattern = this.#expect('string', `a quoted string after ${kind.toUpperCase()}`).text;
				return { kind, column, pattern, negated };
			}
		}
		const found = this.#peek();
		const hint =
			found.kind === 'name' || found.kind === 'number'
				? '. Names with spaces or symbols go in double quotes, e.g. eval."Answer Correctness".label'
				: '';
		return fail(`expected ${EXPECTED_OPERATOR} after ${columnText(column)}, found ${describe(found)}`, found.at, hint);
	}

	#literal(what: string): Literal {
		const token = this.#next();
		if (token.kind === 'string') return token.text;
		if (token.kind === 'number') return Number(token.text);
		if (token.kind === 'name' && ['TRUE', 'FALSE'].includes(token.text.toUpperCase())) {
			return token.text.toUpperCase() === 'TRUE';
		}
		const hint = token.kind === 'quoted' ? '. Strings take single quotes; double quotes are for names' : '';
		return fail(`expected ${what}, found ${describe(token)}`, token.at, hint);
	}
}

/** Parses a filter; throws FilterError whose message names the problem and where it is. */
export function parseFilter(text: string): FilterExpr {
	return new Parser(text).parse();
}

function columnsOf(expr: FilterExpr): string[][] {
	switch (expr.kind) {
		case 'and':
		case 'or':
			return [...columnsOf(expr.left), ...columnsOf(expr.right)];
		case 'not':
			return columnsOf(expr.operand);
		default:
			return [expr.column];
	}
}

/** Throws FilterError for the first column `resolve` does not know (resolvers throw for impossible columns). */
export function checkColumns(expr: FilterExpr, resolve: ColumnResolver): void {
	for (const column of columnsOf(expr)) resolve(column);
}

function compare(actual: unknown, op: CompareOp, expected: Literal): boolean {
	if (actual === null || actual === undefined) return false;
	let left: string | number | boolean;
	if (typeof expected === 'number') {
		left = typeof actual === 'number' ? actual : typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : Number.NaN;
		if (Number.isNaN(left)) return false;
	} else if (typeof expected === 'boolean') {
		if (typeof actual !== 'boolean') return false;
		if (op !== '=' && op !== '!=') return false;
		left = actual;
	} else {
		if (typeof actual === 'object') return false;
		left = String(actual);
	}
	switch (op) {
		case '=':
			return left === expected;
		case '!=':
			return left !== expected;
		case '<':
			return left < expected;
		case '<=':
			return left <= expected;
		case '>':
			return left > expected;
		case '>=':
			return left >= expected;
	}
}

function likePattern(pattern: string): RegExp {
	const body = [...pattern]
		.map((char) => (char === '%' ? '.*' : char === '_' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
		.join('');
	return new RegExp(`^${body}$`, 's');
}

/** Whether a record (seen through `resolve`) passes the filter. */
export function matches(expr: FilterExpr, resolve: ColumnResolver): boolean {
	switch (expr.kind) {
		case 'and':
			return matches(expr.left, resolve) && matches(expr.right, resolve);
		case 'or':
			return matches(expr.left, resolve) || matches(expr.right, resolve);
		case 'not':
			return !matches(expr.operand, resolve);
		case 'compare':
			return compare(resolve(expr.column), expr.op, expr.value);
		case 'null': {
			const value = resolve(expr.column);
			return (value === null || value === undefined) !== expr.negated;
		}
		case 'in': {
			const value = resolve(expr.column);
			if (value === null || value === undefined) return false;
			return expr.values.some((candidate) => compare(value, '=', candidate)) !== expr.negated;
		}
		case 'like':
		case 'contains': {
			const value = resolve(expr.column);
			if (typeof value !== 'string') return false;
			const found = expr.kind === 'like' ? likePattern(expr.pattern).test(value) : value.includes(expr.pattern);
			return found !== expr.negated;
		}
	}
}
