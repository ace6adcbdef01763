-- A station's sessions newest first (the station page, GET /transactions?station=): without
-- this the newest-first list of a station with old sessions walked the whole table backwards
-- by id (1.6 s for a station of a 915,000-session year).
CREATE INDEX IF NOT EXISTS transactions_station_id ON transactions (station_id, id);
