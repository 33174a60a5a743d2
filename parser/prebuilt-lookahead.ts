/**
 * The parser's lookahead table when it is made at build time: none here, so
 * that the library's parser analyses its grammar when it is made (see
 * `WitParserBase.performSelfAnalysis`). The CLI's bundle replaces this module
 * with the table of the grammar it bundles (build/bundle.mjs).
 */
import type { LookaheadTable } from "./lookahead.js";

export const prebuiltLookahead: LookaheadTable | undefined = undefined;
