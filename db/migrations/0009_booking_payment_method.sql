ALTER TABLE `bookings` ADD `payment_method` text;--> statement-breakpoint
ALTER TABLE `instrument_schedules` ADD `no_show_charge_percent` integer DEFAULT 0 NOT NULL;