/**
 * The TypeScript host's check of the import object, run when an instance is
 * linked: every function the core module imports must be in the import
 * object. Plain functions are checked from a table, constructors and static
 * functions one by one; a method is checked through its class.
 */
import { ROOT_MODULE, type ImportedFunctionAbi } from "../../ir/abi/world.js";
import type { Resolve } from "../../ir/resolve.js";
import type { TypeId } from "../../ir/types.js";
import { camelCase, staticName, stringLiteral, typeName } from "./naming.js";
import { methodName, plainKind } from "./types.js";

/** How the generated host checks that the import object has an imported function (`importCheck`). */
export type ImportCheck = string | { name: string; code: string };

/** An imported function the core module may import (under any of `fields` of `module`), and its check. */
export interface WantedImport {
  module: string;
  fields: string[];
  check: ImportCheck | undefined;
}

/** The expression for the host's object of an imported interface (or the import object itself). */
export function importHolder(f: ImportedFunctionAbi): string {
  return f.interfaceName === undefined ? "imports" : `imports[${stringLiteral(f.interfaceName)}]`;
}

/**
 * The check that the import object has the function `f` imports (none for
 * a method: its class is checked): code, or for a plain function where it
 * is (the import object's key, none for the world's own functions) and its name.
 */
export function importCheck(resolve: Resolve, f: ImportedFunctionAbi): ImportCheck | undefined {
  const holder = importHolder(f);
  const where = f.interfaceName === undefined ? "imports" : `imports[${stringLiteral(f.interfaceName)}]`;
  const func = f.func;
  const describe = (what: string) => stringLiteral(`${what} is missing from the import object`);
  const resourceTsName = (resource: TypeId) => typeName(resolve.types[resource].name!);
  switch (plainKind(func)) {
    case "constructor":
    case "static": {
      const resource = (func.kind as { resource: TypeId }).resource;
      const cls = `${holder}?.${resourceTsName(resource)}`;
      const target = func.kind.kind === "constructor" ? cls : `${cls}?.${staticName(methodName(func.name))}`;
      const what =
        func.kind.kind === "constructor"
          ? `${where}.${resourceTsName(resource)}`
          : `${where}.${resourceTsName(resource)}.${staticName(methodName(func.name))}`;
      return `if (typeof ${target} !== "function") throw new TypeError(${describe(what.replace(/imports\["(.*)"\]/, "imports['$1']"))});`;
    }
    case "method":
      return undefined;
    default: {
      // In the table of plain functions, where the import object's key is the core module's name.
      const target =
        f.interfaceName === undefined
          ? `imports?.${propertyKeyAccess(camelCase(func.name))}`
          : `${holder}?.${propertyKeyAccess(camelCase(func.name))}`;
      const code = `if (typeof ${target} !== "function") throw new TypeError(${describe(`${where.replace(/imports\["(.*)"\]/, "imports['$1']")}.${camelCase(func.name)}`)});`;
      return (f.interfaceName ?? ROOT_MODULE) === f.module ? { name: camelCase(func.name), code } : code;
    }
  }
}

/**
 * The link step's checks of the import object, for the imported functions
 * the core module imports (the names in the generated `wanted` set).
 */
export function importChecks(wanted: WantedImport[]): string {
  const coreKeys = (w: WantedImport) => w.fields.map((field) => stringLiteral(`${w.module}\n${field}`));
  // Plain functions are checked from a table (a short line each: the core
  // module, which is the import object's key, the name and the core names);
  // constructors and statics one by one.
  // (A table of one would be laid out on one line: checked as the others are.)
  if (wanted.filter((w) => typeof w.check === "object").length < 2)
    for (const w of wanted) if (typeof w.check === "object") w.check = w.check.code;
  const table = wanted.flatMap((w) => {
    if (w.check === undefined || typeof w.check === "string") return [];
    const entry = [w.module, w.check.name, ...w.fields].map(stringLiteral);
    const line = `[${entry.join(", ")}],`;
    // Laid out as prettier does (printWidth 100, at an indent of 4).
    return 4 + line.length <= 100 ? [line] : ["[", ...entry.map((e) => `${e},`), "],"];
  });
  return [
    ...wanted.flatMap((w) =>
      typeof w.check === "string"
        ? [
            `if (${coreKeys(w)
              .map((key) => `wanted.has(${key})`)
              .join(" || ")}) {\n${w.check}\n}`,
          ]
        : [],
    ),
    ...(table.length === 0
      ? []
      : [
          "for (const [iface, name, ...fields] of [",
          ...table,
          "] as string[][]) {",
          "if (!fields.some((f) => wanted.has(`${iface}\\n${f}`))) continue;",
          `const where: any = iface === ${stringLiteral(ROOT_MODULE)} ? imports : (imports as any)[iface!];`,
          'if (typeof where?.[name!] !== "function")',
          "throw new TypeError(",
          `\`\${iface === ${stringLiteral(ROOT_MODULE)} ? "imports" : \`imports['\${iface}']\`}.\${name} is missing from the import object\`,`,
          ");",
          "}",
        ]),
  ].join("\n");
}

/** `name` or `["name"]` after `?.`. */
function propertyKeyAccess(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : `[${JSON.stringify(name)}]`;
}
