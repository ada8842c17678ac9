CREATE TABLE `reconciliation_findings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`kind` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`ref` text NOT NULL,
	`detail` text NOT NULL,
	`resolved_by` integer,
	`resolved_at` integer,
	`resolution_note` text,
	FOREIGN KEY (`run_id`) REFERENCES `reconciliation_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resolved_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reconciliation_findings_run` ON `reconciliation_findings` (`run_id`);--> statement-breakpoint
CREATE TABLE `reconciliation_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`from_at` integer NOT NULL,
	`to_at` integer NOT NULL,
	`status` text NOT NULL,
	`trigger` text NOT NULL,
	`summary` text,
	`error` text,
	`created_by` integer,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `settlement_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`programme_id` integer NOT NULL,
	`month` text NOT NULL,
	`claimant_id` integer NOT NULL,
	`claimant_kind` text NOT NULL,
	`review_office_id` integer NOT NULL,
	`status` text NOT NULL,
	`bank_account` text,
	`paid_reference` text,
	`paid_fen` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`submitted_at` integer,
	`paid_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`programme_id`) REFERENCES `voucher_programmes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`claimant_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`review_office_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `settlement_batches_office` ON `settlement_batches` (`review_office_id`,`status`);--> statement-breakpoint
CREATE INDEX `settlement_batches_claimant` ON `settlement_batches` (`claimant_id`,`programme_id`,`month`);--> statement-breakpoint
CREATE TABLE `settlement_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`line_id` integer,
	`action` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`actor_id` integer,
	`reason` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `settlement_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`line_id`) REFERENCES `settlement_lines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `settlement_events_batch` ON `settlement_events` (`batch_id`,`id`);--> statement-breakpoint
CREATE TABLE `settlement_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`voucher_use_id` integer NOT NULL,
	`booking_id` integer NOT NULL,
	`voucher_fen` integer NOT NULL,
	`invoice_no` text,
	`payment_ref` text,
	`service_record` text NOT NULL,
	`note` text,
	`status` text NOT NULL,
	`reason` text,
	`decided_by` integer,
	`decided_at` integer,
	`override_by` integer,
	`override_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `settlement_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`voucher_use_id`) REFERENCES `voucher_uses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`override_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `settlement_lines_batch` ON `settlement_lines` (`batch_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `settlement_lines_use_once` ON `settlement_lines` (`voucher_use_id`) WHERE status != 'removed';--> statement-breakpoint
CREATE UNIQUE INDEX `settlement_lines_invoice` ON `settlement_lines` (`invoice_no`) WHERE invoice_no IS NOT NULL AND status != 'removed';--> statement-breakpoint
ALTER TABLE `voucher_programmes` ADD `review_level` text DEFAULT 'city' NOT NULL;--> statement-breakpoint
ALTER TABLE `voucher_programmes` ADD `reject_outcome` text DEFAULT 'enterprise_debt' NOT NULL;