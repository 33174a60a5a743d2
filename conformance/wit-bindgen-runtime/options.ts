/**
 * wit-bindgen's command-line arguments (a test file's `//@ args` plus the
 * language's defaults) as the options of our generators: each flag is the
 * camelCase option of the same name, parsed as `cli/main.ts` parses it.
 * A flag our generator does not have is reported, not dropped.
 */
import type { COptions, LoadOptions, RustOptions } from "../../index.js";
import type { Language } from "./cases.js";

type Kind =
  | "bool"
  | "string"
  | "list"
  /** `SELECTOR=ATTR`, repeatable. */
  | "pairs"
  /** `k=v` (comma lists), repeatable: wit-bindgen's `--with`. */
  | "with"
  /** `ns:pkg/iface=prefix` (split at the last `=`), repeatable: the C `--rename`. */
  | "rename"
  /** Accepted by our CLI with no effect (a boolean flag). */
  | "ignored-bool"
  /** Accepted by our CLI with no effect (a flag with a value). */
  | "ignored-string";

const COMMON: Record<string, Kind> = {
  features: "list",
  "all-features": "bool",
};

const RUST: Record<string, Kind> = {
  edition: "string",
  "no-realloc": "bool",
  "boxed-async-exports": "bool",
  skip: "list",
  "export-prefix": "string",
  "export-macro-name": "string",
  "pub-export-macro": "bool",
  "default-bindings-module": "string",
  "type-section-suffix": "string",
  "additional-derive-attributes": "list",
  "additional-derive-ignore": "list",
  "additional-type-attributes": "pairs",
  "additional-member-attributes": "pairs",
  ownership: "string",
  "raw-strings": "bool",
  "enable-method-chaining": "bool",
  "map-type": "string",
  with: "with",
  stubs: "bool",
  "generate-all": "bool",
  "disable-run-ctors-once-workaround": "bool",
  "std-feature": "bool",
  "merge-structurally-equal-types": "bool",
  async: "list",
  "generate-unused-types": "ignored-bool",
  format: "ignored-bool",
  "disable-custom-section-link-helpers": "ignored-bool",
  "runtime-path": "ignored-string",
  "bitflags-path": "string",
};

const C: Record<string, Kind> = {
  "string-encoding": "string",
  "no-realloc": "bool",
  rename: "rename",
  async: "list",
  "rename-world": "string",
  "type-section-suffix": "string",
  "no-helpers": "bool",
  "no-object-file": "bool",
  "autodrop-borrows": "string",
  "no-sig-flattening": "bool",
  "generate-threading-helpers": "bool",
  "generate-async-helpers": "bool",
};

const SHORT: Record<Language, Record<string, string>> = { rust: { d: "additional-derive-attributes" }, c: {} };

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export interface GeneratorOptions {
  load: LoadOptions;
  rust: RustOptions;
  c: COptions;
}

/** Thrown for arguments our generator does not take: a feature we do not have. */
export class UnsupportedArgument extends Error {}

export function generatorOptions(language: Language, args: string[]): GeneratorOptions {
  const table: Record<string, Kind> = { ...COMMON, ...(language === "rust" ? RUST : C) };
  const out: Record<string, unknown> = {};
  const load: LoadOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    let name: string;
    let value: string | undefined;
    const long = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    const short = /^-([A-Za-z])(.*)$/s.exec(arg);
    if (long) {
      name = long[1];
      value = long[2];
    } else if (short && SHORT[language][short[1]]) {
      name = SHORT[language][short[1]];
      value = short[2] === "" ? undefined : short[2].replace(/^=/, "");
    } else throw new UnsupportedArgument(`unexpected argument \`${arg}\``);
    const kind = table[name];
    if (kind === undefined) throw new UnsupportedArgument(`unsupported ${language} option --${name}`);
    const isBool = kind === "bool" || kind === "ignored-bool";
    if (!isBool && value === undefined) {
      if (i + 1 >= args.length) throw new UnsupportedArgument(`--${name} needs a value`);
      value = args[++i];
    }
    const key = camel(name);
    const list = (k: string) => (out[k] ??= []) as unknown[];
    switch (kind) {
      case "bool":
        out[key] = value === undefined || value === "true";
        break;
      case "ignored-bool":
      case "ignored-string":
        break;
      case "string":
        out[key] = value;
        break;
      case "list":
        list(key).push(
          ...(name === "features" || name === "async" ? value!.split(",").map((f) => f.trim()) : [value!]),
        );
        break;
      case "pairs": {
        const eq = value!.indexOf("=");
        if (eq < 0) throw new UnsupportedArgument(`--${name} takes SELECTOR=ATTR, not \`${value}\``);
        list(key).push([value!.slice(0, eq), value!.slice(eq + 1)]);
        break;
      }
      case "with": {
        const rec = (out[key] ??= {}) as Record<string, string>;
        for (const item of value!.split(",")) {
          const eq = item.indexOf("=");
          if (eq <= 0) throw new UnsupportedArgument(`--with takes KEY=VALUE, not \`${item}\``);
          rec[item.slice(0, eq)] = item.slice(eq + 1);
        }
        break;
      }
      case "rename": {
        const rec = (out[key] ??= {}) as Record<string, string>;
        const eq = value!.lastIndexOf("=");
        if (eq <= 0) throw new UnsupportedArgument(`--rename takes ns:pkg/iface=prefix, not \`${value}\``);
        rec[value!.slice(0, eq)] = value!.slice(eq + 1);
        break;
      }
    }
  }
  if (out.features) load.features = (out.features as string[]).filter(Boolean);
  if (out.allFeatures) load.allFeatures = true;
  delete out.features;
  delete out.allFeatures;
  if (language === "rust") {
    if (out.edition !== undefined) out.edition = Number(out.edition);
    return { load, rust: out as RustOptions, c: {} };
  }
  if (out.autodropBorrows !== undefined) {
    if (out.autodropBorrows !== "yes" && out.autodropBorrows !== "no")
      throw new UnsupportedArgument(`--autodrop-borrows takes yes or no, not \`${out.autodropBorrows}\``);
    out.autodropBorrows = out.autodropBorrows === "yes";
  }
  return { load, rust: {}, c: out as COptions };
}

/** The string encoding our TypeScript host must assume for a component built with `options`. */
export function hostStringEncoding(language: Language, options: GeneratorOptions): "utf8" | "utf16" | "latin1+utf16" {
  if (language !== "c") return "utf8";
  const e = options.c.stringEncoding;
  return e === "utf16" ? "utf16" : e === "compact-utf16" ? "latin1+utf16" : "utf8";
}
