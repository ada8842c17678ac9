CREATE TABLE `instrument_import_errors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`import_id` integer NOT NULL,
	`row` integer NOT NULL,
	`column` text,
	`value` text,
	`message` text NOT NULL,
	FOREIGN KEY (`import_id`) REFERENCES `instrument_imports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `instrument_import_errors_import` ON `instrument_import_errors` (`import_id`,`row`);--> statement-breakpoint
CREATE TABLE `instrument_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`created_by` integer NOT NULL,
	`file_name` text NOT NULL,
	`format` text NOT NULL,
	`stored_name` text NOT NULL,
	`status` text NOT NULL,
	`error_policy` text,
	`total_rows` integer DEFAULT 0 NOT NULL,
	`valid_rows` integer DEFAULT 0 NOT NULL,
	`error_rows` integer DEFAULT 0 NOT NULL,
	`processed_rows` integer DEFAULT 0 NOT NULL,
	`created_count` integer DEFAULT 0 NOT NULL,
	`updated_count` integer DEFAULT 0 NOT NULL,
	`unchanged_count` integer DEFAULT 0 NOT NULL,
	`submitted_count` integer DEFAULT 0 NOT NULL,
	`next_row` integer DEFAULT 0 NOT NULL,
	`failure` text,
	`leased_by` text,
	`lease_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`institution_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `instrument_imports_institution` ON `instrument_imports` (`institution_id`,`id`);--> statement-breakpoint
CREATE INDEX `instrument_imports_status` ON `instrument_imports` (`status`);--> statement-breakpoint
CREATE TABLE `listing_submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`instrument_id` integer,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`record` text NOT NULL,
	`published` text,
	`field_reasons` text,
	`note` text,
	`source` text DEFAULT 'form' NOT NULL,
	`import_id` integer,
	`asset_number` text NOT NULL,
	`name_zh` text NOT NULL,
	`category_code` text NOT NULL,
	`city_code` text NOT NULL,
	`submitted_by` integer,
	`submitted_at` integer NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`institution_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`instrument_id`) REFERENCES `instruments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`submitted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `listing_submissions_queue` ON `listing_submissions` (`status`,`city_code`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `listing_submissions_institution` ON `listing_submissions` (`institution_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `listing_submissions_instrument` ON `listing_submissions` (`instrument_id`,`status`);--> statement-breakpoint
CREATE INDEX `listing_submissions_asset` ON `listing_submissions` (`institution_id`,`asset_number`,`status`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	`revoked_by` integer,
	FOREIGN KEY (`institution_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revoked_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_institution` ON `api_keys` (`institution_id`,`id`);--> statement-breakpoint
CREATE TABLE `external_service_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`instrument_id` integer NOT NULL,
	`external_id` text NOT NULL,
	`api_key_id` integer,
	`mode` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`minutes` integer,
	`samples` integer,
	`amount_fen` integer NOT NULL,
	`purpose` text,
	`user_name` text NOT NULL,
	`user_organisation_name` text NOT NULL,
	`user_credit_code` text,
	`user_organisation_id` integer,
	`user_type` text NOT NULL,
	`rating` integer,
	`received_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`institution_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`instrument_id`) REFERENCES `instruments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`api_key_id`) REFERENCES `api_keys`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `external_service_records_external_id` ON `external_service_records` (`institution_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `external_service_records_instrument` ON `external_service_records` (`instrument_id`,`start_at`);--> statement-breakpoint
CREATE INDEX `external_service_records_institution` ON `external_service_records` (`institution_id`,`start_at`);--> statement-breakpoint
CREATE TABLE `quotes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`need_id` integer NOT NULL,
	`institution_id` integer NOT NULL,
	`instrument_id` integer NOT NULL,
	`rate_item_id` integer,
	`lines` text NOT NULL,
	`total_fen` integer NOT NULL,
	`negotiated` integer DEFAULT false NOT NULL,
	`earliest_date` text NOT NULL,
	`valid_until` text NOT NULL,
	`note` text,
	`status` text NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`need_id`) REFERENCES `testing_needs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`institution_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`instrument_id`) REFERENCES `instruments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rate_item_id`) REFERENCES `rate_card_items`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `quotes_need` ON `quotes` (`need_id`,`status`);--> statement-breakpoint
CREATE INDEX `quotes_institution` ON `quotes` (`institution_id`,`id`);--> statement-breakpoint
CREATE TABLE `testing_need_institutions` (
	`need_id` integer NOT NULL,
	`institution_id` integer NOT NULL,
	`reason` text NOT NULL,
	`instrument_ids` text DEFAULT '[]' NOT NULL,
	`notified_at` integer,
	PRIMARY KEY(`need_id`, `institution_id`),
	FOREIGN KEY (`need_id`) REFERENCES `testing_needs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`institution_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `testing_need_institutions_institution` ON `testing_need_institutions` (`institution_id`);--> statement-breakpoint
CREATE TABLE `testing_needs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`enterprise_id` integer NOT NULL,
	`created_by` integer NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`category_code` text,
	`sample_type` text,
	`sample_count` integer,
	`deadline` text,
	`budget_min_fen` integer,
	`budget_max_fen` integer,
	`city_code` text,
	`visibility` text NOT NULL,
	`status` text NOT NULL,
	`expires_at` integer NOT NULL,
	`accepted_quote_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`enterprise_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_code`) REFERENCES `categories`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`city_code`) REFERENCES `cities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `testing_needs_enterprise` ON `testing_needs` (`enterprise_id`,`id`);--> statement-breakpoint
CREATE INDEX `testing_needs_open` ON `testing_needs` (`status`,`visibility`,`expires_at`);--> statement-breakpoint
ALTER TABLE `instruments` ADD `purchase_funding` text;--> statement-breakpoint
ALTER TABLE `instruments` ADD `purpose` text;--> statement-breakpoint
ALTER TABLE `instruments` ADD `host_facility` text;--> statement-breakpoint
ALTER TABLE `instruments` ADD `customs_supervised` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `instruments` ADD `sharing_rules` text;--> statement-breakpoint
ALTER TABLE `instruments` ADD `booking_url` text;--> statement-breakpoint
ALTER TABLE `instruments` ADD `national_number` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `quote_id` integer REFERENCES quotes(id);--> statement-breakpoint
-- Records pushed from institutions' own systems count in the statistics like bookings: mark their months.
CREATE TRIGGER stats_external_records_insert AFTER INSERT ON external_service_records
BEGIN
  INSERT OR IGNORE INTO stats_dirty (instrument_id, month)
  VALUES (NEW.instrument_id, strftime('%Y-%m', NEW.start_at / 1000, 'unixepoch', '+8 hours'));
END;
--> statement-breakpoint
CREATE TRIGGER stats_external_records_update AFTER UPDATE ON external_service_records
BEGIN
  INSERT OR IGNORE INTO stats_dirty (instrument_id, month)
  VALUES (NEW.instrument_id, strftime('%Y-%m', NEW.start_at / 1000, 'unixepoch', '+8 hours'));
  INSERT OR IGNORE INTO stats_dirty (instrument_id, month)
  VALUES (OLD.instrument_id, strftime('%Y-%m', OLD.start_at / 1000, 'unixepoch', '+8 hours'));
END;
