-- Feed addresses were stored as they are. SQLite has no SHA-256 to hash them in place, so the old
-- addresses end here: each user makes a new one (shown once) on 我的预约, and only its hash is kept.
DROP TABLE `calendar_tokens`;--> statement-breakpoint
CREATE TABLE `calendar_tokens` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_tokens_token_hash_unique` ON `calendar_tokens` (`token_hash`);
