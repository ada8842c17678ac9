CREATE TABLE `service_agreements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`stored_name` text NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	`accepted_by` integer,
	`accepted_at` integer,
	`accepted_from` text,
	`accepted_user_agent` text,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`accepted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `service_agreements_booking_id_unique` ON `service_agreements` (`booking_id`);--> statement-breakpoint
CREATE TABLE `programme_rule_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`programme_id` integer NOT NULL,
	`version` integer NOT NULL,
	`effective_from` integer NOT NULL,
	`rules` text NOT NULL,
	`note` text,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`programme_id`) REFERENCES `voucher_programmes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `programme_rule_versions_version` ON `programme_rule_versions` (`programme_id`,`version`);--> statement-breakpoint
CREATE TABLE `shared_caps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`year` integer NOT NULL,
	`scope` text NOT NULL,
	`cap_fen` integer NOT NULL,
	`programme_ids` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `payment_notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`provider_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`reference` text NOT NULL,
	`payee` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`received_fen` integer DEFAULT 0 NOT NULL,
	`due_on` text NOT NULL,
	`status` text NOT NULL,
	`reminded_at` integer,
	`closed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`provider_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_notices_booking_id_unique` ON `payment_notices` (`booking_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payment_notices_reference_unique` ON `payment_notices` (`reference`);--> statement-breakpoint
CREATE INDEX `payment_notices_status` ON `payment_notices` (`status`,`due_on`);--> statement-breakpoint
CREATE INDEX `payment_notices_provider` ON `payment_notices` (`provider_id`);--> statement-breakpoint
CREATE TABLE `transfer_receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notice_id` integer NOT NULL,
	`kind` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`received_on` text NOT NULL,
	`bank_reference` text NOT NULL,
	`proof_document_id` integer,
	`note` text,
	`recorded_by` integer,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`notice_id`) REFERENCES `payment_notices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `transfer_receipts_notice` ON `transfer_receipts` (`notice_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `transfer_receipts_bank_reference` ON `transfer_receipts` (`kind`,`bank_reference`);--> statement-breakpoint
CREATE TABLE `notice_objections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`line_id` integer,
	`name` text NOT NULL,
	`contact` text NOT NULL,
	`content` text NOT NULL,
	`client_address` text,
	`status` text NOT NULL,
	`answer` text,
	`answered_by` integer,
	`answered_at` integer,
	`lodged_at` integer NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `settlement_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`line_id`) REFERENCES `settlement_lines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`answered_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notice_objections_batch` ON `notice_objections` (`batch_id`);--> statement-breakpoint
CREATE TABLE `settlement_line_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`line_id` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`stage` integer NOT NULL,
	`stage_kind` text NOT NULL,
	`office_id` integer NOT NULL,
	`decision` text NOT NULL,
	`reason` text,
	`actor_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`line_id`) REFERENCES `settlement_lines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`batch_id`) REFERENCES `settlement_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`office_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `settlement_line_reviews_line` ON `settlement_line_reviews` (`line_id`,`stage`);--> statement-breakpoint
DROP INDEX `voucher_uses_booking_id_unique`;--> statement-breakpoint
ALTER TABLE `voucher_uses` ADD `planned` text;--> statement-breakpoint
ALTER TABLE `voucher_uses` ADD `sequence` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `voucher_uses_booking_programme` ON `voucher_uses` (`booking_id`,`programme_id`);--> statement-breakpoint
ALTER TABLE `organisations` ADD `bank_account` text;--> statement-breakpoint
ALTER TABLE `organisations` ADD `transfer_due_days` integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `transfer_cancel_unpaid` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `bookings` ADD `price_snapshot` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `funding_source` text;--> statement-breakpoint
ALTER TABLE `voucher_programmes` ADD `eligible_parts` text;--> statement-breakpoint
ALTER TABLE `voucher_programmes` ADD `review_stages` text;--> statement-breakpoint
ALTER TABLE `voucher_programmes` ADD `public_notice_days` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `voucher_programmes` ADD `funding_order` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `voucher_programmes` ADD `rules_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `payments` ADD `customer_id` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `authorised_at` integer;--> statement-breakpoint
ALTER TABLE `payments` ADD `authorise_at` integer;--> statement-breakpoint
CREATE INDEX `payments_authorise_at` ON `payments` (`authorise_at`);--> statement-breakpoint
ALTER TABLE `settlement_batches` ADD `paid_by` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `settlement_batches` ADD `stage` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `settlement_batches` ADD `notice_starts_at` integer;--> statement-breakpoint
ALTER TABLE `settlement_batches` ADD `notice_ends_at` integer;--> statement-breakpoint
ALTER TABLE `settlement_lines` ADD `review_office_id` integer REFERENCES organisations(id);--> statement-breakpoint
ALTER TABLE `settlement_lines` ADD `invoice_amount_fen` integer;--> statement-breakpoint
ALTER TABLE `settlement_lines` ADD `invoice_buyer` text;--> statement-breakpoint
ALTER TABLE `settlement_lines` ADD `invoice_document_id` integer;--> statement-breakpoint
ALTER TABLE `payments` ADD `attempt` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
INSERT INTO `programme_rule_versions` (`programme_id`, `version`, `effective_from`, `rules`, `note`, `created_by`, `created_at`)
SELECT `id`, 1, `created_at`, json_object('ratioRules', json(`ratio_rules`), 'orderCapFen', `order_cap_fen`, 'enterpriseYearCapFen', `enterprise_year_cap_fen`, 'groupYearCapFen', `group_year_cap_fen`, 'startsOn', `starts_on`, 'useBy', `use_by`, 'claimBy', `claim_by`, 'eligibleCategories', json(`eligible_categories`), 'eligibleProviders', json(`eligible_providers`), 'allowOutOfProvince', json(CASE WHEN `allow_out_of_province` THEN 'true' ELSE 'false' END), 'eligibleParts', json_object('surcharges', json('true'), 'setupFee', json('true'))), 'version 1: the rules as they stood when versions began', `created_by`, `created_at`
FROM `voucher_programmes` WHERE `id` NOT IN (SELECT `programme_id` FROM `programme_rule_versions`);