ALTER TABLE `bookings` ADD `report_file` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `report_name` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `report_type` text;