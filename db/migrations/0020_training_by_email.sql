-- Training is granted to an e-mail address (a grant to an address without an account waits for it):
-- user_id becomes optional and the address is kept, filled in from the account for existing records.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_training_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`instrument_id` integer NOT NULL,
	`user_id` integer,
	`user_email` text NOT NULL,
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
INSERT INTO `__new_training_records`("id", "instrument_id", "user_id", "user_email", "granted_by", "granted_at", "expires_on", "revoked_at", "note") SELECT "id", "instrument_id", "user_id", (SELECT `email` FROM `users` WHERE `users`.`id` = `training_records`.`user_id`), "granted_by", "granted_at", "expires_on", "revoked_at", "note" FROM `training_records`;--> statement-breakpoint
DROP TABLE `training_records`;--> statement-breakpoint
ALTER TABLE `__new_training_records` RENAME TO `training_records`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `training_records_user` ON `training_records` (`user_id`,`instrument_id`);--> statement-breakpoint
CREATE INDEX `training_records_email` ON `training_records` (`user_email`,`instrument_id`);