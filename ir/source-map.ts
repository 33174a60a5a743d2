/**
 * All source text a `Resolve` has read, in one address space: each file gets
 * a base offset, and a span is a pair of offsets into that space. Rendering a
 * span gives wit-parser's format: the message, `--> file:line:col`, the line
 * and a caret underline (columns count UTF-8 bytes, as wit-parser's do).
 */
import type { Span } from "../parser/ast.js";

interface Source {
  offset: number;
  path: string;
  contents: string;
  /** Offsets where lines start, computed when first needed. */
  lineStarts?: number[];
}

export interface Location {
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-8 bytes like wit-parser. */
  column: number;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

export class SourceMap {
  private readonly sources: Source[] = [];
  private next = 0;

  /** Adds a file and returns the base offset of its first character. */
  push(path: string, contents: string): number {
    const offset = this.next;
    this.sources.push({ offset, path, contents });
    // One extra position past the end so that an end-of-file span still
    // belongs to this file.
    this.next = offset + contents.length + 1;
    return offset;
  }

  get files(): readonly { path: string; contents: string }[] {
    return this.sources;
  }

  private sourceFor(offset: number): Source | undefined {
    let lo = 0;
    let hi = this.sources.length - 1;
    let found: Source | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.sources[mid].offset <= offset) {
        found = this.sources[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private lineOf(src: Source, rel: number): { index: number; lineStart: number } {
    if (!src.lineStarts) {
      const starts = [0];
      for (let i = src.contents.indexOf("\n"); i !== -1; i = src.contents.indexOf("\n", i + 1)) starts.push(i + 1);
      src.lineStarts = starts;
    }
    const starts = src.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= rel) lo = mid;
      else hi = mid - 1;
    }
    return { index: lo, lineStart: starts[lo] };
  }

  location(span: Span): Location | undefined {
    if (span.start < 0) return undefined;
    const src = this.sourceFor(span.start);
    if (!src) return undefined;
    const rel = Math.min(span.start - src.offset, src.contents.length);
    const { index, lineStart } = this.lineOf(src, rel);
    return { path: src.path, line: index + 1, column: utf8Length(src.contents.slice(lineStart, rel)) + 1 };
  }

  /** `file:line:col`, or `<unknown>`. */
  renderLocation(span: Span): string {
    const loc = this.location(span);
    return loc ? `${loc.path}:${loc.line}:${loc.column}` : "<unknown>";
  }

  /** The message with its source excerpt, or just the message when the span is unknown. */
  highlight(span: Span, message: string): string {
    if (span.start < 0) return message;
    const src = this.sourceFor(span.start);
    if (!src) return message;
    const rel = Math.min(span.start - src.offset, src.contents.length);
    const { index, lineStart } = this.lineOf(src, rel);
    let lineEnd = src.contents.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = src.contents.length;
    let snippet = src.contents.slice(lineStart, lineEnd);
    if (snippet.endsWith("\r")) snippet = snippet.slice(0, -1);
    const line = index + 1;
    const col = utf8Length(src.contents.slice(lineStart, rel)) + 1;
    if (utf8Length(snippet) > 500) return `${src.path}:${line}:${col}: ${message}`;
    const relEnd = Math.min(Math.max(span.end - src.offset, rel), src.contents.length);
    const dashes = Math.max([...src.contents.slice(rel, relEnd)].length - 1, 0);
    return (
      `${message}\n` +
      `     --> ${src.path}:${line}:${col}\n` +
      `      |\n` +
      ` ${String(line).padStart(4)} | ${snippet}\n` +
      `      | ${"^".padStart(col)}${"-".repeat(dashes)}`
    );
  }
}
