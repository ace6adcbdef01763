-- The peak-hours and expansion reports read the hour profiles of the station rows of
-- analytics_daily (evse 0, connector 0) by station and range of days. The heap holds a
-- station's days far apart, so each was a page visit of its own; this index carries the
-- profiles (an index-only scan). 30 days of 500 stations: peak hours 133 -> 80 ms. It costs
-- about 800 bytes per station and day (a year of 500 stations: 144 MB).
CREATE INDEX IF NOT EXISTS analytics_daily_profiles ON analytics_daily (station_id, local_day)
  INCLUDE (occupied_by_hour, sessions_by_hour, energy_by_hour)
  WHERE evse_id = 0 AND connector_id = 0;
