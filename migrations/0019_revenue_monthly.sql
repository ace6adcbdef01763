-- Revenue per station, local month, tariff and currency (the sum of the month's days), so
-- that monthly revenue over a year reads a row per month instead of one per day (180,000
-- rows for 500 stations). Kept by csms_rollup_revenue (migrations/repeatable).
CREATE TABLE analytics_revenue_monthly (
  station_id  text NOT NULL,
  local_month date NOT NULL,  -- the first day of the month
  tariff_id   text NOT NULL DEFAULT '',
  currency    text NOT NULL,
  sessions    bigint NOT NULL,
  excl        numeric NOT NULL,
  incl        numeric NOT NULL,
  energy_wh   bigint NOT NULL,
  PRIMARY KEY (station_id, local_month, tariff_id, currency)
);

INSERT INTO analytics_revenue_monthly (station_id, local_month, tariff_id, currency, sessions, excl, incl, energy_wh)
SELECT station_id, date_trunc('month', local_day)::date, tariff_id, currency, sum(sessions), sum(excl), sum(incl),
       sum(energy_wh)
FROM analytics_revenue_daily
GROUP BY 1, 2, 3, 4;
