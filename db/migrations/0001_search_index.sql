-- Full-text index of the catalogue. Contentless: it stores tokens, not text (the text is
-- pre-tokenised in search-text.ts so 1–2 character Chinese queries work). Its rowid is the
-- instrument's search_key, which packs the facet values (search-key.ts). '_' is a token character so
-- the filter tags (_c370100 …) are whole tokens that no text prefix query can reach.
CREATE VIRTUAL TABLE `instrument_fts` USING fts5(
  `title`, `body`, `tags`,
  content = '', contentless_delete = 1,
  tokenize = "unicode61 remove_diacritics 2 tokenchars '_'"
);
--> statement-breakpoint
-- Bumped by every change to the catalogue, so derived figures can be cached safely.
CREATE TABLE `catalog_meta` (`id` integer PRIMARY KEY CHECK (`id` = 1), `version` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `catalog_meta` (`id`, `version`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `instruments_bump_version_insert` AFTER INSERT ON `instruments`
BEGIN UPDATE `catalog_meta` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `instruments_bump_version_update` AFTER UPDATE ON `instruments`
BEGIN UPDATE `catalog_meta` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `instruments_bump_version_delete` AFTER DELETE ON `instruments`
BEGIN UPDATE `catalog_meta` SET `version` = `version` + 1 WHERE `id` = 1; END;
