/**
 * Which types a component actually needs (wit-parser's `LiveTypes`): a type
 * is live when a used function, resource intrinsic or export refers to it,
 * directly or through other types. Kept in discovery order, dependencies
 * first, so encodings follow it deterministically.
 */
import type { Resolve } from "../ir/resolve.js";
import type { Function, InterfaceId, Type, TypeId, WorldItem } from "../ir/types.js";

export class LiveTypes {
  readonly set = new Set<TypeId>();

  constructor(private readonly resolve: Resolve) {}

  addInterface(id: InterfaceId): void {
    const i = this.resolve.interfaces[id];
    for (const t of i.types.values()) this.addTypeId(t);
    for (const f of i.functions.values()) this.addFunc(f);
  }

  addWorldItem(item: WorldItem): void {
    if (item.kind === "interface") this.addInterface(item.id);
    else if (item.kind === "function") this.addFunc(item.func);
    else this.addTypeId(item.id);
  }

  addFunc(func: Function): void {
    if (func.kind.kind === "static" || func.kind.kind === "async-static") this.addTypeId(func.kind.resource);
    for (const p of func.params) this.addType(p.type);
    if (func.result !== undefined) this.addType(func.result);
  }

  addType(t: Type): void {
    if (typeof t === "number") this.addTypeId(t);
  }

  addTypeId(id: TypeId): void {
    if (this.set.has(id)) return;
    const kind = this.resolve.types[id].kind;
    switch (kind.kind) {
      case "type":
      case "list":
      case "fixed-length-list":
      case "option":
        this.addType(kind.type);
        break;
      case "future":
      case "stream":
        if (kind.type !== undefined) this.addType(kind.type);
        break;
      case "map":
        this.addType(kind.key);
        this.addType(kind.value);
        break;
      case "handle":
        this.addTypeId(kind.resource);
        break;
      case "record":
        for (const f of kind.fields) this.addType(f.type);
        break;
      case "tuple":
        for (const t of kind.types) this.addType(t);
        break;
      case "variant":
        for (const c of kind.cases) if (c.type !== undefined) this.addType(c.type);
        break;
      case "result":
        if (kind.ok !== undefined) this.addType(kind.ok);
        if (kind.err !== undefined) this.addType(kind.err);
        break;
      default:
        break;
    }
    this.set.add(id);
  }
}
