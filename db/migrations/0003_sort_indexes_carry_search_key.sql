DROP INDEX `instruments_city_price`;--> statement-breakpoint
DROP INDEX `instruments_price`;--> statement-breakpoint
DROP INDEX `instruments_value`;--> statement-breakpoint
CREATE INDEX `instruments_city_price` ON `instruments` (`city_code`,`price_sort_fen`,`id`,`search_key`);--> statement-breakpoint
CREATE INDEX `instruments_price` ON `instruments` (`price_sort_fen`,`id`,`search_key`);--> statement-breakpoint
CREATE INDEX `instruments_value` ON `instruments` (`original_value_fen`,`id`,`search_key`);