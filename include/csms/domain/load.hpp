#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "csms/domain/time.hpp"

// What the load manager reads of the sites and their open sessions (migrations/0034_sites.sql),
// version-neutral.
namespace csms::domain {

struct LoadSiteRow {
  std::string id;
  std::string time_zone = "UTC";
  std::optional<double> limit_a;  // per phase
  std::optional<double> limit_w;  // over all phases
  int phases = 3;
  double voltage_v = 230;
  double min_current_a = 6;
  double fallback_current_a = 0;
  int idle_evses = 0;  // EVSEs of its stations without an open session (each may start at the fallback)
  std::string strategy = "equal_share";
  std::string schedule_json = "[]";  // [{"from": "HH:MM", "limit_a" | "limit_w": n}]
};

struct LoadSessionRow {
  std::int64_t transaction_id = 0;
  std::string site_id;
  std::string station_id;
  std::string protocol;  // ocpp1.6 | ocpp2.0.1
  std::string ocpp_transaction_id;
  int evse_id = 0;
  bool online = false;
  Timestamp started_at{};
  std::optional<std::int64_t> station_max_power_w;
  int priority = 0;
  bool suspended_ev = false;
  // The latest sample of the last two minutes: highest phase current, the phases that carry
  // current (and the first of them), the total active power.
  std::optional<double> measured_a;
  int live_phases = 0;
  int first_phase = 1;
  std::optional<double> measured_w;
  // The EV's needs (2.0.1 NotifyEVChargingNeeds / ISO 15118): energy still to deliver and the
  // departure time, its own current limits.
  std::optional<double> needed_wh;
  std::optional<Timestamp> departure;
  std::optional<double> ev_max_current_a;
  std::optional<double> ev_min_current_a;
  // The lowest limit the station reported from outside (2.0.1 NotifyChargingLimit).
  std::optional<double> external_max_a;
  // The station's fallback profile, when it accepted one.
  std::optional<double> fallback_a;
  // What the load manager sent before (none: never).
  bool managed = false;
  int phases = 3;
  int phase = 1;
  std::optional<double> target_a;
  std::optional<double> in_force_a;
  std::optional<Timestamp> in_force_at;
  std::optional<double> released_a;  // before a decrease accepted at in_force_at
  std::optional<double> pending_a;
  std::optional<double> unconfirmed_a;
  std::optional<Timestamp> measured_at;
  int failures = 0;
  std::optional<Timestamp> failed_at;
  bool resend = false;
};

// A station of a site whose fallback profile is to be installed.
struct FallbackRow {
  std::string station_id;
  std::string site_id;
  std::string protocol;
  double limit_a = 0;
};

struct LoadSnapshot {
  bool claimed = true;  // false: another node moves the sites on
  std::vector<LoadSiteRow> sites;
  std::vector<LoadSessionRow> sessions;
  std::vector<FallbackRow> fallbacks;
  // Online stations holding a fallback of a site they no longer belong to (or whose load
  // management is off): it is cleared.
  std::vector<FallbackRow> stale_fallbacks;
};

// A profile the load manager sends for a session.
struct LoadSend {
  std::int64_t transaction_id = 0;
  std::string site_id;
  std::string station_id;
  std::string protocol;
  std::string ocpp_transaction_id;
  int evse_id = 0;
  int phases = 3;
  int phase = 1;
  double limit_a = 0;
  bool sent = true;  // false: only the target is recorded (it waits for headroom)
};

// An operator's charging profile as stored: the REST shape (profile_json, with its id).
struct StoredProfile {
  std::int64_t id = 0;
  std::string station_id;
  std::string protocol;  // the station's (empty: it never connected)
  std::string profile_json;
  std::string state;                               // pending | installed | rejected | clearing | cleared
  std::optional<std::string> ocpp_transaction_id;  // a TxProfile's transaction, as the station knows it
};

}  // namespace csms::domain
