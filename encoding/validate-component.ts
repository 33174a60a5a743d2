/**
 * The component validator: walks the model of `decode/component.ts` and
 * refuses what wasm-tools' validator refuses, with the rule broken and the
 * offset. Core modules are validated by the JS engine (`WebAssembly.validate`).
 */
import type { ComponentAst } from "./decode/component.js";

/** An invalid component: the rule broken and where. */
export class ComponentValidationError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} (at offset 0x${offset.toString(16)})`);
    this.name = "ComponentValidationError";
  }
}

/** Validates a component read by `readComponent`; throws `ComponentValidationError`. */
export function validateComponent(ast: ComponentAst): void {
  for (const m of ast.modules) {
    if (m.def.kind === "defined" && !WebAssembly.validate(m.def.bytes as BufferSource)) {
      throw new ComponentValidationError("invalid core module", m.offset);
    }
  }
  for (const c of ast.components) if (c.def.kind === "defined") validateComponent(c.def.component);
}
