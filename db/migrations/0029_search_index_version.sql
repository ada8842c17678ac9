-- What the search index's text was made with (search-index.ts SEARCH_INDEX_VERSION: the tokenising and
-- the synonym table, synonyms.ts). Empty in a database indexed before it was kept, so the server
-- rebuilds every instrument's index entry at its next start (search-index-refresh.ts), and again
-- whenever the version in the code differs from the one stored here.
ALTER TABLE `catalog_meta` ADD `index_version` text DEFAULT '' NOT NULL;
