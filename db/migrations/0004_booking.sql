CREATE TABLE `booking_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`actor_id` integer,
	`at` integer NOT NULL,
	`reason` text,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `booking_events_booking` ON `booking_events` (`booking_id`,`id`);--> statement-breakpoint
CREATE TABLE `bookings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`instrument_id` integer NOT NULL,
	`institution_id` integer NOT NULL,
	`requester_id` integer NOT NULL,
	`requester_organisation_id` integer NOT NULL,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`start_at` integer,
	`end_at` integer,
	`block_start_at` integer,
	`block_end_at` integer,
	`sample_count` integer,
	`wanted_by` integer,
	`purpose` text,
	`urgent` integer DEFAULT false NOT NULL,
	`user_type` text NOT NULL,
	`quoted_fen` integer NOT NULL,
	`price_lines` text NOT NULL,
	`actual_minutes` integer,
	`actual_samples` integer,
	`final_fen` integer,
	`final_lines` text,
	`report_url` text,
	`rating` integer,
	`rating_comment` text,
	`idempotency_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`instrument_id`) REFERENCES `instruments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`institution_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requester_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requester_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bookings_instrument_block` ON `bookings` (`instrument_id`,`block_start_at`);--> statement-breakpoint
CREATE INDEX `bookings_institution` ON `bookings` (`institution_id`,`id`);--> statement-breakpoint
CREATE INDEX `bookings_requester_org` ON `bookings` (`requester_organisation_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_idempotency` ON `bookings` (`requester_id`,`idempotency_key`);--> statement-breakpoint
CREATE TABLE `calendar_tokens` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_tokens_token_unique` ON `calendar_tokens` (`token`);--> statement-breakpoint
CREATE TABLE `closures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`instrument_id` integer NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`reason` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`instrument_id`) REFERENCES `instruments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `closures_instrument` ON `closures` (`instrument_id`,`start_at`);--> statement-breakpoint
CREATE TABLE `holidays` (
	`date` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text
);
--> statement-breakpoint
CREATE TABLE `instrument_schedules` (
	`instrument_id` integer PRIMARY KEY NOT NULL,
	`weekly_hours` text NOT NULL,
	`slot_minutes` integer DEFAULT 30 NOT NULL,
	`min_booking_minutes` integer DEFAULT 60 NOT NULL,
	`max_booking_minutes` integer DEFAULT 480 NOT NULL,
	`min_notice_minutes` integer DEFAULT 1440 NOT NULL,
	`horizon_days` integer DEFAULT 60 NOT NULL,
	`setup_buffer_minutes` integer DEFAULT 0 NOT NULL,
	`cleanup_buffer_minutes` integer DEFAULT 0 NOT NULL,
	`machine_time_enabled` integer DEFAULT true NOT NULL,
	`sample_enabled` integer DEFAULT true NOT NULL,
	`approval_required` integer DEFAULT true NOT NULL,
	`qualification_required` integer DEFAULT false NOT NULL,
	`cancellation_deadline_hours` integer DEFAULT 24 NOT NULL,
	`observe_holidays` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`instrument_id`) REFERENCES `instruments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `training_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`instrument_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`granted_by` integer,
	`granted_at` integer NOT NULL,
	`expires_on` text NOT NULL,
	`revoked_at` integer,
	`note` text,
	FOREIGN KEY (`instrument_id`) REFERENCES `instruments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`granted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `training_records_user` ON `training_records` (`user_id`,`instrument_id`);