/**
 * Synchronous calls of async functions that may block (with JSPI), in the
 * glue of both hosts: the straight-line glue split at its call, the code
 * after the call run at once, or once the call went on.
 */

/** What a resumable lift's glue does besides its body. */
export interface ResumableLift {
  /** The glue's label (a string literal). */
  label: string;
  /** Lines after the body's, both ways (storing the result). */
  after: string[];
  /** Lines ending the resumed path's callback (returning the result). */
  done: string[];
  /** Lines of the resumed path's `catch (e)` before `$fail(e)`. */
  onError?: string[];
}

/**
 * The glue `body` of a synchronously lifted function of async type whose
 * core call (line `at`: `const $t = core(…);` or `core(…);`) gives a promise
 * when it blocked: the instance is then free (`$state` 0) but held for that
 * task (`enterExclusive`), and the glue after the call goes on once the
 * call returned. Needs `$async`, `$rt`, `$enter` and `$fail`.
 */
export function resumableLift(body: string[], at: number, lift: ResumableLift): string[] {
  const m = /^const (\$\w+) = (.*);$/.exec(body[at]!);
  const callExpr = m ? m[2]! : body[at]!.replace(/;$/, "");
  const rest = [...body.slice(at + 1), ...lift.after];
  return [
    ...body.slice(0, at),
    `const $called = ${callExpr};`,
    `if ($async.isPending($called)) {`,
    "$state = 0;",
    "$rt.enterExclusive();",
    `return ($called as Promise<unknown>)`,
    `.then(($value) => {`,
    `if ($state !== 0) $enterFailed(${lift.label});`,
    "$state = 1;",
    "try {",
    ...(m ? [`const ${m[1]} = $value as any;`] : []),
    ...rest,
    "} catch (e) {",
    ...(lift.onError ?? []),
    "$fail(e);",
    "}",
    "$state = 0;",
    ...lift.done,
    "})",
    ".finally(() => $rt.leaveExclusive());",
    "}",
    ...(m ? [`const ${m[1]} = $called;`] : []),
    ...rest,
  ];
}

/**
 * The glue `body` of a synchronous lowering of an async function, whose
 * call gives its value through `$mustNotBlock(call, what)` (a line
 * `const $t: T = $mustNotBlock(…);` or `$mustNotBlock(…);`): with JSPI, when
 * the call gives a promise and the running task may block, the task blocks
 * on it (`$rt.blockOn`) and the glue after the call goes on with its value,
 * on the resumed stack; the core function must then be wrapped by
 * `$async.blocking`. `result` is the core result's TypeScript type (`void`
 * when none). `undefined` when the body has no such call.
 */
export function resumableLowering(body: string[], opts: { refresh: boolean; result: string }): string[] | undefined {
  const at = body.findIndex((line) => /^(const \$\w+(: .*)? = )?\$mustNotBlock\(/.test(line));
  const m = at < 0 ? null : /^(?:const (\$\w+)(?:: (.*?))? = )?\$mustNotBlock\((.*), ("[^"]*")\);$/.exec(body[at]!);
  if (!m) return undefined;
  const rest = body.slice(at + 1);
  const placeholder = opts.result === "bigint" ? "0n" : opts.result === "void" ? "undefined" : "0";
  return [
    ...body.slice(0, at),
    `const $pending = ${m[3]};`,
    `if ($async.isPending($pending) && $rt.mayBlock()) {`,
    `$rt.blockOn($pending as PromiseLike<unknown>, ($value: unknown) => {`,
    ...(opts.refresh ? ["if ($u8.byteLength === 0) $refresh();"] : []),
    ...(m[1] ? [`const ${m[1]} = $value as any;`] : []),
    ...rest,
    `});`,
    `return ${placeholder} as any;`,
    `}`,
    m[1]
      ? `const ${m[1]}${m[2] ? `: ${m[2]}` : ""} = $mustNotBlock($pending, ${m[4]});`
      : `$mustNotBlock($pending, ${m[4]});`,
    ...rest,
  ];
}
