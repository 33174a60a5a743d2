/**
 * The Rust source buffer (`generators/rust/source.ts`): appended buffers are
 * nested as they are when appended, blank lines see through them, and a
 * line met again is laid out for the depth it is met at.
 */
import { describe, expect, it } from "vitest";
import { RustSource, verifyKeptLines } from "../generators/rust/source.js";

describe("RustSource", () => {
  it("holds an appended buffer as it was when appended", () => {
    const inner = new RustSource();
    inner.line("let a = 1;");
    const outer = new RustSource();
    outer.open("fn f() {");
    outer.append(inner);
    inner.line("let b = 2;");
    outer.close();
    outer.append(inner);
    expect(outer.toString()).toBe("fn f() {\n    let a = 1;\n}\nlet a = 1;\nlet b = 2;\n");
  });

  it("adds no blank line after an appended buffer that ends with an opening brace", () => {
    const inner = new RustSource();
    inner.line("mod m {");
    const outer = new RustSource();
    outer.append(inner);
    outer.blank();
    outer.shift(1);
    outer.line("use x;");
    outer.shift(-1);
    outer.line("}");
    expect(outer.toString()).toBe("mod m {\n    use x;\n}\n");
    const other = new RustSource();
    const item = new RustSource();
    item.line("use y;");
    other.append(item);
    other.blank();
    other.line("use z;");
    expect(other.toString()).toBe("use y;\n\nuse z;\n");
  });

  it("lays out a line met at several depths for each depth", () => {
    const text = "let _t13 = i32::from(*_ptr1.add(46).cast::<u16>());";
    const deep = new RustSource();
    deep.shift(16);
    deep.line(text);
    const out = new RustSource();
    out.line(text);
    out.append(deep);
    out.line(text);
    const pad = " ".repeat(64);
    expect(out.toLines()).toEqual([
      text,
      `${pad}let _t13 = i32::from(`,
      `${pad}    *_ptr1.add(46).cast::<u16>(),`,
      `${pad});`,
      text,
    ]);
  });

  it("keeps the lines that fit with room to spare, and lays out a struct literal past its width that fits", () => {
    verifyKeptLines(true);
    try {
      const out = new RustSource();
      out.shift(2);
      out.line("let _t14 = i32::from(*_ptr1.add(17).cast::<u8>());");
      out.line("let _t7 = Datetime { seconds: _t4, nanoseconds: _t6 };");
      out.line("pub fn set(&self, name: &str, value: &[u8]) -> bool {");
      expect(out.toLines()).toEqual([
        "        let _t14 = i32::from(*_ptr1.add(17).cast::<u8>());",
        "        let _t7 = Datetime {",
        "            seconds: _t4,",
        "            nanoseconds: _t6,",
        "        };",
        "        pub fn set(&self, name: &str, value: &[u8]) -> bool {",
      ]);
    } finally {
      verifyKeptLines(false);
    }
  });
});
