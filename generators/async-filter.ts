/**
 * wit-bindgen's `--async` filters, shared by the guest generators: which
 * functions are bound with the asynchronous ABI.
 */
import { isAsync } from "../ir/abi/async.js";
import type { Function } from "../ir/types.js";

/**
 * wit-bindgen's `--async` filters, in order, the first match deciding:
 * `all`, `<name>`, `import:<name>`, `export:<name>`, each negated by a
 * leading `-`; `<name>` is `ns:pkg/iface#f` or a world-level function's
 * name. Functions no filter names are async when declared `async`.
 */
export class AsyncFilter {
  private readonly filters: { enabled: boolean; kind: "all" | "any" | "import" | "export"; name: string }[];
  private readonly used = new Set<number>();

  constructor(directives: readonly string[] = []) {
    this.filters = directives.map((d) => {
      const enabled = !d.startsWith("-");
      const body = enabled ? d : d.slice(1);
      if (body === "all") return { enabled, kind: "all", name: "" };
      if (body.startsWith("import:")) return { enabled, kind: "import", name: body.slice(7) };
      if (body.startsWith("export:")) return { enabled, kind: "export", name: body.slice(7) };
      return { enabled, kind: "any", name: body };
    });
  }

  isAsync(name: string, func: Function, imported: boolean): boolean {
    for (const [i, f] of this.filters.entries()) {
      if (f.kind === "import" && !imported) continue;
      if (f.kind === "export" && imported) continue;
      if (f.kind === "all" || f.name === name) {
        this.used.add(i);
        return f.enabled;
      }
    }
    return isAsync(func);
  }

  /** The filters that named no function. */
  unused(): string[] {
    return this.filters
      .filter((f, i) => f.kind !== "all" && !this.used.has(i))
      .map((f) => `${f.enabled ? "" : "-"}${f.kind === "any" ? "" : `${f.kind}:`}${f.name}`);
  }
}
