CREATE TABLE `instrument_month_enterprises` (
	`instrument_id` integer NOT NULL,
	`month` text NOT NULL,
	`enterprise_id` integer NOT NULL,
	PRIMARY KEY(`instrument_id`, `month`, `enterprise_id`)
);
--> statement-breakpoint
CREATE INDEX `instrument_month_enterprises_month` ON `instrument_month_enterprises` (`month`,`enterprise_id`);--> statement-breakpoint
CREATE TABLE `instrument_month_stats` (
	`instrument_id` integer NOT NULL,
	`month` text NOT NULL,
	`institution_id` integer NOT NULL,
	`city_code` text,
	`top_category` text NOT NULL,
	`open_minutes` integer NOT NULL,
	`booked_minutes` integer NOT NULL,
	`used_minutes` integer NOT NULL,
	`external_minutes` integer NOT NULL,
	`samples` integer NOT NULL,
	`income_fen` integer NOT NULL,
	`voucher_income_fen` integer NOT NULL,
	`saved_fen` integer NOT NULL,
	`requests` integer NOT NULL,
	`completed` integer NOT NULL,
	`external_completed` integer NOT NULL,
	`cancelled` integer NOT NULL,
	`rejected` integer NOT NULL,
	`no_shows` integer NOT NULL,
	`rating_sum` integer NOT NULL,
	`rating_count` integer NOT NULL,
	`turnaround` text NOT NULL,
	`refreshed_at` integer NOT NULL,
	PRIMARY KEY(`instrument_id`, `month`)
);
--> statement-breakpoint
CREATE INDEX `instrument_month_stats_month` ON `instrument_month_stats` (`month`,`institution_id`);--> statement-breakpoint
CREATE INDEX `instrument_month_stats_institution` ON `instrument_month_stats` (`institution_id`,`month`);--> statement-breakpoint
CREATE TABLE `instrument_year_stats` (
	`instrument_id` integer NOT NULL,
	`year` integer NOT NULL,
	`institution_id` integer NOT NULL,
	`open_minutes` integer DEFAULT 0 NOT NULL,
	`booked_minutes` integer DEFAULT 0 NOT NULL,
	`used_minutes` integer DEFAULT 0 NOT NULL,
	`external_minutes` integer DEFAULT 0 NOT NULL,
	`samples` integer DEFAULT 0 NOT NULL,
	`income_fen` integer DEFAULT 0 NOT NULL,
	`voucher_income_fen` integer DEFAULT 0 NOT NULL,
	`saved_fen` integer DEFAULT 0 NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`completed` integer DEFAULT 0 NOT NULL,
	`external_completed` integer DEFAULT 0 NOT NULL,
	`cancelled` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`no_shows` integer DEFAULT 0 NOT NULL,
	`rating_sum` integer DEFAULT 0 NOT NULL,
	`rating_count` integer DEFAULT 0 NOT NULL,
	`t0` integer DEFAULT 0 NOT NULL,
	`t1` integer DEFAULT 0 NOT NULL,
	`t2` integer DEFAULT 0 NOT NULL,
	`t3` integer DEFAULT 0 NOT NULL,
	`t4` integer DEFAULT 0 NOT NULL,
	`t5` integer DEFAULT 0 NOT NULL,
	`t6` integer DEFAULT 0 NOT NULL,
	`t7` integer DEFAULT 0 NOT NULL,
	`t8` integer DEFAULT 0 NOT NULL,
	`t9` integer DEFAULT 0 NOT NULL,
	`t10` integer DEFAULT 0 NOT NULL,
	`t11` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`instrument_id`, `year`)
);
--> statement-breakpoint
CREATE INDEX `instrument_year_stats_used` ON `instrument_year_stats` (`year`,`used_minutes`);--> statement-breakpoint
CREATE INDEX `instrument_year_stats_institution` ON `instrument_year_stats` (`institution_id`,`year`);--> statement-breakpoint
CREATE TABLE `scope_month_enterprises` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`month` text NOT NULL,
	`enterprise_id` integer NOT NULL,
	`refs` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`, `month`, `enterprise_id`)
);
--> statement-breakpoint
CREATE TABLE `scope_month_stats` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`month` text NOT NULL,
	`open_minutes` integer DEFAULT 0 NOT NULL,
	`booked_minutes` integer DEFAULT 0 NOT NULL,
	`used_minutes` integer DEFAULT 0 NOT NULL,
	`external_minutes` integer DEFAULT 0 NOT NULL,
	`samples` integer DEFAULT 0 NOT NULL,
	`income_fen` integer DEFAULT 0 NOT NULL,
	`voucher_income_fen` integer DEFAULT 0 NOT NULL,
	`saved_fen` integer DEFAULT 0 NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`completed` integer DEFAULT 0 NOT NULL,
	`external_completed` integer DEFAULT 0 NOT NULL,
	`cancelled` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`no_shows` integer DEFAULT 0 NOT NULL,
	`rating_sum` integer DEFAULT 0 NOT NULL,
	`rating_count` integer DEFAULT 0 NOT NULL,
	`t0` integer DEFAULT 0 NOT NULL,
	`t1` integer DEFAULT 0 NOT NULL,
	`t2` integer DEFAULT 0 NOT NULL,
	`t3` integer DEFAULT 0 NOT NULL,
	`t4` integer DEFAULT 0 NOT NULL,
	`t5` integer DEFAULT 0 NOT NULL,
	`t6` integer DEFAULT 0 NOT NULL,
	`t7` integer DEFAULT 0 NOT NULL,
	`t8` integer DEFAULT 0 NOT NULL,
	`t9` integer DEFAULT 0 NOT NULL,
	`t10` integer DEFAULT 0 NOT NULL,
	`t11` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`scope`, `key`, `month`)
);
--> statement-breakpoint
CREATE TABLE `stats_dirty` (
	`instrument_id` integer NOT NULL,
	`month` text NOT NULL,
	PRIMARY KEY(`instrument_id`, `month`)
);
