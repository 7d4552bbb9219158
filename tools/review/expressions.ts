/**
 * Evaluates the Terraform expressions cdktf writes into strings (`"… ${aws_instance.x.id} …"`) once
 * every reference has a value: templates with interpolations and `$${` escapes, references with
 * attribute and index steps, tuples, objects, numbers, `true`/`false`/`null`, and the functions the
 * lab's outputs use. Anything else throws {@link UnevaluableExpression} naming it: a caller says what
 * it could not evaluate, it never guesses.
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

class Parser {
  constructor(
    readonly text: string,
    public at: number,
    private readonly resolve: ResolveReference,
  ) {}

  expect(char: string): void {
    this.space();
    if (this.text[this.at] !== char)
      throw new UnevaluableExpression(`expected "${char}" at ${this.at} in ${JSON.stringify(this.text)}`);
    this.at++;
  }

  expression(): unknown {
    this.space();
    const char = this.text[this.at];
    let value: unknown;
    if (char === '"') value = this.string();
    else if (char === '[') value = this.tuple();
    else if (char === '{') value = this.object();
    else if (/[0-9]/.test(char ?? '')) value = this.number();
    else if (/[A-Za-z_]/.test(char ?? '')) value = this.identifierExpression();
    else throw new UnevaluableExpression(`unexpected "${char ?? 'end'}" in ${JSON.stringify(this.text)}`);
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
    let value = this.resolve(parts);
    if (value === undefined) throw new UnevaluableExpression(`no value for ${parts.join('.')}`);
    for (const index of indexes) value = (value as Record<string, unknown>)[String(index)];
    return value;
  }

  space(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at++;
  }
}
