/**
 * Shared-everything dynamic linking (`witx-bindgen link`): the libraries of
 * the tool conventions' DynamicLinking.md, composed as wit-component's
 * `Linker` composes them. Everything up to the component encoder is here:
 *
 * - each library's linking metadata (metadata.ts);
 * - symbol resolution, with earlier libraries taking priority, unresolved
 *   symbols refused or (weak, or `stubMissingFunctions`) stubbed by a
 *   library of trapping functions (stubs.ts), libraries no component export
 *   or `dlopen` reaches dropped, and the instantiation order (resolve.ts);
 * - the main module holding memory, table, stack, heap and the addresses
 *   every library imports (env-module.ts);
 * - each library's instantiation arguments;
 * - the init module, instantiated last, which fills the table, applies
 *   relocations and runs constructors (init-module.ts);
 * - with `useBuiltInLibdl`, a `libdl.so` of our own (libdl.ts).
 *
 * The encoder instantiates `main`, then each library of `libraries` in order
 * with its `args` (its other imports are WIT imports and canonical built-ins
 * it lowers as for a main module), then `init`.
 */
import { ComponentEncodingError } from "../validate.js";
import { DEFAULT_STACK_SIZE, adapterImportExportName, makeEnvModule } from "./env-module.js";
import { makeInitModule } from "./init-module.js";
import { LIBDL_NAME, libdlModule } from "./libdl.js";
import {
  ASYNCIFY_DATA,
  ASYNCIFY_STATE,
  ENV,
  GET_TLS_BASE,
  GOT_FUNC,
  GOT_MEM,
  HEAP_BASE,
  HEAP_END,
  INDIRECT_FUNCTION_TABLE,
  INIT_STACK_POINTER,
  LIBDL_LIBRARIES,
  MEMORY,
  MEMORY_BASE,
  PROGRAM_TLS_INFO,
  readMetadata,
  SET_TLS_BASE,
  STACK_HIGH,
  STACK_LOW,
  STACK_POINTER,
  TABLE_BASE,
  compareStrings,
  type Metadata,
} from "./metadata.js";
import {
  cabiReallocExporter,
  canStub,
  envExports,
  findDependencies,
  findReachable,
  functionExporter,
  resolveExporters,
  resolveSymbols,
  STUB_LIBRARY_NAME,
  tagExporter,
  topoSort,
  unresolvedMessage,
  type Resolved,
} from "./resolve.js";
import { makeStubsModule } from "./stubs.js";

export interface LinkInput {
  name: string;
  wasm: Uint8Array;
  /** Its exports go into the `dlopen`/`dlsym` tables. */
  dlOpenable: boolean;
}

export interface LinkOptions {
  /** Satisfy unresolved function imports with functions that trap. */
  stubMissingFunctions?: boolean;
  /** Add a built-in `libdl.so` (`dlopen`, `dlsym`, `dlclose`, `dlerror`). */
  useBuiltInLibdl?: boolean;
  /** Bytes of stack below the data (default 1 MiB, LLVM's default). */
  stackSize?: number;
  /** Module names of adapters: library imports from them go through the main module. */
  adapterNames?: ReadonlySet<string>;
}

/** One import field of a library (or of the init module), satisfied by an export of an instance. */
export interface LinkItem {
  alias: string;
  sort: "func" | "table" | "memory" | "global" | "tag";
  from: "main" | { library: string };
  name: string;
}

export interface LinkedLibrary {
  name: string;
  wasm: Uint8Array;
  args: { module: string; items: LinkItem[] }[];
}

export interface LinkResult {
  /** The synthesized main module (wit-component's "env" module): memory, table, stack, heap, GOT globals, dlopen data. */
  main: Uint8Array;
  /** The libraries to instantiate, in dependency order, each with the non-WIT import modules (GOT.mem, GOT.func, env, …) it gets; its other imports are WIT imports the encoder lowers. */
  libraries: LinkedLibrary[];
  /** A core module instantiated after every library (wit-component puts this in its fixup module): element segments filling the table, GOT.mem/func relocations, data relocations, constructors, dlopen tables; with its imports. */
  init: { wasm: Uint8Array; imports: { module: string; items: LinkItem[] }[] } | undefined;
}

export { LIBDL_NAME, libdlModule } from "./libdl.js";
export { readMetadata, type Metadata } from "./metadata.js";
export { STUB_LIBRARY_NAME } from "./resolve.js";

export function link(libs: readonly LinkInput[], options: LinkOptions = {}): LinkResult {
  const adapterNames = options.adapterNames ?? new Set<string>();
  const stackSize = options.stackSize ?? DEFAULT_STACK_SIZE;
  let libraries: LinkInput[] = [...libs];
  if (options.useBuiltInLibdl) libraries.push({ name: LIBDL_NAME, wasm: libdlModule(), dlOpenable: false });
  let stubMissing = options.stubMissingFunctions ?? false;
  let stubbed = false;
  const cache = new Map<LinkInput, Metadata>();

  for (;;) {
    const names = new Set<string>();
    for (const l of libraries) {
      if (names.has(l.name)) throw new ComponentEncodingError(`duplicate library name \`${l.name}\``);
      names.add(l.name);
    }
    const metadata = libraries.map((l) => {
      let m = cache.get(l);
      if (!m) cache.set(l, (m = readMetadata(l.name, l.dlOpenable, l.wasm, adapterNames)));
      return m;
    });

    const missingLibs = metadata.flatMap((m) => {
      const missing = m.neededLibs.filter((n) => !names.has(n));
      return missing.length > 0 ? [`\t${m.name} needs ${missing.join(", ")}`] : [];
    });
    if (missingLibs.length > 0) throw new ComponentEncodingError(`missing libraries:\n${missingLibs.join("\n")}`);

    const exporters = resolveExporters(metadata);
    const reallocExporter = cabiReallocExporter(exporters);
    const { resolved, missing } = resolveSymbols(metadata, exporters);
    if (missing.length > 0) {
      if (!stubbed && canStub(missing, stubMissing)) {
        stubMissing = false;
        stubbed = true;
        libraries = [...libraries, { name: STUB_LIBRARY_NAME, wasm: makeStubsModule(missing), dlOpenable: false }];
        continue;
      }
      throw new ComponentEncodingError(unresolvedMessage(missing));
    }

    const dependencies = findDependencies(metadata, resolved);
    const reachable = findReachable(metadata, dependencies);
    if (libraries.some((l) => !reachable.has(l.name))) {
      libraries = libraries.filter((l) => reachable.has(l.name));
      continue;
    }

    const order = topoSort(metadata.length, dependencies);
    const env = envExports(metadata, resolved, order);
    const main = makeEnvModule(
      metadata,
      env.exports,
      env.reexportCabiRealloc || reallocExporter === undefined ? undefined : metadata[reallocExporter]!.name,
      stackSize,
    );
    const linked = libraryArguments(metadata, libraries, order, resolved);
    const init = makeInitModule(
      metadata,
      resolved,
      env.exports,
      main.dl,
      main.tls,
      main.indirectionTableBase,
      main.exports,
    );
    return {
      main: main.wasm,
      libraries: linked,
      init: init && {
        wasm: init.wasm,
        imports: groupImports(
          init.imports.map((i) => ({
            module: i.module,
            item: {
              alias: i.name,
              sort: i.sort,
              from: i.library === undefined ? "main" : { library: i.library },
              name: i.name,
            },
          })),
        ),
      },
    };
  }
}

function groupImports(list: { module: string; item: LinkItem }[]): { module: string; items: LinkItem[] }[] {
  const out = new Map<string, LinkItem[]>();
  for (const { module, item } of list) {
    let items = out.get(module);
    if (!items) out.set(module, (items = []));
    items.push(item);
  }
  return [...out].map(([module, items]) => ({ module, items }));
}

const fromMain = (alias: string, sort: LinkItem["sort"], name = alias): LinkItem => ({
  alias,
  sort,
  from: "main",
  name,
});

/**
 * Each library's instantiation arguments, in instantiation order: `env`
 * (memory, table, stack pointer, its own `__memory_base`/`__table_base`, TLS
 * intrinsics, functions and tags of other libraries: directly from an
 * exporter already instantiated, else through the main module's trampoline),
 * `GOT.mem` and `GOT.func` (address globals of the main module), and the
 * adapters' functions (re-exported by the main module). Only fields the
 * library imports are listed.
 */
function libraryArguments(
  metadata: readonly Metadata[],
  libraries: readonly LinkInput[],
  order: readonly number[],
  resolved: Map<string, Resolved>,
): LinkedLibrary[] {
  const seen = new Set<string>();
  return order.map((index) => {
    const m = metadata[index]!;
    const name = m.name;
    const fromLibraryOrMain = (exporter: Resolved, field: string, sort: LinkItem["sort"]): LinkItem => {
      const lib = metadata[exporter.library]!.name;
      return seen.has(lib) ? { alias: field, sort, from: { library: lib }, name: field } : fromMain(field, sort);
    };
    const env: LinkItem[] = [
      fromMain(MEMORY, "memory"),
      fromMain(INDIRECT_FUNCTION_TABLE, "table"),
      fromMain(STACK_POINTER, "global"),
      fromMain(INIT_STACK_POINTER, "global"),
      fromMain(MEMORY_BASE, "global", `${name}:memory_base`),
      fromMain(TABLE_BASE, "global", `${name}:table_base`),
    ];
    if (m.needsGetTlsBase) env.push(fromMain(GET_TLS_BASE, "func", `${name}:${GET_TLS_BASE}`));
    if (m.needsSetTlsBase) env.push(fromMain(SET_TLS_BASE, "func", `${name}:${SET_TLS_BASE}`));
    for (const imp of m.envImports)
      env.push(fromLibraryOrMain(functionExporter(resolved, imp.name, imp.fn), imp.name, "func"));
    for (const tag of m.tagImports) {
      const exporter = tagExporter(resolved, tag.name, tag.fn);
      const lib = metadata[exporter.library]!.name;
      if (!seen.has(lib)) {
        throw new ComponentEncodingError(`circular dependency prevents direct tag import from \`${lib}\``);
      }
      env.push({ alias: tag.name, sort: "tag", from: { library: lib }, name: tag.name });
    }
    if (m.isAsyncified) env.push(fromMain(ASYNCIFY_STATE, "global"), fromMain(ASYNCIFY_DATA, "global"));

    const got = (field: string) => fromMain(field, "global", `${name}:${field}`);
    const mem: LinkItem[] = m.memoryAddressImports.map(got);
    for (const field of [HEAP_BASE, HEAP_END, STACK_HIGH, STACK_LOW, LIBDL_LIBRARIES, PROGRAM_TLS_INFO]) {
      mem.push(fromMain(field, "global"));
    }
    const func: LinkItem[] = m.tableAddressImports.map(got);

    const adapters = new Map<string, LinkItem[]>();
    for (const imp of m.imports) {
      let items = adapters.get(imp.module);
      if (!items) adapters.set(imp.module, (items = []));
      items.push(fromMain(imp.name, imp.ty.kind === "function" ? "func" : "global", adapterImportExportName(imp)));
    }

    // Only what the library imports, with the sort it imports.
    const imported = new Map(m.rawImports.map((i) => [`${i.module}\u0000${i.name}`, i.sort]));
    const args: LinkedLibrary["args"] = [];
    const offer = (module: string, items: LinkItem[]) => {
      const used = items.filter((it, i) => {
        const sort = imported.get(`${module}\u0000${it.alias}`);
        return sort === it.sort && items.findIndex((x) => x.alias === it.alias) === i;
      });
      if (used.length > 0) args.push({ module, items: used });
    };
    offer(GOT_MEM, mem);
    offer(GOT_FUNC, func);
    offer(ENV, env);
    for (const module of [...adapters.keys()].sort(compareStrings)) offer(module, adapters.get(module)!);

    seen.add(name);
    return { name, wasm: libraries[index]!.wasm, args };
  });
}
