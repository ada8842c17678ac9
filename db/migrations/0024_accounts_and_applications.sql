CREATE TABLE `counties` (
	`code` text PRIMARY KEY NOT NULL,
	`city_code` text NOT NULL,
	`name` text NOT NULL,
	`name_en` text,
	FOREIGN KEY (`city_code`) REFERENCES `cities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `account_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `account_tokens_user` ON `account_tokens` (`user_id`,`purpose`);--> statement-breakpoint
CREATE TABLE `recovery_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`code_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `recovery_codes_user` ON `recovery_codes` (`user_id`);--> statement-breakpoint
CREATE TABLE `certification_applications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`registration_no` text NOT NULL,
	`registration_year` integer NOT NULL,
	`status` text NOT NULL,
	`review_note` text,
	`reviewed_by` integer,
	`reviewed_at` integer,
	`certified_on` text,
	`expires_on` text,
	`submitted_by` integer,
	`submitted_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submitted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `certification_applications_org` ON `certification_applications` (`organisation_id`);--> statement-breakpoint
CREATE INDEX `certification_applications_status` ON `certification_applications` (`status`);--> statement-breakpoint
CREATE TABLE `documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` integer NOT NULL,
	`kind` text NOT NULL,
	`stored_name` text NOT NULL,
	`file_name` text NOT NULL,
	`mime` text NOT NULL,
	`size` integer NOT NULL,
	`uploaded_by` integer,
	`uploaded_at` integer NOT NULL,
	`removed_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `documents_subject` ON `documents` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE TABLE `review_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` integer NOT NULL,
	`action` text NOT NULL,
	`note` text,
	`actor_user_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_events_subject` ON `review_events` (`subject_type`,`subject_id`,`at`);--> statement-breakpoint
CREATE TABLE `voucher_applications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`programme_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`planned_use` text NOT NULL,
	`declares_no_related_parties` integer NOT NULL,
	`status` text NOT NULL,
	`approved_fen` integer,
	`review_note` text,
	`reviewed_by` integer,
	`reviewed_at` integer,
	`quota_id` integer,
	`submitted_by` integer,
	`submitted_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`programme_id`) REFERENCES `voucher_programmes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`quota_id`) REFERENCES `voucher_quotas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submitted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `voucher_applications_programme` ON `voucher_applications` (`programme_id`,`status`);--> statement-breakpoint
CREATE INDEX `voucher_applications_enterprise` ON `voucher_applications` (`enterprise_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`action` text NOT NULL,
	`outcome` text NOT NULL,
	`actor_user_id` integer,
	`actor_email` text,
	`actor_organisation_id` integer,
	`client_address` text,
	`user_agent` text,
	`subject_type` text,
	`subject_id` text,
	`details` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_actor` ON `audit_log` (`actor_user_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_action` ON `audit_log` (`action`,`at`);--> statement-breakpoint
ALTER TABLE `organisations` ADD `status` text DEFAULT 'approved' NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `county_code` text REFERENCES counties(code);--> statement-breakpoint
ALTER TABLE `organisations` ADD `legal_representative` text;--> statement-breakpoint
ALTER TABLE `organisations` ADD `contact_name` text;--> statement-breakpoint
ALTER TABLE `organisations` ADD `contact_email` text;--> statement-breakpoint
ALTER TABLE `organisations` ADD `finance_level` text;--> statement-breakpoint
ALTER TABLE `organisations` ADD `submitted_at` integer;--> statement-breakpoint
ALTER TABLE `organisations` ADD `review_note` text;--> statement-breakpoint
ALTER TABLE `organisations` ADD `reviewed_by` integer;--> statement-breakpoint
ALTER TABLE `organisations` ADD `reviewed_at` integer;--> statement-breakpoint
ALTER TABLE `organisations` ADD `updated_at` integer;--> statement-breakpoint
CREATE INDEX `organisations_status` ON `organisations` (`status`,`city_code`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `client_address` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `second_factor_pending` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `org_admin` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `membership` text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `email_verified_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `password_changed_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `totp_secret` text;--> statement-breakpoint
ALTER TABLE `users` ADD `totp_pending_secret` text;--> statement-breakpoint
ALTER TABLE `users` ADD `totp_enabled_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `totp_last_step` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `updated_at` integer;--> statement-breakpoint
ALTER TABLE `voucher_programmes` ADD `quota_issue_mode` text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE `voucher_programmes` ADD `application_opens_on` text;--> statement-breakpoint
ALTER TABLE `voucher_programmes` ADD `application_closes_on` text;--> statement-breakpoint
ALTER TABLE `voucher_programmes` ADD `automatic_quota_fen` integer;--> statement-breakpoint
-- Accounts that existed before registration did were made by the platform: their e-mail counts as
-- verified and their password as set when the account was made (so an expiry policy starts from there).
UPDATE `users` SET `email_verified_at` = `created_at`, `password_changed_at` = `created_at`;
--> statement-breakpoint
-- The security audit log is append-only: no UPDATE or DELETE, whoever asks.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
