/** `docsFromComments` against a direct transcription of its rules, on random comment runs. */
import { describe, expect, it } from "vitest";
import { docsFromComments } from "../ir/unresolved.js";

/** The rules written plainly: strip markers, trailing space and the common indent; split lines; drop trailing newlines. */
function plainDocs(comments: string[]): string | undefined {
  if (comments.length === 0) return undefined;
  let lines = comments.map((c) =>
    (c.startsWith("/**") ? c.slice(3, c.endsWith("*/") ? -2 : undefined) : c.replace(/^\/+/, "")).trimEnd(),
  );
  const indents = lines.filter((l) => l !== "").map((l) => l.length - l.replace(/^[\t\n\v\f\r ]+/, "").length);
  const minIndent = indents.length ? Math.min(...indents) : 0;
  if (minIndent > 0) lines = lines.map((l) => (l.startsWith(" ".repeat(minIndent)) ? l.slice(minIndent) : l));
  let contents = "";
  for (const l of lines) {
    if (l === "") contents += "\n";
    else for (const part of l.split(/\r?\n/)) contents += part + "\n";
  }
  return contents.replace(/\n+$/, "");
}

describe("docsFromComments", () => {
  it("agrees with the plain rules", () => {
    const parts = ["///", "//", "/**", "*/", "/*", " ", "  ", "\t", "\n", "\r\n", "x", "y z", "*", "\u00a0", "\v"];
    let seed = 4242;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let k = 0; k < 5000; k++) {
      const comments: string[] = [];
      const count = next() % 5;
      for (let c = 0; c < count; c++) {
        let text = "";
        const len = next() % 7;
        for (let i = 0; i < len; i++) text += parts[next() % parts.length];
        comments.push(text);
      }
      const docs = docsFromComments({ comments, span: undefined });
      expect(docs.contents).toBe(plainDocs(comments));
    }
  });
});
