-- An institution's latest statistics refresh in one look-up: its dashboard stays cached while
-- bookings elsewhere in the province change.
CREATE INDEX instrument_month_stats_institution_refreshed ON instrument_month_stats (institution_id, refreshed_at);
