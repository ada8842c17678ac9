-- The holiday calendar's version, moved on by every change of `holidays` whichever node made it: a
-- node keeps the calendar in memory and re-reads it only when this number has moved (as SQLite's
-- migration 0023).
CREATE TABLE calendar_meta (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL);
--> statement-breakpoint
INSERT INTO calendar_meta (id, version) VALUES (1, 0);
--> statement-breakpoint
CREATE FUNCTION calendar_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE calendar_meta SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER holidays_bump_version AFTER INSERT OR UPDATE OR DELETE ON holidays
  FOR EACH STATEMENT EXECUTE FUNCTION calendar_bump_version();
