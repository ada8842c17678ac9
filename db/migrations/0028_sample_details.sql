ALTER TABLE `bookings` ADD `sample_name` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `sample_type` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `sample_hazards` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `sample_delivery` text;