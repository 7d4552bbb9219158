/**
 * HCL's expression syntax (hashicorp/hcl, hclsyntax "Expressions"), parsed from the text the HCL
 * parser gives for an attribute: a template (`"x-${count.index}"`, or `${expr}` alone for an
 * expression). The file structure — blocks, attributes, comments, heredocs — is read by the HCL
 * parser itself (configuration.ts); this turns one attribute's text into a tree to evaluate.
 */

export type Expr =
  | { readonly k: 'lit'; readonly v: unknown }
  | { readonly k: 'tpl'; readonly parts: readonly (string | Expr)[]; readonly directive?: boolean }
  | { readonly k: 'name'; readonly name: string }
  | { readonly k: 'attr'; readonly obj: Expr; readonly name: string }
  | { readonly k: 'index'; readonly obj: Expr; readonly key: Expr }
  /** `obj[*].a.b` / `obj.*.a`: `each` applied to every element (`{k:'name', name: SPLAT_ITEM}` stands for it). */
  | { readonly k: 'splat'; readonly obj: Expr; readonly each: Expr }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly expand: boolean }
  | { readonly k: 'tuple'; readonly items: readonly Expr[] }
  | { readonly k: 'object'; readonly items: readonly (readonly [Expr, Expr])[] }
  | { readonly k: 'cond'; readonly c: Expr; readonly t: Expr; readonly f: Expr }
  | { readonly k: 'bin'; readonly op: string; readonly l: Expr; readonly r: Expr }
  | { readonly k: 'un'; readonly op: string; readonly v: Expr }
  | {
      readonly k: 'for';
      readonly keyVar?: string;
      readonly valVar: string;
      readonly coll: Expr;
      readonly keyExpr?: Expr;
      readonly valExpr: Expr;
      readonly cond?: Expr;
      readonly object: boolean;
      readonly group: boolean;
    };

/** The element a splat's `each` is applied to. */
export const SPLAT_ITEM = '\u0000splat';

export class HclSyntaxError extends Error {}

const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

const parsed = new Map<string, Expr>();

/** An attribute's text as the HCL parser gives it (a template), parsed once per distinct text. */
export function parseTemplate(text: string): Expr {
  let tree = parsed.get(text);
  if (!tree) {
    const parser = new Parser(text);
    tree = parser.template(undefined);
    // `${expr}` alone is the expression's own value, not a string.
    if (tree.k === 'tpl' && tree.parts.length === 1 && typeof tree.parts[0] !== 'string' && !tree.directive)
      tree = tree.parts[0];
    parsed.set(text, tree);
  }
  return tree;
}

/** A bare expression (`var.x ? a : b`). */
export function parseExpression(text: string): Expr {
  const parser = new Parser(text);
  const tree = parser.expression();
  parser.skipSpace(true);
  if (!parser.done()) parser.fail('unexpected text after the expression');
  return tree;
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.pos >= this.text.length;
  }

  fail(message: string): never {
    throw new HclSyntaxError(`${message} at ${this.pos} in ${JSON.stringify(this.text.slice(0, 200))}`);
  }

  /** Literal text and `${…}` interpolations until `end` (a quote) or the end of the text. */
  template(end: string | undefined): Expr {
    const parts: (string | Expr)[] = [];
    let literal = '';
    let directive = false;
    while (this.pos < this.text.length) {
      const char = this.text[this.pos];
      if (end !== undefined && char === end) break;
      if ((char === '$' || char === '%') && this.text[this.pos + 1] === char && this.text[this.pos + 2] === '{') {
        literal += `${char}{`; // `$${` and `%%{` are the escaped forms
        this.pos += 3;
        continue;
      }
      if (char === '$' && this.text[this.pos + 1] === '{') {
        if (literal) parts.push(literal);
        literal = '';
        this.pos += 2;
        this.skipMarker('~');
        parts.push(this.expression());
        this.skipSpace(true);
        this.skipMarker('~');
        this.expect('}');
        continue;
      }
      if (char === '%' && this.text[this.pos + 1] === '{') {
        // A template directive (%{ if }, %{ for }): its text is not evaluated, the result is unknown.
        directive = true;
        this.pos = this.text.indexOf('}', this.pos) + 1 || this.text.length;
        continue;
      }
      if (end !== undefined && char === '\\') {
        literal += this.escape();
        continue;
      }
      literal += char;
      this.pos++;
    }
    if (literal || parts.length === 0) parts.push(literal);
    return { k: 'tpl', parts, directive };
  }

  private skipMarker(marker: string): void {
    if (this.text[this.pos] === marker) this.pos++;
    this.skipSpace(true);
  }

  private escape(): string {
    const next = this.text[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
    if (next in simple) return simple[next];
    if (next === 'u' || next === 'U') {
      const length = next === 'u' ? 4 : 8;
      const code = parseInt(this.text.slice(this.pos, this.pos + length), 16);
      this.pos += length;
      return String.fromCodePoint(code);
    }
    return next ?? '';
  }

  /** Blanks and comments; newlines too where `newlines` (inside brackets HCL ignores them). */
  skipSpace(newlines: boolean): void {
    for (;;) {
      const char = this.text[this.pos];
      if (char === ' ' || char === '\t' || char === '\r' || (newlines && char === '\n')) this.pos++;
      else if (char === '#' || (char === '/' && this.text[this.pos + 1] === '/')) {
        while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
      } else if (char === '/' && this.text[this.pos + 1] === '*') {
        const close = this.text.indexOf('*/', this.pos + 2);
        this.pos = close < 0 ? this.text.length : close + 2;
      } else return;
    }
  }

  private peek(token: string): boolean {
    this.skipSpace(true);
    return this.text.startsWith(token, this.pos);
  }

  private eat(token: string): boolean {
    if (!this.peek(token)) return false;
    this.pos += token.length;
    return true;
  }

  private expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected ${token}`);
  }

  expression(): Expr {
    const condition = this.binary(0);
    if (this.peek('?')) {
      this.pos++;
      const whenTrue = this.expression();
      this.expect(':');
      const whenFalse = this.expression();
      return { k: 'cond', c: condition, t: whenTrue, f: whenFalse };
    }
    return condition;
  }

  private binaryOperator(): string | undefined {
    this.skipSpace(true);
    const two = this.text.slice(this.pos, this.pos + 2);
    if (two in BINARY_PRECEDENCE) return two;
    const one = this.text[this.pos];
    // `=>` and `==` are not `=`; `<`/`>` alone are comparisons.
    if (one in BINARY_PRECEDENCE && two !== '=>') return one;
    return undefined;
  }

  private binary(minimum: number): Expr {
    let left = this.unary();
    for (;;) {
      const op = this.binaryOperator();
      if (!op || BINARY_PRECEDENCE[op] <= minimum) return left;
      this.pos += op.length;
      const right = this.binary(BINARY_PRECEDENCE[op]);
      left = { k: 'bin', op, l: left, r: right };
    }
  }

  private unary(): Expr {
    if (this.peek('!') && !this.peek('!=')) {
      this.pos++;
      return { k: 'un', op: '!', v: this.unary() };
    }
    if (this.peek('-')) {
      this.pos++;
      return { k: 'un', op: '-', v: this.unary() };
    }
    return this.postfix(this.primary());
  }

  /** Attribute access, indexes and splats after a value. */
  private postfix(start: Expr): Expr {
    let node = start;
    for (;;) {
      this.skipSpace(false);
      if (this.text.startsWith('[*]', this.pos) || this.text.startsWith('.*', this.pos)) {
        const full = this.text[this.pos] === '[';
        this.pos += full ? 3 : 2;
        return { k: 'splat', obj: node, each: this.splatSteps({ k: 'name', name: SPLAT_ITEM }, full) };
      }
      const step = this.step(node, true);
      if (!step) return node;
      node = step;
    }
  }

  /** One `.name`, `.0` or `[key]` after `node`, or undefined. */
  private step(node: Expr, indexes: boolean): Expr | undefined {
    if (this.text[this.pos] === '.' && /[A-Za-z_0-9]/.test(this.text[this.pos + 1] ?? '')) {
      this.pos++;
      const number = /^\d+/.exec(this.text.slice(this.pos));
      if (number) {
        this.pos += number[0].length;
        return { k: 'index', obj: node, key: { k: 'lit', v: Number(number[0]) } };
      }
      return { k: 'attr', obj: node, name: this.identifier() };
    }
    if (indexes && this.text[this.pos] === '[') {
      this.pos++;
      const key = this.expression();
      this.expect(']');
      return { k: 'index', obj: node, key };
    }
    return undefined;
  }

  /** What follows a splat: attribute steps, and for a full splat (`[*]`) indexes too. */
  private splatSteps(item: Expr, full: boolean): Expr {
    let node = item;
    for (;;) {
      this.skipSpace(false);
      const step = this.step(node, full);
      if (!step) return node;
      node = step;
    }
  }

  private identifier(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.pos));
    if (!match) this.fail('expected a name');
    this.pos += match[0].length;
    return match[0];
  }

  private primary(): Expr {
    this.skipSpace(true);
    const char = this.text[this.pos];
    if (char === undefined) this.fail('unexpected end of the expression');
    if (char === '(') {
      this.pos++;
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (char === '"') {
      this.pos++;
      const tree = this.template('"');
      this.expect('"');
      return tree;
    }
    if (char === '<' && this.text[this.pos + 1] === '<') return this.heredoc();
    if (char === '[') return this.tupleOrFor();
    if (char === '{') return this.objectOrFor();
    const number = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return { k: 'lit', v: Number(number[0]) };
    }
    const name = this.identifier();
    if (name === 'true' || name === 'false') return { k: 'lit', v: name === 'true' };
    if (name === 'null') return { k: 'lit', v: null };
    this.skipSpace(false);
    // A function call; provider functions are written provider::name::function.
    let callee = name;
    while (this.text.startsWith('::', this.pos)) {
      this.pos += 2;
      callee += `::${this.identifier()}`;
    }
    if (this.text[this.pos] === '(') {
      this.pos++;
      const args: Expr[] = [];
      let expand = false;
      while (!this.eat(')')) {
        args.push(this.expression());
        if (this.eat('...')) expand = true;
        if (!this.eat(',')) {
          this.expect(')');
          break;
        }
      }
      return { k: 'call', name: callee, args, expand };
    }
    return { k: 'name', name };
  }

  private heredoc(): Expr {
    const match = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(this.text.slice(this.pos));
    if (!match) this.fail('expected a heredoc');
    this.pos += match[0].length;
    const closing = new RegExp(`^[ \\t]*${match[2]}[ \\t]*$`, 'm');
    const rest = this.text.slice(this.pos);
    const found = closing.exec(rest);
    const body = found ? rest.slice(0, found.index) : rest;
    this.pos += found ? found.index + found[0].length : rest.length;
    return new Parser(body).template(undefined);
  }

  private isFor(): boolean {
    return /^for[\s]/.test(this.text.slice(this.pos));
  }

  private tupleOrFor(): Expr {
    this.pos++;
    this.skipSpace(true);
    if (this.isFor()) return this.forExpression(']');
    const items: Expr[] = [];
    while (!this.eat(']')) {
      items.push(this.expression());
      if (!this.eat(',')) {
        this.expect(']');
        break;
      }
    }
    return { k: 'tuple', items };
  }

  private objectOrFor(): Expr {
    this.pos++;
    this.skipSpace(true);
    if (this.isFor()) return this.forExpression('}');
    const items: (readonly [Expr, Expr])[] = [];
    while (!this.eat('}')) {
      // A bare name as a key is that name, not a variable.
      this.skipSpace(true);
      const bare = /^[A-Za-z_][A-Za-z0-9_-]*\s*(=(?!=)|:)/.exec(this.text.slice(this.pos));
      let key: Expr;
      if (bare) key = { k: 'lit', v: this.identifier() };
      else key = this.expression();
      if (!this.eat('=') && !this.eat(':')) this.fail('expected = or : in an object');
      items.push([key, this.expression()]);
      this.eat(',');
    }
    return { k: 'object', items };
  }

  private forExpression(close: ']' | '}'): Expr {
    this.pos += 3;
    this.skipSpace(true);
    let valVar = this.identifier();
    let keyVar: string | undefined;
    if (this.eat(',')) {
      keyVar = valVar;
      this.skipSpace(true);
      valVar = this.identifier();
    }
    this.skipSpace(true);
    if (!this.text.startsWith('in', this.pos)) this.fail('expected in');
    this.pos += 2;
    const coll = this.expression();
    this.expect(':');
    let keyExpr: Expr | undefined;
    if (close === '}') {
      keyExpr = this.expression();
      this.expect('=>');
    }
    const valExpr = this.expression();
    const group = this.eat('...');
    this.skipSpace(true);
    let cond: Expr | undefined;
    if (/^if[\s(]/.test(this.text.slice(this.pos))) {
      this.pos += 2;
      cond = this.expression();
    }
    this.expect(close);
    return { k: 'for', keyVar, valVar, coll, keyExpr, valExpr, cond, object: close === '}', group };
  }
}
