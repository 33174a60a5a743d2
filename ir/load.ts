/**
 * Loading WIT into a `Resolve`, from text or from the file system, with
 * wit-parser's conventions:
 *
 * - a file is one package (plus any `package x:y { ... }` blocks in it);
 * - a directory's `*.wit` files form one package, and its `deps/` folder holds
 *   dependencies: sub-directories (one package each) and single files;
 * - dependencies are added before the packages that use them.
 *
 * Problems are thrown as `WitError`s carrying wit-parser's contexts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { decodeWitPackage, DecodeError } from "../encoding/decode/index.js";
import { WitError, withContext } from "./errors.js";
import { parseGroup } from "./parse-group.js";
import { Resolve, type UnresolvedGroup } from "./resolve.js";
import type { PackageId } from "./types.js";

/** Adds WIT source text, as if read from `fileName`. */
export function pushText(resolve: Resolve, fileName: string, contents: string): PackageId {
  return resolve.pushGroups(parseGroup(resolve, [{ path: fileName, contents }]), []);
}

function isWasm(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}

function looksLikeWat(text: string): boolean {
  const stripped = text.replace(/;;[^\n]*\n?|\(;[\s\S]*?;\)/g, "").trimStart();
  return stripped.startsWith("(module") || stripped.startsWith("(component");
}

const ioErrors: Record<string, string> = {
  ENOENT: "No such file or directory (os error 2)",
  EACCES: "Permission denied (os error 13)",
  ENOTDIR: "Not a directory (os error 20)",
  EISDIR: "Is a directory (os error 21)",
  ELOOP: "Too many levels of symbolic links (os error 40)",
  EMFILE: "Too many open files (os error 24)",
  ENAMETOOLONG: "File name too long (os error 36)",
};

/** A file-system error as Rust's standard library words it (wit-parser's messages end with it). */
function ioMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && ioErrors[code]) ?? (e as Error).message;
}

/** Runs a file-system operation; its error becomes a `WitError`, after `context` (made only then) when given. */
function io<T>(context: (() => string) | undefined, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof WitError) throw e;
    throw new WitError(context ? `${context()}: ${ioMessage(e)}` : ioMessage(e));
  }
}

/** `a/b` without normalising `a`, as Rust's `Path::join` keeps the path as given. */
function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") || dir.endsWith(path.sep) ? dir + name : `${dir}/${name}`;
}

/** Quotes a path as Rust's `{:?}` does. */
function debugPath(p: string): string {
  return JSON.stringify(p);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A file's package group; a WIT package encoded as a binary component is
 * decoded and added to `resolve` at once (as wit-parser merges it), and its
 * package id is returned instead.
 */
function readFileGroup(resolve: Resolve, file: string): UnresolvedGroup | PackageId {
  const bytes = io(
    () => `failed to read path for WIT [${file}]`,
    () => fs.readFileSync(file),
  );
  let text: string;
  if (isWasm(bytes)) {
    try {
      return decodeWitPackage(resolve, bytes, file);
    } catch (e) {
      if (e instanceof DecodeError) throw new WitError(`failed to decode WIT package: ${e.message}`);
      throw e;
    }
  }
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new WitError(`input file is not valid utf-8 [${file}]`);
  }
  if ((file.endsWith(".wat") || file.endsWith(".wasm")) && looksLikeWat(text)) {
    throw new WitError(
      `WIT packages encoded in the WebAssembly text format are not supported (there is no WAT parser; convert the file with \`wasm-tools parse\`) [${file}]`,
    );
  }
  return parseGroup(resolve, [{ path: file, contents: text }]);
}

/**
 * The `*.wit` files directly in `dir` (sub-directories, and links to them, are
 * skipped); `entries` when the directory has already been read.
 */
function readDirGroup(resolve: Resolve, dir: string, entries?: fs.Dirent[]): UnresolvedGroup {
  entries ??= io(
    () => `failed to read directory ${debugPath(dir)}`,
    () => fs.readdirSync(dir, { withFileTypes: true }),
  );
  const files: { path: string; contents: string }[] = [];
  for (const entry of entries) {
    const p = joinPath(dir, entry.name);
    if (entry.isDirectory()) continue;
    if (entry.isSymbolicLink()) {
      let target: fs.Stats | undefined;
      try {
        target = fs.statSync(p);
      } catch {
        target = undefined;
      }
      if (target?.isDirectory()) continue;
    }
    if (!entry.name.endsWith(".wit")) continue;
    const context = () => `failed to read file ${debugPath(p)}`;
    // One call reads and decodes the file; it turns invalid UTF-8 into U+FFFD,
    // so only a text holding that character is read again and checked.
    let contents = io(context, () => fs.readFileSync(p, "utf8"));
    if (contents.includes("\uFFFD")) {
      const bytes = io(context, () => fs.readFileSync(p));
      try {
        contents = strictUtf8.decode(bytes);
      } catch {
        throw new WitError(`failed to read file ${debugPath(p)}: stream did not contain valid UTF-8`);
      }
    } else if (contents.charCodeAt(0) === 0xfeff) {
      // As the strict decoder does, drop a byte-order mark.
      contents = contents.slice(1);
    }
    files.push({ path: p, contents });
  }
  return parseGroup(resolve, files);
}

/** The packages of a `deps/` folder: sub-directories and `.wit` (or encoded) files, in name order. */
function readDeps(resolve: Resolve, deps: string): UnresolvedGroup[] {
  // Reading at once saves a stat when `deps` exists; when it cannot be read,
  // a `deps` that does not exist (as `existsSync` tells) means no dependencies.
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(deps, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || !fs.existsSync(deps)) return [];
    throw new WitError(`failed to read directory: ${ioMessage(e)}`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const groups: UnresolvedGroup[] = [];
  for (const entry of entries) {
    const p = joinPath(deps, entry.name);
    // Only a link (or an entry of unknown type) needs a stat to tell a directory.
    if (entry.isDirectory() || (!entry.isFile() && io(undefined, () => fs.statSync(p)).isDirectory())) {
      groups.push(
        withContext(
          () => `failed to parse package: ${p}`,
          () => readDirGroup(resolve, p),
        ),
      );
    } else if (/\.(wit|wat|wasm)$/.test(entry.name)) {
      const group = readFileGroup(resolve, p);
      if (typeof group !== "number") groups.push(group);
    }
  }
  return groups;
}

/**
 * Adds the package at `p` (a `.wit` file or a directory with optional
 * `deps/`) and everything it depends on; returns the main package's id.
 */
export function pushPath(resolve: Resolve, p: string): PackageId {
  // A directory is read at once, which saves a stat; a path that is not one
  // (`ENOTDIR`) or does not exist is read as a file; otherwise `stat` decides,
  // and the directory's error, if any, comes with its context as usual.
  let entries: fs.Dirent[] | undefined;
  let isDir = false;
  try {
    entries = fs.readdirSync(p, { withFileTypes: true });
    isDir = true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOTDIR" && code !== "ENOENT") {
      try {
        isDir = fs.statSync(p).isDirectory();
      } catch {
        isDir = false;
      }
    }
  }
  if (isDir) {
    return withContext(
      () => `failed to resolve directory while parsing WIT for path [${p}]`,
      () => {
        const main = withContext(
          () => `failed to parse package: ${p}`,
          () => readDirGroup(resolve, p, entries),
        );
        const depsDir = joinPath(p, "deps");
        const deps = withContext(
          () => `failed to parse dependency directory: ${depsDir}`,
          () => readDeps(resolve, depsDir),
        );
        return resolve.pushGroups(main, deps);
      },
    );
  }
  const group = readFileGroup(resolve, p);
  return typeof group === "number" ? group : resolve.pushGroups(group, []);
}
