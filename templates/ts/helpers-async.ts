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
 * the type-checker sees that namespace as the module.
 */
declare const $async: typeof import("./async-runtime.js");

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
  if ((typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function") {
    // Another component's task may finish while the others run; a host's promise cannot be waited for.
    const settled = $async.settleNow(value);
    if (settled !== undefined) return settled.value as T;
    (value as PromiseLike<T>).then(undefined, () => {});
    throw new Error(`${what}: a synchronous call of this async function would block, which needs stack switching (JSPI), which this engine lacks`);
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
