// A synthetic network history written straight into PostgreSQL with COPY: stations in
// several time zones, daily and weekly demand cycles, sessions with status changes, meter
// register readings and priced costs, connectivity gaps, and a few faulty stations with
// alerts. For benchmarks and demos; deterministic for a given seed.
#include "csms/store/seed.hpp"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <tuple>
#include <vector>

#include "pg.hpp"

namespace csms::store {

namespace {

using domain::Timestamp;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

struct Zone {
  const char* name;
  int winter_offset_h;  // only to place demand peaks near local hours; DST ignored here
};
constexpr Zone kZones[] = {{"Europe/Berlin", 1},
                           {"Europe/London", 0},
                           {"America/New_York", -5},
                           {"America/Los_Angeles", -8},
                           {"Asia/Kolkata", 5}};

// Relative demand by local hour: a morning, a lunch and an evening peak.
constexpr double kHourly[24] = {0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.7, 1.2, 1.5, 1.2, 0.9, 1.0,
                                1.3, 1.1,  0.9,  0.9,  1.1, 1.5, 1.7, 1.4, 1.0, 0.7, 0.4, 0.2};

std::string iso(Timestamp t) { return domain::format_timestamp(t); }

std::string money(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", std::round(value * 100) / 100);
  return text;
}

}  // namespace

SeedSummary seed_history(const std::string& url, const SeedOptions& options,
                         const std::function<void(int done, int total)>& progress) {
  pqxx::connection conn(url);
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  SeedSummary summary;
  const Timestamp start = std::chrono::floor<std::chrono::days>(options.start);
  const Timestamp end = start + std::chrono::days(options.days);

  {
    pqxx::work txn(conn);
    // Monthly partitions for the whole history, so samples do not pile up in the default one.
    txn.exec_params("SELECT csms_ensure_meter_partitions($1::date, $2)", iso(start).substr(0, 10),
                    options.days / 28 + 3);
    txn.exec(
        "INSERT INTO tariffs (id, version, document, is_default) VALUES ('seed', 1, "
        "'{\"currency\":\"EUR\",\"vat_percent\":\"19\",\"elements\":[{\"price_components\":"
        "[{\"type\":\"ENERGY\",\"price\":\"0.39\",\"step_size\":1}]}]}', false) ON CONFLICT DO NOTHING");
    txn.commit();
  }
  std::int64_t next_transaction;
  {
    pqxx::work txn(conn);
    next_transaction = txn.exec("SELECT coalesce(max(id), 0) + 1 FROM transactions")[0][0].as<std::int64_t>();
    txn.commit();
  }

  const int tokens = std::max(50, options.stations * 4);
  for (int group = 0; group < options.stations; group += 25) {
    pqxx::work txn(conn);
    {
      pqxx::stream_to stations(
          txn, "stations",
          std::vector<std::string>{"id", "name", "time_zone", "tariff_id", "max_power_w", "protocol",
                                   "vendor", "model", "online", "created_at"});
      for (int s = group; s < std::min(options.stations, group + 25); ++s) {
        const Zone& zone = kZones[s % std::size(kZones)];
        stations << std::make_tuple(options.prefix + std::to_string(s),
                                    "Seeded site " + std::to_string(s / 4), std::string(zone.name),
                                    std::string("seed"), s % 10 == 0 ? 150000 : 22000,
                                    std::string(s % 3 ? "ocpp1.6" : "ocpp2.0.1"), std::string("Seed"),
                                    std::string("S-") + (s % 10 == 0 ? "DC150" : "AC22"), true, iso(start));
      }
      stations.complete();
    }
    // One COPY at a time per connection: rows are gathered per group, then streamed table by table.
    using Text = std::string;
    std::vector<std::tuple<Text, int, int, Text, Text>> connectors;
    std::vector<std::tuple<Text, Text, std::optional<Text>>> connectivity;
    std::vector<std::tuple<Text, int, int, Text, Text, Text>> history;
    std::vector<std::tuple<std::int64_t, Text, Text, Text, int, int, Text, Text, Text, Text, double, double,
                           Text, Text, Text>>
        transactions;
    std::vector<
        std::tuple<Text, int, std::int64_t, Text, Text, Text, Text, Text, Text, double, Text, double, Text>>
        samples;
    std::vector<std::tuple<Text, Text, int, int, Text, Text, Text, Text, Text, Text>> alerts;

    for (int s = group; s < std::min(options.stations, group + 25); ++s) {
      const std::string id = options.prefix + std::to_string(s);
      const Zone& zone = kZones[s % std::size(kZones)];
      const bool dc = s % 10 == 0;
      const int n_connectors = dc ? 4 : 2;
      const bool faulty = s % 50 == 7;                     // 2%: faults every few days
      const bool flaky = s % 20 == 3;                      // 5%: connectivity gaps
      const double popularity = 0.4 + 1.6 * uniform(rng);  // sessions/day scale
      const double power_kw = dc ? 50 + 70 * uniform(rng) : 7 + 4 * uniform(rng);
      const std::string protocol = s % 3 ? "ocpp1.6" : "ocpp2.0.1";

      // Connectivity: online from the start, with gaps on flaky stations.
      Timestamp online_from = start;
      if (flaky) {
        for (Timestamp t = start + hours(50); t < end;
             t += hours(100 + static_cast<int>(uniform(rng) * 100))) {
          const auto gap = minutes(30 + static_cast<int>(uniform(rng) * 300));
          connectivity.emplace_back(id, iso(online_from), iso(t));
          online_from = t + gap;
        }
      }
      connectivity.emplace_back(id, iso(online_from), std::optional<std::string>{});

      for (int c = 1; c <= n_connectors; ++c) {
        connectors.emplace_back(id, c, 1, std::string("Available"), iso(start));
        double register_wh = 1000.0 * static_cast<double>(s + c);
        Timestamp busy_until = start;
        for (int day = 0; day < options.days; ++day) {
          const Timestamp day_start = start + std::chrono::days(day) - hours(zone.winter_offset_h);
          const int weekday = (day + 4) % 7;  // 1970-01-01 was a Thursday; 0 = Monday here
          const double week_factor = weekday < 5 ? 1.0 : weekday == 5 ? 0.8 : 0.6;
          const double growth = 1.0 + 0.3 * day / std::max(1, options.days);  // the network grows
          const double expected = popularity * week_factor * growth * (dc ? 5.0 : 3.0) / n_connectors * 2;
          std::poisson_distribution<int> count(expected);
          const int n = count(rng);
          std::vector<Timestamp> starts;
          for (int k = 0; k < n; ++k) {
            // Rejection sampling of the local hour by the demand curve.
            for (;;) {
              const double h = uniform(rng) * 24;
              if (uniform(rng) * 1.7 < kHourly[static_cast<int>(h)]) {
                starts.push_back(day_start + milliseconds(static_cast<std::int64_t>(h * 3'600'000)));
                break;
              }
            }
          }
          std::sort(starts.begin(), starts.end());
          for (Timestamp begin : starts) {
            if (begin < busy_until || begin >= end) continue;
            const auto duration = minutes(dc ? 15 + static_cast<int>(uniform(rng) * 45)
                                             : 45 + static_cast<int>(uniform(rng) * 300));
            const auto charging =
                std::chrono::duration_cast<milliseconds>(duration * (0.55 + 0.4 * uniform(rng)));
            const Timestamp stop = begin + duration;
            const Timestamp charged = begin + minutes(1) + charging;
            busy_until = stop + minutes(5);
            const double energy =
                power_kw * 1000.0 * std::chrono::duration<double, std::ratio<3600>>(charging).count();
            const std::int64_t tx = next_transaction++;
            const std::string token =
                "TOKEN-" + std::to_string(static_cast<int>(std::pow(uniform(rng), 2) * tokens));
            const double excl = energy / 1000.0 * 0.39;
            const double vat = std::round(excl * 100) / 100 * 0.19;
            nlohmann::json cost{
                {"currency", "EUR"},
                {"tariff_id", "seed"},
                {"tariff_version", 1},
                {"energy_wh", static_cast<std::int64_t>(energy)},
                {"lines", nlohmann::json::array()},
                {"total_excl_vat", money(excl)},
                {"vat_percent", "19"},
                {"vat", money(vat)},
                {"total_incl_vat", money(std::round(excl * 100) / 100 + std::round(vat * 100) / 100)},
                {"flags", nlohmann::json::array()}};
            transactions.emplace_back(tx, id, protocol, std::to_string(tx), c, 1, token,
                                      std::string("Accepted"), iso(begin), iso(stop), register_wh,
                                      register_wh + energy, std::string("EVDisconnected"), cost.dump(),
                                      iso(stop));
            history.emplace_back(id, c, 1, std::string("Preparing"), iso(begin), iso(begin));
            history.emplace_back(id, c, 1, std::string("Charging"), iso(begin + minutes(1)),
                                 iso(begin + minutes(1)));
            history.emplace_back(id, c, 1, std::string("SuspendedEV"), iso(charged), iso(charged));
            history.emplace_back(id, c, 1, std::string("Available"), iso(stop), iso(stop));
            // Register readings every 15 minutes while charging.
            for (Timestamp t = begin + minutes(15); t < charged; t += minutes(15)) {
              const double value = register_wh + energy *
                                                     static_cast<double>((t - begin - minutes(1)).count()) /
                                                     static_cast<double>(charging.count());
              const std::string text = std::to_string(static_cast<std::int64_t>(value));
              samples.emplace_back(id, c, tx, iso(t), std::string("Energy.Active.Import.Register"),
                                   std::string("Outlet"), std::string("Sample.Periodic"), std::string("Wh"),
                                   text, value, std::string("Wh"), value, iso(t));
              ++summary.samples;
            }
            register_wh += energy;
            summary.sessions += 1;
            summary.energy_wh += energy;
          }
          // Faulty stations: a fault of a few hours every few days on one connector.
          if (faulty && c == 1 && day % 4 == 1) {
            const Timestamp fault = day_start + hours(3 + static_cast<int>(uniform(rng) * 12));
            if (fault >= busy_until) {
              const Timestamp fixed = fault + minutes(60 + static_cast<int>(uniform(rng) * 600));
              history.emplace_back(id, c, 1, std::string("Faulted"), iso(fault), iso(fault));
              history.emplace_back(id, c, 1, std::string("Available"), iso(fixed), iso(fixed));
              alerts.emplace_back(std::string("connector_faulted"), id, c, 1, std::string("critical"),
                                  std::string("resolved"), iso(fault), iso(fault), iso(fixed),
                                  std::string("system"));
              busy_until = fixed;
              ++summary.faults;
            }
          }
        }
      }
    }
    auto copy = [&txn](const char* table, const std::vector<std::string>& columns, const auto& rows) {
      pqxx::stream_to out(txn, table, columns);
      for (const auto& row : rows) out << row;
      out.complete();
    };
    copy("connectors", {"station_id", "evse_id", "connector_id", "status", "status_at"}, connectors);
    copy("station_connectivity", {"station_id", "connected_at", "disconnected_at"}, connectivity);
    copy("status_history", {"station_id", "evse_id", "connector_id", "status", "status_at", "received_at"},
         history);
    copy("transactions",
         {"id", "station_id", "protocol", "ocpp_transaction_id", "evse_id", "connector_id", "id_token",
          "authorization_status", "started_at", "stopped_at", "meter_start_wh", "meter_stop_wh",
          "stop_reason", "cost", "priced_at"},
         transactions);
    copy("meter_samples",
         {"station_id", "evse_id", "transaction_id", "sampled_at", "measurand", "location", "context", "unit",
          "raw_value", "value", "canonical_unit", "canonical_value", "received_at"},
         samples);
    copy("alerts",
         {"rule", "station_id", "evse_id", "connector_id", "severity", "state", "opened_at", "last_seen_at",
          "resolved_at", "resolved_by"},
         alerts);
    txn.commit();
    if (progress) progress(std::min(options.stations, group + 25), options.stations);
  }
  {
    pqxx::work txn(conn);
    txn.exec(
        "SELECT setval(pg_get_serial_sequence('transactions', 'id'), (SELECT max(id) FROM transactions))");
    txn.exec("ANALYZE");
    txn.commit();
  }
  summary.stations = options.stations;
  return summary;
}

}  // namespace csms::store
