ALTER TABLE "organisations" ADD COLUMN "status" text DEFAULT 'approved' NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "county_code" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "legal_representative" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "contact_name" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "contact_email" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "finance_level" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "submitted_at" bigint;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "review_note" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "reviewed_by" bigint;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "reviewed_at" bigint;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "updated_at" bigint;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "client_address" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "second_factor_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "org_admin" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "membership" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_verified_at" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "password_changed_at" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_secret" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_pending_secret" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_enabled_at" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_last_step" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "updated_at" bigint;--> statement-breakpoint
ALTER TABLE "voucher_programmes" ADD COLUMN "quota_issue_mode" text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE "voucher_programmes" ADD COLUMN "application_opens_on" text;--> statement-breakpoint
ALTER TABLE "voucher_programmes" ADD COLUMN "application_closes_on" text;--> statement-breakpoint
ALTER TABLE "voucher_programmes" ADD COLUMN "automatic_quota_fen" bigint;--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_county_code_counties_code_fk" FOREIGN KEY ("county_code") REFERENCES "public"."counties"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "organisations_status" ON "organisations" USING btree ("status","city_code");--> statement-breakpoint
-- Accounts made before registration existed: e-mail verified, password set when the account was made.
UPDATE "users" SET "email_verified_at" = "created_at", "password_changed_at" = "created_at";
--> statement-breakpoint
-- The security audit log is append-only: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
