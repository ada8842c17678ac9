-- Any change to a booking or its voucher use marks its instrument-month (Asia/Shanghai) for the
-- statistics to recompute; the roll-up itself is refreshed by the stats module before it answers.
CREATE TRIGGER stats_bookings_insert AFTER INSERT ON bookings
BEGIN
  INSERT OR IGNORE INTO stats_dirty (instrument_id, month)
  VALUES (NEW.instrument_id, strftime('%Y-%m', COALESCE(NEW.start_at, NEW.created_at) / 1000, 'unixepoch', '+8 hours'));
END;
--> statement-breakpoint
CREATE TRIGGER stats_bookings_update AFTER UPDATE ON bookings
BEGIN
  INSERT OR IGNORE INTO stats_dirty (instrument_id, month)
  VALUES (NEW.instrument_id, strftime('%Y-%m', COALESCE(NEW.start_at, NEW.created_at) / 1000, 'unixepoch', '+8 hours'));
  INSERT OR IGNORE INTO stats_dirty (instrument_id, month)
  VALUES (OLD.instrument_id, strftime('%Y-%m', COALESCE(OLD.start_at, OLD.created_at) / 1000, 'unixepoch', '+8 hours'));
END;
--> statement-breakpoint
CREATE TRIGGER stats_voucher_uses_change AFTER UPDATE ON voucher_uses
BEGIN
  INSERT OR IGNORE INTO stats_dirty (instrument_id, month)
  SELECT b.instrument_id, strftime('%Y-%m', COALESCE(b.start_at, b.created_at) / 1000, 'unixepoch', '+8 hours')
  FROM bookings b WHERE b.id = NEW.booking_id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_voucher_uses_insert AFTER INSERT ON voucher_uses
BEGIN
  INSERT OR IGNORE INTO stats_dirty (instrument_id, month)
  SELECT b.instrument_id, strftime('%Y-%m', COALESCE(b.start_at, b.created_at) / 1000, 'unixepoch', '+8 hours')
  FROM bookings b WHERE b.id = NEW.booking_id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_closures_change AFTER INSERT ON closures
BEGIN
  INSERT OR IGNORE INTO stats_dirty (instrument_id, month)
  VALUES (NEW.instrument_id, strftime('%Y-%m', NEW.start_at / 1000, 'unixepoch', '+8 hours'));
END;
--> statement-breakpoint
-- The latest refresh is the statistics' version (cached answers are kept until it moves).
CREATE INDEX instrument_month_stats_refreshed ON instrument_month_stats (refreshed_at);
