-- The catalogue's full-text index on PostgreSQL: what FTS5's instrument_fts is on SQLite. One row per
-- instrument under its search_key (which packs the facet values, search-key.ts); the document is a
-- tsvector the application writes as a literal from the same tokens as FTS5's (search-text.ts):
-- Chinese as overlapping bigrams and characters, Latin words and model numbers whole and in parts,
-- filter tags (_c370100 …) as lexemes no text query can reach. Title lexemes carry weight A (name
-- and model first in relevance), the body's the default. PostgreSQL's text parser and locale are
-- never involved, so results do not depend on the server's configuration.
CREATE TABLE instrument_search (
  search_key bigint PRIMARY KEY,
  document tsvector NOT NULL
);
--> statement-breakpoint
CREATE INDEX instrument_search_document ON instrument_search USING gin (document);
--> statement-breakpoint
-- Finer lexeme statistics: the planner then tells a rare term or prefix (a bitmap scan of its few
-- matches) from a broad one (walking the key or price order until a page is full).
ALTER TABLE instrument_search ALTER COLUMN document SET STATISTICS 1000;
