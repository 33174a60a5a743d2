/**
 * Topological sort of named items by their dependencies, stable with respect
 * to source order: among the items whose dependencies are all placed, the one
 * written first comes first. Missing dependencies and cycles are reported as
 * wit-parser reports them.
 */
import type { Ident } from "../parser/ast.js";
import { WitError } from "./errors.js";

export function toposort(kind: string, deps: Map<string, Ident[]>): string[] {
  // Items written after their dependencies (the usual case) keep their order:
  // the sort below would place each one as soon as it is reached.
  const placed = new Set<string>();
  for (const [name, edges] of deps) {
    for (const e of edges) if (!placed.has(e.name)) return sortByDependencies(kind, deps);
    placed.add(name);
  }
  return [...deps.keys()];
}

function sortByDependencies(kind: string, deps: Map<string, Ident[]>): string[] {
  const names = [...deps.keys()];
  const index = new Map(names.map((n, i) => [n, i]));
  const remaining = new Array<number>(names.length).fill(0);
  const reverse: number[][] = names.map(() => []);
  names.forEach((name, i) => {
    const edges = deps.get(name)!;
    remaining[i] = edges.length;
    for (const edge of edges) {
      const j = index.get(edge.name);
      if (j === undefined) throw new WitError(`${kind} \`${edge.name}\` does not exist`, edge);
      reverse[j].push(i);
    }
  });

  // A min-heap of ready indices: the earliest written ready item goes next.
  const heap: number[] = [];
  const push = (x: number) => {
    heap.push(x);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p] <= heap[i]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l] < heap[m]) m = l;
        if (r < heap.length && heap[r] < heap[m]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };

  remaining.forEach((n, i) => n === 0 && push(i));
  const order: string[] = [];
  while (heap.length) {
    const i = pop();
    order.push(names[i]);
    for (const j of reverse[i]) {
      if (--remaining[j] === 0) push(j);
    }
    reverse[i] = [];
  }
  if (order.length === names.length) return order;

  for (let i = 0; i < names.length; i++) {
    if (remaining[i] === 0) continue;
    for (const dep of deps.get(names[i])!) {
      if (remaining[index.get(dep.name)!] === 0) continue;
      throw new WitError(`${kind} \`${dep.name}\` depends on itself`, dep);
    }
  }
  throw new Error("toposort: cycle not found");
}
