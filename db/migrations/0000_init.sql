CREATE TABLE `categories` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_en` text,
	`parent_code` text,
	`level` integer NOT NULL,
	`ordinal` integer
);
--> statement-breakpoint
CREATE TABLE `cities` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_en` text NOT NULL,
	`province` text NOT NULL,
	`voucher_ratio_percent` integer NOT NULL,
	`ordinal` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cities_ordinal_unique` ON `cities` (`ordinal`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`name_en` text,
	`credit_code` text,
	`city_code` text,
	`address` text,
	`institution_type` text,
	`certified` integer DEFAULT false NOT NULL,
	`contact_phone` text,
	`website` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`city_code`) REFERENCES `cities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_credit_code_unique` ON `organisations` (`credit_code`);--> statement-breakpoint
CREATE INDEX `organisations_kind_city` ON `organisations` (`kind`,`city_code`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`organisation_id` integer NOT NULL,
	`phone` text,
	`created_at` integer NOT NULL,
	`disabled_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_organisation` ON `users` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `instruments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`institution_id` integer NOT NULL,
	`asset_number` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text,
	`category_code` text NOT NULL,
	`origin` text DEFAULT 'purchased' NOT NULL,
	`original_value_fen` integer NOT NULL,
	`commissioned_on` text,
	`country` text,
	`manufacturer` text,
	`model` text,
	`specs` text,
	`functions` text,
	`subject_areas` text DEFAULT '[]' NOT NULL,
	`service_content` text,
	`fee_note` text,
	`sharing_mode` text NOT NULL,
	`run_status` text NOT NULL,
	`province` text DEFAULT '山东省' NOT NULL,
	`city_code` text NOT NULL,
	`district` text,
	`address` text,
	`contact_name` text,
	`contact_phone` text,
	`contact_email` text,
	`photo_url` text,
	`time_zone` text DEFAULT 'Asia/Shanghai' NOT NULL,
	`annual_run_hours` integer,
	`annual_service_hours` integer,
	`list_price_fen` integer,
	`list_price_unit` text,
	`price_sort_fen` integer NOT NULL,
	`search_key` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`institution_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_code`) REFERENCES `categories`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`city_code`) REFERENCES `cities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `instruments_search_key_unique` ON `instruments` (`search_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `instruments_institution_asset` ON `instruments` (`institution_id`,`asset_number`);--> statement-breakpoint
CREATE INDEX `instruments_city_price` ON `instruments` (`city_code`,`price_sort_fen`,`id`);--> statement-breakpoint
CREATE INDEX `instruments_category_price` ON `instruments` (`category_code`,`price_sort_fen`,`id`);--> statement-breakpoint
CREATE INDEX `instruments_institution` ON `instruments` (`institution_id`,`id`);--> statement-breakpoint
CREATE INDEX `instruments_price` ON `instruments` (`price_sort_fen`,`id`);--> statement-breakpoint
CREATE INDEX `instruments_value` ON `instruments` (`original_value_fen`,`id`);--> statement-breakpoint
CREATE TABLE `rate_card_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`instrument_id` integer NOT NULL,
	`unit` text NOT NULL,
	`label_zh` text NOT NULL,
	`label_en` text,
	`internal_fen` integer NOT NULL,
	`academic_fen` integer NOT NULL,
	`enterprise_fen` integer NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`instrument_id`) REFERENCES `instruments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rate_card_items_instrument` ON `rate_card_items` (`instrument_id`,`sort_order`);--> statement-breakpoint
CREATE TABLE `rate_cards` (
	`instrument_id` integer PRIMARY KEY NOT NULL,
	`setup_fee_fen` integer DEFAULT 0 NOT NULL,
	`minimum_charge_fen` integer DEFAULT 0 NOT NULL,
	`urgent_surcharge_percent` integer DEFAULT 50 NOT NULL,
	`off_hours_surcharge_percent` integer DEFAULT 0 NOT NULL,
	`notes` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`instrument_id`) REFERENCES `instruments`(`id`) ON UPDATE no action ON DELETE cascade
);
