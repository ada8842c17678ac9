ALTER TABLE "bookings" ADD COLUMN "sample_name" text;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "sample_type" text;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "sample_hazards" jsonb;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "sample_delivery" text;