/**
 * Helpers of generated JavaScript hosts for resources and instances: the
 * handle table with its lends and borrows, undoing the handles made while
 * lowering rejected arguments, imported instances and exported functions.
 *
 * Sections and their markers as in helpers.ts, whose declarations this
 * file uses (the three files are type-checked as one program).
 */

// @section $errorPayload scope=module
/**
 * The error of a `result` that a host function threw, read as jco reads it:
 * the `payload` of a `ComponentError` (or of any object that has one); an
 * `Error` without one is not a result at all and is thrown on (a trap); any
 * other value is the error itself, as WASI shims throw `"no-entry"`.
 */
function $errorPayload(e: unknown): unknown {
  if (typeof e === "object" && e !== null && "payload" in e) return (e as { payload: unknown }).payload;
  if (e instanceof Error) throw e;
  return e;
}

// @section $resourceKeys scope=module
const $rep = Symbol("rep");
const $lends = Symbol("lends");

// @section $handles scope=instance needs=$trap
interface $Handle {
  type: number;
  rep: unknown;
  own: boolean;
  lends: number;
  /** A borrow: the borrows of the call (task) it was lent to, which it leaves when dropped. */
  scope?: { n: number };
}
const $table: ($Handle | undefined)[] = [undefined];
const $free: number[] = [];
function $addHandle(type: number, rep: unknown, own: boolean): number {
  const handle: $Handle = { type, rep, own, lends: 0 };
  const i = $free.pop();
  if (i !== undefined) {
    $table[i] = handle;
    return i;
  }
  if ($table.length >= 0x0fffffff) $trap("the handle table is full");
  $table.push(handle);
  return $table.length - 1;
}
function $getHandle(i: number, type: number): $Handle {
  const handle = $table[i >>> 0];
  if (handle === undefined) $trap(`unknown handle index ${i >>> 0}`);
  if (handle.type !== type) $trap(`unknown handle index ${i >>> 0}: handle index ${i >>> 0} used with the wrong type`);
  return handle;
}
function $removeHandle(i: number, type: number, mustOwn: boolean): $Handle {
  const handle = $getHandle(i, type);
  if (handle.lends !== 0) $trap(`handle ${i >>> 0} is still lent out: cannot remove owned resource while borrowed`);
  if (mustOwn && !handle.own) $trap(`handle ${i >>> 0} is a borrow where an own was expected`);
  $table[i >>> 0] = undefined;
  $free.push(i >>> 0);
  return handle;
}

// @section $lends scope=instance needs=$handles
const $lent: $Handle[] = [];
function $releaseLends(): void {
  for (const handle of $lent) handle.lends--;
  $lent.length = 0;
}

// @section $borrows scope=instance needs=$handles
/** The borrows lent to the guest by the call being made (each call, or async task, has its own count). */
let $borrows = { n: 0 };
/** A borrow handle lent to the current call. */
function $addBorrow(type: number, rep: unknown): number {
  const h = $addHandle(type, rep, false);
  $table[h]!.scope = $borrows;
  $borrows.n++;
  return h;
}

// @section $undo scope=instance needs=$handles
// Handles made and objects moved while lowering an export's arguments: a
// rejected argument gives them back, a completed call commits them.
let $recording = false;
const $madeHandles: number[] = [];
const $movedObjects: { o: object; rep: number; restore: (o: object, rep: number) => void }[] = [];
function $commitLowering(): void {
  $recording = false;
  $madeHandles.length = 0;
  $movedObjects.length = 0;
}
function $undoLowering(): void {
  for (const i of $madeHandles) {
    if ($table[i] !== undefined) {
      $table[i] = undefined;
      $free.push(i);
    }
  }
  for (const m of $movedObjects) m.restore(m.o, m.rep);
  $commitLowering();
}

// @section $hostLends scope=instance needs=$resourceKeys
const $hostLent: { [$lends]: number }[] = [];
function $releaseHostLends(): void {
  for (const o of $hostLent) o[$lends]--;
  $hostLent.length = 0;
}

// @section $isPairs scope=module
/** An array of [key, value] pairs (a map's other JS form). */
function $isPairs(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const e of v) if (!Array.isArray(e) || e.length !== 2) return false;
  return true;
}

// @section $instanceImport scope=module
/**
 * The host's object for an imported instance: under its full name, or else
 * under the name without its version (as WASI shims key their interfaces).
 */
function $instanceImport(imports: Record<string, any>, name: string): any {
  const found = imports[name] ?? imports[name.replace(/@[^/]*$/, "")];
  if (found === undefined || found === null) throw new TypeError(`the import object has no \`${name}\``);
  return found;
}

// @section $indirectTable scope=instance
/** The module's function table, where `[thread-new-indirect-v0]` finds a thread's start function. */
let $indirectTable: WebAssembly.Table | undefined;

// @section $exportedFunction scope=instance
function $exportedFunction(exports: WebAssembly.Exports, name: string): (...args: any[]) => any {
  const f = exports[name];
  if (typeof f !== "function") throw new TypeError(`the core module does not export the function ${name}`);
  return f as (...args: any[]) => any;
}

// @section $usageError scope=instance needs=$argumentErrors
function $usageError(message: string): never {
  const error = new Error(`${$current}: ${message}`);
  $argumentErrors.add(error);
  throw error;
}
