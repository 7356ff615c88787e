import type { HelperName } from "./runtime.js";

const INDENT = "  ";

/**
 * Collects the generated function's lines: indentation, the names of the locals each
 * equation declares (`i0`, `acc0`: a digit, so they never clash with a program variable),
 * and the runtime helpers used so far.
 */
export class SourceWriter {
  private readonly out: string[] = [];
  private counters = new Map<string, number>();
  readonly helpers = new Set<HelperName>();

  constructor(private depth = 0) {}

  /** Write one line (or several, each indented) at the current depth. */
  line(text: string): void {
    const pad = INDENT.repeat(this.depth);
    for (const l of text.split("\n")) this.out.push(pad + l);
  }

  /** `open`, then what `body` writes one level deeper, then `close`. */
  block(open: string, body: () => void, close = "}"): void {
    this.line(open);
    this.depth++;
    try {
      body();
    } finally {
      this.depth--;
    }
    this.line(close);
  }

  /**
   * A `for` loop: `header {`, the body, `}`; or `header statement;` on one line when the
   * body is one simple statement (not itself a loop or block).
   */
  loop(header: string, body: () => void): void {
    const start = this.out.length;
    this.block(`${header} {`, body);
    const inner = this.out.slice(start + 1, -1);
    if (inner.length === 1 && !/^\s*(for|if|\{)/.test(inner[0])) {
      this.out.splice(start, 3, `${INDENT.repeat(this.depth)}${header} ${inner[0].trim()}`);
    }
  }

  /** The current indentation, for text that spans lines (long literals). */
  get indent(): string {
    return INDENT.repeat(this.depth);
  }

  /** A new local name: prefix0, prefix1, … (counted per equation). */
  fresh(prefix: string): string {
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return prefix + n;
  }

  /**
   * Run `body` (one equation) with local names counted from 0 again. An equation declares
   * its locals in for-headers or braces, so the next one may reuse the names; the counters
   * of an enclosing equation (a jit around this one) are restored afterwards.
   */
  equation(body: () => void): void {
    const saved = this.counters;
    this.counters = new Map();
    try {
      body();
    } finally {
      this.counters = saved;
    }
  }

  /** The name of a runtime helper, which will be written at the top of the function. */
  use(helper: HelperName): string {
    this.helpers.add(helper);
    return helper;
  }

  lines(): readonly string[] {
    return this.out;
  }
}
