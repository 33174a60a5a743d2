/**
 * Helpers of generated JavaScript hosts for the asynchronous ABI: how the
 * runtime sees the instance, the instance's `AsyncInstance` (`$rt`), the
 * synchronous call of an async function, and `$turn`, which runs a turn of
 * a task's guest code with the instance's state entered.
 *
 * Sections and their markers as in helpers.ts, whose declarations this
 * file uses (the three files are type-checked as one program). The section
 * `$async` is not here: it is the runtime itself (async-runtime.ts and the
 * files it imports), which the generator embeds as the namespace `$async`;
 * the type-checker sees that namespace as those modules.
 */
declare const $async: typeof import("./async-runtime.js") &
  typeof import("./async-tasks.js") &
  typeof import("./async-jspi.js");

// @section $instanceHooks scope=instance needs=$trap
/** How the async runtime sees the instance: whether it runs code, and entering or leaving it for a blocked task. */
const $instanceHooks = {
  trap: $trap,
  mayEnter: () => $state === 0,
  enter: () => {
    if ($state === 0) $state = 1;
  },
  leave: () => {
    if ($state === 1) $state = 0;
  },
  poison: () => {
    $state = 2;
  },
};

// @section $rt scope=instance needs=$async,$instanceHooks,$views,$handles
const $rt = new $async.AsyncInstance(
  { ...$instanceHooks, memoryBytes: () => ($memory === undefined ? 0 : $memory.buffer.byteLength) },
  $table,
  $free,
);

// @standalone
// A component host's instance, whose memories live in scopes of their own,
// has its `$rt` without them; in a block here since it redeclares `$rt`.
{
  // @section $crt scope=instance needs=$async,$instanceHooks,$handles
  const $rt = new $async.AsyncInstance({ ...$instanceHooks, memoryBytes: () => 0 }, $table, $free);
  // @standalone
}

// @section $mustNotBlock scope=module needs=$async
/** The value of a synchronous call of an async function; one that would wait needs stack switching. */
function $mustNotBlock<T>(value: T | PromiseLike<T>, what: string): T {
  if (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  ) {
    // Another component's task may finish while the others run; a host's promise cannot be waited for.
    const settled = $async.settleNow(value);
    if (settled !== undefined) return settled.value as T;
    (value as PromiseLike<T>).then(undefined, () => {});
    throw new Error(
      `${what}: a synchronous call of this async function would block, which needs stack switching (JSPI), which this engine lacks`,
    );
  }
  return value as T;
}

// @section $turn scope=instance needs=$enter
/** Runs a turn of a task's guest code (the export, or its callback) with the instance entered. */
function $turn(label: string, f: () => number): number {
  const prev = $state;
  if (prev === 2) $enterFailed(label);
  $state = 1;
  $current = label;
  try {
    const code = f();
    $state = prev;
    return code;
  } catch (e) {
    $state = 2;
    throw e;
  }
}

// @section $asResult scope=module needs=$async,$errorPayload
/**
 * The `result` a host function returning it directly gives (what it throws,
 * or rejects with, is its error: see `$errorPayload`): at once, or a
 * promise of it.
 */
function $asResult(f: () => unknown): any {
  const ok = (val: unknown) => ({ tag: "ok", val });
  const err = (e: unknown) => ({ tag: "err", val: $errorPayload(e) });
  let value: unknown;
  try {
    value = f();
  } catch (e) {
    return err(e);
  }
  return $async.isPending(value) ? Promise.resolve(value).then(ok, err) : ok(value);
}

// @section $asyncExport scope=instance needs=$rt,$exportedFunction
/**
 * The core functions of the async export `name` (`iface#f`, or `f`) as the
 * module has them: lifted with a callback, stackful, or synchronously (its
 * plain name, with its post-return, run as a task of its own). With JSPI,
 * when the guest may block (`blocks`), they run through `$async.suspendable`;
 * their core types: `params` (lifted async) and `sync` (`params:results`).
 */
function $asyncExport(
  exports: WebAssembly.Exports,
  name: string,
  blocks: boolean,
  params: string,
  sync: string,
): {
  core: (...args: any[]) => any;
  callback?: (...args: any[]) => any;
  post?: (...args: any[]) => void;
  sync: boolean;
} {
  const stackful = exports[`[async-lift-stackful]${name}`];
  const plain = exports[name];
  if (typeof stackful === "function") {
    const core = stackful as (...args: any[]) => any;
    return { core: blocks ? $async.suspendable(core, params, "") : core, sync: false };
  }
  if (typeof exports[`[async-lift]${name}`] !== "function" && typeof plain === "function") {
    const [p, r] = sync.split(":") as [string, string];
    const f = blocks ? $async.suspendable(plain as (...args: any[]) => any, p, r) : (plain as (...args: any[]) => any);
    const post = exports[`cabi_post_${name}`] as ((...args: any[]) => void) | undefined;
    return { core: (...args) => $rt.syncTask(() => f(...args), blocks), post, sync: true };
  }
  const core = $exportedFunction(exports, `[async-lift]${name}`);
  const callback = $exportedFunction(exports, `[callback][async-lift]${name}`);
  if (!blocks) return { core, callback, sync: false };
  return {
    core: $async.suspendable(core, params, "i"),
    callback: $async.suspendable(callback, "iii", "i"),
    sync: false,
  };
}
