/**
 * Errors for bad input. Internally the resolver throws `WitError`; the
 * public API catches it and hands out `Diagnostic` values. A `WitError`
 * carries its span and, like an `anyhow` chain in wit-parser, the contexts
 * added by the callers that saw it pass ("failed to parse package: dir").
 */
import type { Span } from "../parser/ast.js";
import { unknownSpan } from "./types.js";
import type { SourceMap, Location } from "./source-map.js";

export class WitError extends Error {
  /** Outermost first. */
  readonly contexts: string[] = [];

  constructor(
    message: string,
    readonly span: Span = unknownSpan,
    /** Replaces the highlighted rendering (wit-parser's duplicate-package error lists two locations). */
    readonly customRendering?: (sources: SourceMap) => string,
    /** Further problems found in the same file (syntax errors after the first). */
    readonly related: WitError[] = [],
  ) {
    super(message);
  }

  withContext(context: string): this {
    this.contexts.unshift(context);
    return this;
  }
}

/** Runs `f`, adding `context` to any `WitError` it throws. */
export function withContext<T>(context: () => string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof WitError) throw e.withContext(context());
    throw e;
  }
}

/** A problem with the input, as a value. */
export interface Diagnostic {
  /** wit-parser's message for the problem (may span several lines). */
  message: string;
  /** Outer contexts, outermost first, e.g. `failed to parse package: wit`. */
  contexts: string[];
  span: Span | undefined;
  location: Location | undefined;
  /** The full rendering: contexts, message, `--> file:line:col`, excerpt and caret. */
  rendered: string;
}

export function toDiagnostics(error: WitError, sources: SourceMap): Diagnostic[] {
  const one = (e: WitError, contexts: string[]): Diagnostic => {
    const body = e.customRendering ? e.customRendering(sources) : sources.highlight(e.span, e.message);
    return {
      message: e.message,
      contexts,
      span: e.span.start >= 0 ? { start: e.span.start, end: e.span.end } : undefined,
      location: sources.location(e.span),
      rendered: [...contexts, body].join(": "),
    };
  };
  return [one(error, error.contexts), ...error.related.map((r) => one(r, error.contexts))];
}
