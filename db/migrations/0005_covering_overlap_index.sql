DROP INDEX `bookings_instrument_block`;--> statement-breakpoint
CREATE INDEX `bookings_instrument_block` ON `bookings` (`instrument_id`,`block_start_at`,`block_end_at`,`status`);