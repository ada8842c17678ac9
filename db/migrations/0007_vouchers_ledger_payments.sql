CREATE TABLE `controller_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`controller` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `enterprise_certifications` (
	`organisation_id` integer PRIMARY KEY NOT NULL,
	`certificate_no` text NOT NULL,
	`certified_on` text NOT NULL,
	`expires_on` text NOT NULL,
	`controller_group_id` integer,
	`revoked_at` integer,
	`updated_by` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`controller_group_id`) REFERENCES `controller_groups`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enterprise_certifications_certificate_no_unique` ON `enterprise_certifications` (`certificate_no`);--> statement-breakpoint
CREATE TABLE `related_parties` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`enterprise_id` integer NOT NULL,
	`provider_id` integer NOT NULL,
	`relation` text NOT NULL,
	`note` text,
	`declared_by` integer,
	`declared_at` integer NOT NULL,
	FOREIGN KEY (`enterprise_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`provider_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`declared_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `related_parties_pair` ON `related_parties` (`enterprise_id`,`provider_id`,`relation`);--> statement-breakpoint
CREATE TABLE `voucher_programmes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`name_en` text,
	`province` text NOT NULL,
	`issuer_city_code` text,
	`year` integer NOT NULL,
	`settlement_mode` text NOT NULL,
	`ratio_rules` text NOT NULL,
	`order_cap_fen` integer,
	`enterprise_year_cap_fen` integer NOT NULL,
	`group_year_cap_fen` integer,
	`budget_fen` integer NOT NULL,
	`starts_on` text NOT NULL,
	`use_by` text NOT NULL,
	`claim_by` text NOT NULL,
	`eligible_categories` text NOT NULL,
	`eligible_providers` text NOT NULL,
	`allow_out_of_province` integer DEFAULT false NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`issuer_city_code`) REFERENCES `cities`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `voucher_quotas` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`programme_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`cap_fen` integer NOT NULL,
	`granted_by` integer,
	`granted_at` integer NOT NULL,
	`revoked_at` integer,
	`revoke_reason` text,
	FOREIGN KEY (`programme_id`) REFERENCES `voucher_programmes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`granted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `voucher_quotas_programme_enterprise` ON `voucher_quotas` (`programme_id`,`enterprise_id`);--> statement-breakpoint
CREATE TABLE `voucher_uses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`quota_id` integer NOT NULL,
	`programme_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`provider_id` integer NOT NULL,
	`settlement_mode` text NOT NULL,
	`status` text NOT NULL,
	`ratio_percent` integer NOT NULL,
	`eligible_fen` integer NOT NULL,
	`reserved_fen` integer NOT NULL,
	`posted_fen` integer,
	`limited_by` text NOT NULL,
	`justification` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`quota_id`) REFERENCES `voucher_quotas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`programme_id`) REFERENCES `voucher_programmes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`provider_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `voucher_uses_booking_id_unique` ON `voucher_uses` (`booking_id`);--> statement-breakpoint
CREATE INDEX `voucher_uses_quota` ON `voucher_uses` (`quota_id`,`status`);--> statement-breakpoint
CREATE INDEX `voucher_uses_programme` ON `voucher_uses` (`programme_id`,`status`);--> statement-breakpoint
CREATE TABLE `ledger_accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`organisation_id` integer,
	`programme_id` integer,
	`no_overdraft` integer DEFAULT false NOT NULL,
	`debits_pending_fen` integer DEFAULT 0 NOT NULL,
	`debits_posted_fen` integer DEFAULT 0 NOT NULL,
	`credits_pending_fen` integer DEFAULT 0 NOT NULL,
	`credits_posted_fen` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "ledger_accounts_overdraft" CHECK("ledger_accounts"."no_overdraft" = 0 OR "ledger_accounts"."debits_posted_fen" + "ledger_accounts"."debits_pending_fen" <= "ledger_accounts"."credits_posted_fen")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_accounts_code_unique` ON `ledger_accounts` (`code`);--> statement-breakpoint
CREATE TABLE `ledger_transfers` (
	`id` text PRIMARY KEY NOT NULL,
	`debit_account_id` integer NOT NULL,
	`credit_account_id` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`state` text NOT NULL,
	`pending_id` text,
	`code` text NOT NULL,
	`booking_id` integer,
	`processor_ref` text,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`debit_account_id`) REFERENCES `ledger_accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credit_account_id`) REFERENCES `ledger_accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_transfers_amount" CHECK("ledger_transfers"."amount_fen" >= 0 AND "ledger_transfers"."debit_account_id" != "ledger_transfers"."credit_account_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transfers_settles_once` ON `ledger_transfers` (`pending_id`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_debit` ON `ledger_transfers` (`debit_account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_credit` ON `ledger_transfers` (`credit_account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_booking` ON `ledger_transfers` (`booking_id`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_created` ON `ledger_transfers` (`created_at`);--> statement-breakpoint
CREATE TABLE `payment_refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`payment_id` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `payments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booking_id` integer NOT NULL,
	`provider` text NOT NULL,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`token` text,
	`charge_id` text,
	`authorised_fen` integer NOT NULL,
	`captured_fen` integer DEFAULT 0 NOT NULL,
	`refunded_fen` integer DEFAULT 0 NOT NULL,
	`pending_action` text,
	`pending_amount_fen` integer,
	`decline_code` text,
	`failure_message` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_booking_id_unique` ON `payments` (`booking_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_charge_id_unique` ON `payments` (`charge_id`);--> statement-breakpoint
CREATE INDEX `payments_status` ON `payments` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `processor_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`object_id` text,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL,
	`outcome` text
);
