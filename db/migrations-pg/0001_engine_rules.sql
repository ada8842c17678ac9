-- What SQLite's migrations do in custom SQL, in PostgreSQL's: the guarantees the database holds
-- itself, whatever code runs first and on whichever node.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint

-- No two active bookings of an instrument overlap: their blocked ranges (time plus buffers) exclude
-- each other. The service checks first and answers 409; this is the guarantee behind the check.
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
  instrument_id WITH =,
  int8range(block_start_at, block_end_at) WITH &&
) WHERE (status IN ('pending_payment', 'requested', 'approved', 'in_progress') AND block_start_at IS NOT NULL);
--> statement-breakpoint

-- Capped ledger accounts (quotas, group caps, budgets) are never overdrawn; amounts are not negative
-- and a transfer moves money between two different accounts.
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_overdraft
  CHECK (no_overdraft = FALSE OR debits_posted_fen + debits_pending_fen <= credits_posted_fen);
--> statement-breakpoint
ALTER TABLE ledger_transfers ADD CONSTRAINT ledger_transfers_amount
  CHECK (amount_fen >= 0 AND debit_account_id <> credit_account_id);
--> statement-breakpoint

-- Transfers are immutable: corrections are new transfers, never edits.
CREATE FUNCTION ledger_transfers_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger transfers are immutable';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger_transfers_immutable();
--> statement-breakpoint
CREATE TRIGGER ledger_transfers_no_delete BEFORE DELETE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger_transfers_immutable();
--> statement-breakpoint

-- Bumped by every change to the catalogue, so derived figures can be cached safely (once per
-- statement: a bulk load bumps it once, not a million times).
CREATE TABLE catalog_meta (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL);
--> statement-breakpoint
INSERT INTO catalog_meta (id, version) VALUES (1, 0);
--> statement-breakpoint
CREATE FUNCTION catalog_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalog_meta SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER instruments_bump_version AFTER INSERT OR UPDATE OR DELETE ON instruments
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_bump_version();
--> statement-breakpoint

-- Any change to a booking or its voucher use marks its instrument-month (Asia/Shanghai) for the
-- statistics to recompute; the roll-up itself is refreshed by the stats module before it answers.
CREATE FUNCTION stats_month(at bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(to_timestamp(at / 1000.0) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')
$$;
--> statement-breakpoint
CREATE FUNCTION stats_mark_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_dirty (instrument_id, month)
    VALUES (NEW.instrument_id, stats_month(COALESCE(NEW.start_at, NEW.created_at)))
    ON CONFLICT DO NOTHING;
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO stats_dirty (instrument_id, month)
      VALUES (OLD.instrument_id, stats_month(COALESCE(OLD.start_at, OLD.created_at)))
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER stats_bookings_change AFTER INSERT OR UPDATE ON bookings
  FOR EACH ROW EXECUTE FUNCTION stats_mark_booking();
--> statement-breakpoint
CREATE FUNCTION stats_mark_voucher_use() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_dirty (instrument_id, month)
    SELECT b.instrument_id, stats_month(COALESCE(b.start_at, b.created_at)) FROM bookings b WHERE b.id = NEW.booking_id
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER stats_voucher_uses_change AFTER INSERT OR UPDATE ON voucher_uses
  FOR EACH ROW EXECUTE FUNCTION stats_mark_voucher_use();
--> statement-breakpoint
CREATE FUNCTION stats_mark_closure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_dirty (instrument_id, month) VALUES (NEW.instrument_id, stats_month(NEW.start_at))
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER stats_closures_change AFTER INSERT ON closures
  FOR EACH ROW EXECUTE FUNCTION stats_mark_closure();
--> statement-breakpoint

-- The latest refresh is the statistics' version (cached answers are kept until it moves); an
-- institution's latest refresh in one look-up.
CREATE INDEX instrument_month_stats_refreshed ON instrument_month_stats (refreshed_at);
--> statement-breakpoint
CREATE INDEX instrument_month_stats_institution_refreshed ON instrument_month_stats (institution_id, refreshed_at);
