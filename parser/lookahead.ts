/**
 * One-token lookahead for the WIT grammar.
 *
 * wit-parser decides every choice by the next token (and peeks further only
 * where the grammar has an explicit gate), so the parser needs LL(1) decisions
 * only. Chevrotain's general LL(k) strategy derives them by enumerating token
 * paths, which costs tens of milliseconds at every start of the command; this
 * strategy computes plain FIRST sets over the grammar instead. Grammar
 * validation, when asked for, is still Chevrotain's own.
 */
import {
  Alternation,
  Alternative,
  LLkLookaheadStrategy,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Terminal,
  type ILookaheadStrategy,
  type ILookaheadValidationError,
  type IOrAlt,
  type IProduction,
  type OptionalProductionType,
  type Rule,
  type TokenType,
} from "chevrotain";

/** Token type indices that can start a production, and whether it can match nothing. */
interface First {
  tokens: Set<number>;
  nullable: boolean;
}

export type LookaheadHost = { LA(n: number): { tokenTypeIdx: number } };

const optionalClasses: Record<OptionalProductionType, new (...args: never[]) => IProduction> = {
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
};

/**
 * One lookahead decision, by token names, so that it can be written out as
 * JSON at build time and made into the same function again (see
 * `lookaheadFunction`): for an `OR`, the first tokens of each alternative
 * and whether it can match nothing; for an optional production, its first
 * tokens.
 */
export type Decision = { or: { tokens: string[]; nullable: boolean }[]; predicates: boolean } | { optional: string[] };

/** Token names and their indices, both ways. */
export interface TokenIndex {
  idx(name: string): number;
  name(idx: number): string;
}

/** The index of `tokens` (whose names must differ). */
export function tokenIndex(tokens: readonly TokenType[]): TokenIndex {
  const byName = new Map<string, number>();
  const byIdx = new Map<number, string>();
  for (const t of tokens) {
    if (byName.has(t.name) && byName.get(t.name) !== t.tokenTypeIdx)
      throw new Error(`lookahead: two tokens named ${t.name}`);
    byName.set(t.name, t.tokenTypeIdx!);
    byIdx.set(t.tokenTypeIdx!, t.name);
  }
  const get = <K, V>(map: Map<K, V>, key: K): V => {
    const value = map.get(key);
    if (value === undefined) throw new Error(`lookahead: unknown token ${String(key)}`);
    return value;
  };
  return { idx: (name) => get(byName, name), name: (idx) => get(byIdx, idx) };
}

/**
 * The set of `tokens` as a table by `tokenTypeIdx`: one array read per
 * decision, where a `Set` or `Map` would hash.
 */
function table(tokens: number[], value: (idx: number) => number, fallback: number): Int8Array {
  const out = new Int8Array(Math.max(0, ...tokens) + 1).fill(fallback);
  for (const t of tokens) out[t] = value(t);
  return out;
}

/** The lookahead function that makes `decision`. */
export function lookaheadFunction(
  decision: Decision,
  index: TokenIndex,
): ((this: LookaheadHost, orAlts?: IOrAlt<unknown>[]) => number | undefined) | ((this: LookaheadHost) => boolean) {
  if ("optional" in decision) {
    const tokens = table(decision.optional.map(index.idx), () => 1, 0);
    return function (this: LookaheadHost) {
      // A token past the table's end reads as `undefined`.
      return tokens[this.LA(1).tokenTypeIdx] === 1;
    };
  }
  const alts = decision.or.map((alt) => ({
    tokens: table(alt.tokens.map(index.idx), () => 1, 0),
    nullable: alt.nullable,
  }));
  if (decision.predicates) {
    return function (this: LookaheadHost, orAlts?: IOrAlt<unknown>[]) {
      const next = this.LA(1).tokenTypeIdx;
      for (let i = 0; i < alts.length; i++) {
        const gate = orAlts?.[i]?.GATE;
        if (gate !== undefined && !gate.call(this)) continue;
        if (alts[i].nullable || alts[i].tokens[next] === 1) return i;
      }
      return undefined;
    };
  }
  const choice = new Map<number, number>();
  let fallback: number | undefined;
  alts.forEach((alt, i) => {
    alt.tokens.forEach((member, t) => {
      if (member === 1 && !choice.has(t)) choice.set(t, i);
    });
    if (alt.nullable && fallback === undefined) fallback = i;
  });
  // The alternative for each token, -1 for none.
  const chosen = table([...choice.keys()], (t) => choice.get(t)!, -1);
  return function (this: LookaheadHost) {
    const alt = chosen[this.LA(1).tokenTypeIdx];
    return alt === undefined || alt < 0 ? fallback : alt;
  };
}

export class FirstTokenLookahead implements ILookaheadStrategy {
  private readonly ruleFirst = new Map<Rule, First>();
  /** The decision behind each function built here. */
  private readonly decisions = new WeakMap<object, Decision>();

  /** `index`: the names of the token types the grammar consumes. */
  constructor(private readonly index: TokenIndex) {}

  validate(options: { rules: Rule[]; tokenTypes: TokenType[]; grammarName: string }): ILookaheadValidationError[] {
    return new LLkLookaheadStrategy({ maxLookahead: 1 }).validate(options);
  }

  /** The decision that `fn`, a function built here, makes. */
  decisionOf(fn: object): Decision | undefined {
    return this.decisions.get(fn);
  }

  buildLookaheadForAlternation(options: {
    prodOccurrence: number;
    rule: Rule;
    hasPredicates: boolean;
  }): (orAlts?: IOrAlt<unknown>[]) => number | undefined {
    const or = findProduction(options.rule.definition, Alternation, options.prodOccurrence) as unknown as Alternation;
    const alts = or.definition.map((alt) => this.sequence((alt as unknown as Alternative).definition));
    const decision: Decision = {
      or: alts.map((alt) => ({ tokens: [...alt.tokens].map(this.index.name), nullable: alt.nullable })),
      predicates: options.hasPredicates,
    };
    return this.built(decision) as (orAlts?: IOrAlt<unknown>[]) => number | undefined;
  }

  buildLookaheadForOptional(options: {
    prodOccurrence: number;
    prodType: OptionalProductionType;
    rule: Rule;
  }): () => boolean {
    const prod = findProduction(options.rule.definition, optionalClasses[options.prodType], options.prodOccurrence);
    const inner = this.sequence((prod as unknown as { definition: IProduction[] }).definition);
    return this.built({ optional: [...inner.tokens].map(this.index.name) }) as () => boolean;
  }

  /** The function that makes `decision` (from a `LookaheadTable`), known here as one built here. */
  built(decision: Decision): object {
    const fn = lookaheadFunction(decision, this.index);
    this.decisions.set(fn, decision);
    return fn;
  }

  private sequence(items: IProduction[]): First {
    const tokens = new Set<number>();
    for (const item of items) {
      const f = this.production(item);
      for (const t of f.tokens) tokens.add(t);
      if (!f.nullable) return { tokens, nullable: false };
    }
    return { tokens, nullable: true };
  }

  private production(p: IProduction): First {
    if (p instanceof Terminal) return { tokens: new Set([p.terminalType.tokenTypeIdx!]), nullable: false };
    if (p instanceof NonTerminal) return this.rule(p.referencedRule);
    if (p instanceof Alternation) {
      const tokens = new Set<number>();
      let nullable = false;
      for (const alt of p.definition) {
        const f = this.sequence((alt as unknown as Alternative).definition);
        for (const t of f.tokens) tokens.add(t);
        nullable ||= f.nullable;
      }
      return { tokens, nullable };
    }
    const inner = this.sequence((p as unknown as Alternative).definition);
    const mandatory =
      p instanceof RepetitionMandatory || p instanceof RepetitionMandatoryWithSeparator || p instanceof Alternative;
    return { tokens: inner.tokens, nullable: mandatory ? inner.nullable : true };
  }

  private rule(rule: Rule): First {
    let f = this.ruleFirst.get(rule);
    if (!f) {
      // The grammar has no left recursion, so a rule is never re-entered here.
      f = this.sequence(rule.definition);
      this.ruleFirst.set(rule, f);
    }
    return f;
  }
}

/** The production of class `kind` with occurrence index `idx`, anywhere in `items`. */
function findProduction(items: IProduction[], kind: new (...args: never[]) => IProduction, idx: number): IProduction {
  for (const item of items) {
    if (item instanceof kind && (item as unknown as { idx: number }).idx === idx) return item;
    if (item instanceof Terminal || item instanceof NonTerminal) continue;
    const inner = (item as unknown as { definition?: IProduction[] }).definition;
    if (!inner) continue;
    try {
      return findProduction(inner, kind, idx);
    } catch {
      // not in this branch
    }
  }
  throw new Error(`lookahead: no ${kind.name} with occurrence ${idx}`);
}

/**
 * The lookahead functions of a parser, as `FirstTokenLookahead` built them:
 * the names of its rules in the order they are defined, and the decision of
 * each function, by rule and by its key's offset from the rule's own key.
 */
export interface LookaheadTable {
  rules: string[];
  decisions: [rule: string, offset: number, decision: Decision][];
}
