/** A part of the Chinese catalogue of server messages (messages.zh.ts merges the parts of each module). */
export type Replacement = string | ((...groups: string[]) => string);
export type Pattern = readonly [RegExp, Replacement];

export interface MessageCatalogue {
  /** `notFound(what)`: the Chinese of each `what`. */
  notFound: Record<string, string>;
  /** Exact problem details. */
  details: Record<string, string>;
  /** Details built with template literals (tried before the shared patterns). */
  detailPatterns: readonly Pattern[];
  /** Exact field messages. */
  fields: Record<string, string>;
  fieldPatterns: readonly Pattern[];
}
