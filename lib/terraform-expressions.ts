/**
 * Reads the Terraform expressions cdktf writes (`"… ${aws_instance.x.id} …"`, `${jsonencode({…})}`):
 * templates with interpolations and `$${` escapes, references with attribute and index steps,
 * tuples, objects, numbers, `true`/`false`/`null`, and the functions the lab's outputs use.
 *  - Evaluated ({@link evaluateTemplate}, {@link evaluateValue}) once every reference has a value:
 *    anything else throws {@link UnevaluableExpression} naming it — a caller says what it could not
 *    evaluate, it never guesses.
 *  - Read leniently ({@link readHclValue}): every reference, function call or other expression is
 *    one marker for a value only Terraform knows, and the literal structure around it is kept.
 */

/** Thrown for an expression outside what this evaluator knows (or a reference without a value). */
export class UnevaluableExpression extends Error {}

/** A reference's value, by its parts (`aws_instance.x.arn` → `['aws_instance', 'x', 'arn']`). */
export type ResolveReference = (parts: readonly string[]) => unknown;

const FUNCTIONS: Readonly<Record<string, (...args: unknown[]) => unknown>> = {
  element: (list, index) => {
    if (!Array.isArray(list) || list.length === 0) throw new UnevaluableExpression('element() of an empty or non-list');
    return list[Number(index) % list.length];
  },
  split: (separator, text) => String(text).split(String(separator)),
  join: (separator, list) => (list as unknown[]).map(String).join(String(separator)),
  concat: (...lists) => (lists as unknown[][]).flat(),
  nonsensitive: (value) => value,
  tostring: (value) => String(value),
  lower: (value) => String(value).toLowerCase(),
  upper: (value) => String(value).toUpperCase(),
  jsonencode: (value) => JSON.stringify(value),
  jsondecode: (value) => JSON.parse(String(value)),
};

/** A string as cdktf writes it: literal text with `${…}` interpolations, `$${` for a literal `${`. */
export function evaluateTemplate(text: string, resolve: ResolveReference): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 2;
    } else if (text.startsWith('${', i)) {
      const parser = new Parser(text, i + 2, resolve);
      const value = parser.expression();
      parser.expect('}');
      out += typeof value === 'string' ? value : JSON.stringify(value);
      i = parser.at - 1;
    } else out += text[i];
  }
  return out;
}

/** Every string inside a synthesized value (objects, lists) evaluated as a template. */
export function evaluateValue(value: unknown, resolve: ResolveReference): unknown {
  if (typeof value === 'string') {
    // A value that is one interpolation keeps its type (a list stays a list).
    if (value.startsWith('${')) {
      const parser = new Parser(value, 2, resolve);
      const result = parser.expression();
      parser.expect('}');
      if (parser.at === value.length) return result;
    }
    return evaluateTemplate(value, resolve);
  }
  if (Array.isArray(value)) return value.map((item) => evaluateValue(item, resolve));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, evaluateValue(item, resolve)]));
  return value;
}

/**
 * An HCL value as literal structure (objects, tuples, strings) with `unknown` standing for every
 * expression Terraform evaluates (an interpolation inside a string makes the string hold it).
 */
export function readHclValue(text: string, unknown: string): unknown {
  const parser = new Parser(text, 0, () => unknown, unknown);
  return parser.expression();
}

class Parser {
  constructor(
    readonly text: string,
    public at: number,
    private readonly resolve: ResolveReference,
    /** Lenient reading: what any expression that is not a literal reads as. */
    private readonly unknown?: string,
  ) {}

  expect(char: string): void {
    this.space();
    if (this.text[this.at] !== char)
      throw new UnevaluableExpression(`expected "${char}" at ${this.at} in ${JSON.stringify(this.text)}`);
    this.at++;
  }

  expression(): unknown {
    const value = this.primary();
    if (this.unknown === undefined) return value;
    // Lenient: an operator or a conditional after the first operand makes the whole expression unknown.
    this.space();
    const next = this.text[this.at];
    return next === undefined || ',}])'.includes(next) ? value : this.restOfExpression(this.unknown);
  }

  private primary(): unknown {
    this.space();
    const char = this.text[this.at];
    if (char === '"') return this.string();
    if (char === '[') return this.tuple();
    if (char === '{') return this.object();
    if (/[0-9]/.test(char ?? '')) return this.number();
    if (/[A-Za-z_]/.test(char ?? '')) return this.identifierExpression();
    if (this.unknown !== undefined) return this.restOfExpression(this.unknown);
    throw new UnevaluableExpression(`unexpected "${char ?? 'end'}" in ${JSON.stringify(this.text)}`);
  }

  /**
   * Lenient reading: the rest of an expression (an operator, a conditional, a call's arguments)
   * up to the next `,`, `}`, `]` or `)` at this depth, or an object's `=`, read as `value`.
   */
  private restOfExpression(value: string): string {
    let depth = 0;
    for (; this.at < this.text.length; this.at++) {
      const char = this.text[this.at];
      if (char === '"') this.at = endOfString(this.text, this.at);
      else if ('([{'.includes(char)) depth++;
      else if (')]}'.includes(char)) {
        if (depth === 0) break;
        depth--;
      } else if (char === ',' && depth === 0) break;
      else if ((char === '=' || char === ':') && depth === 0 && this.text[this.at + 1] !== '=') break;
    }
    return value;
  }

  private string(): string {
    let out = '';
    for (this.at++; this.at < this.text.length; this.at++) {
      const char = this.text[this.at];
      if (char === '"') {
        this.at++;
        return out;
      }
      if (char === '\\') out += JSON.parse(`"${char}${this.text[++this.at]}"`);
      else if (this.text.startsWith('$${', this.at)) {
        out += '${';
        this.at += 2;
      } else if (this.text.startsWith('${', this.at)) {
        this.at += 2;
        const value = this.expression();
        this.expect('}');
        this.at--;
        out += typeof value === 'string' ? value : JSON.stringify(value);
      } else out += char;
    }
    throw new UnevaluableExpression(`unclosed string in ${JSON.stringify(this.text)}`);
  }

  private tuple(): unknown[] {
    const items: unknown[] = [];
    this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] === ']') {
        this.at++;
        return items;
      }
      items.push(this.expression());
      this.space();
      if (this.text[this.at] === ',') this.at++;
    }
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] === '}') {
        this.at++;
        return result;
      }
      const key = this.text[this.at] === '"' ? this.string() : this.identifier();
      this.space();
      if (this.text[this.at] !== '=' && this.text[this.at] !== ':')
        throw new UnevaluableExpression(`expected = in an object in ${JSON.stringify(this.text)}`);
      this.at++;
      result[key] = this.expression();
      this.space();
      if (this.text[this.at] === ',') this.at++;
    }
  }

  private number(): number {
    const match = /^[0-9]+(\.[0-9]+)?/.exec(this.text.slice(this.at))!;
    this.at += match[0].length;
    return Number(match[0]);
  }

  private identifier(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.at));
    if (!match) throw new UnevaluableExpression(`expected a name in ${JSON.stringify(this.text)}`);
    this.at += match[0].length;
    return match[0];
  }

  private identifierExpression(): unknown {
    const name = this.identifier();
    this.space();
    if (this.text[this.at] === '(') {
      this.at++;
      const args: unknown[] = [];
      for (;;) {
        this.space();
        if (this.text[this.at] === ')') {
          this.at++;
          break;
        }
        args.push(this.expression());
        this.space();
        if (this.text[this.at] === ',') this.at++;
      }
      if (this.unknown !== undefined) return this.restOfExpression(this.unknown);
      const fn = FUNCTIONS[name];
      if (!fn) throw new UnevaluableExpression(`the function ${name}() is not one the review evaluates`);
      return fn(...args);
    }
    if (name === 'true') return true;
    if (name === 'false') return false;
    if (name === 'null') return null;
    const parts = [name];
    const indexes: unknown[] = [];
    for (;;) {
      if (this.text[this.at] === '.' && /[A-Za-z_]/.test(this.text[this.at + 1] ?? '')) {
        this.at++;
        if (indexes.length > 0) throw new UnevaluableExpression('an attribute after an index is not evaluated');
        parts.push(this.identifier());
      } else if (this.text[this.at] === '[') {
        this.at++;
        indexes.push(this.expression());
        this.expect(']');
      } else break;
    }
    if (this.unknown !== undefined) return this.restOfExpression(this.unknown);
    let value = this.resolve(parts);
    if (value === undefined) throw new UnevaluableExpression(`no value for ${parts.join('.')}`);
    for (const index of indexes) value = (value as Record<string, unknown>)[String(index)];
    return value;
  }

  space(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at++;
  }
}

/** The index of the `"` that closes the string opened at `opening` (or the text's length), past escapes. */
export function endOfString(text: string, opening: number): number {
  let i = opening + 1;
  for (; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
  return i;
}
