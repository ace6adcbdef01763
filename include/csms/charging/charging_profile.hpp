#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "csms/domain/time.hpp"

// Charging profiles, version-neutral and pure: the REST shape (snake_case), the rules both
// OCPP versions set for them, each version's shape, and the composite schedule a station
// should compute from the profiles it holds.
namespace csms::charging {

// 2.0.1's names; 1.6's ChargePointMaxProfile is read as ChargingStationMaxProfile.
enum class ProfilePurpose {
  ChargingStationMaxProfile,
  TxDefaultProfile,
  TxProfile,
  ChargingStationExternalConstraints
};
enum class ProfileKind { Absolute, Recurring, Relative };
enum class Recurrency { Daily, Weekly };

struct SchedulePeriod {
  int start_s = 0;
  double limit = 0;
  std::optional<int> number_phases;
  std::optional<int> phase_to_use;  // 2.0.1 only, with number_phases 1
};

struct ChargingProfile {
  std::int64_t id = 0;
  int evse_id = 0;  // 0: the station
  ProfilePurpose purpose = ProfilePurpose::TxDefaultProfile;
  int stack_level = 0;
  ProfileKind kind = ProfileKind::Absolute;
  std::optional<Recurrency> recurrency;
  std::optional<domain::Timestamp> valid_from;
  std::optional<domain::Timestamp> valid_to;
  std::optional<std::int64_t> transaction_id;  // ours (TxProfile)
  std::string rate_unit = "A";                 // A | W
  std::optional<domain::Timestamp> start_schedule;
  std::optional<int> duration_s;
  std::optional<double> min_rate;
  std::vector<SchedulePeriod> periods;
};

std::string to_string(ProfilePurpose purpose);

// One limit in A (on `phases`) for as long as the transaction runs (a TxDefaultProfile: each
// transaction): Relative, one period.
ChargingProfile flat_profile(ProfilePurpose purpose, std::int64_t id, int stack_level, double limit_a,
                             int phases);

// Reads and checks the REST body {"evse_id", "purpose", "stack_level", "kind", "recurrency"?,
// "valid_from"?, "valid_to"?, "transaction_id"?, "schedule": {"charging_rate_unit",
// "start_schedule"?, "duration_s"?, "min_charging_rate"?, "periods": [{"start_s", "limit",
// "number_phases"?, "phase_to_use"?}]}} by the rules both versions share (K01.FR.xx in
// comments). Throws std::invalid_argument with the reason.
ChargingProfile profile_from_json(const nlohmann::json& body);
nlohmann::json profile_to_json(const ChargingProfile& profile);

// What one version does not allow of the profile (nullopt: nothing).
std::optional<std::string> version_problem(const ChargingProfile& profile, bool v16);

// Two profiles the station could not hold together: same EVSE, purpose and stack level with
// overlapping validity (1.6 replaces one of them silently, 2.0.1 K01.FR.06 forbids it).
bool conflicts(const ChargingProfile& a, const ChargingProfile& b);

// The profile as SetChargingProfile carries it: 1.6 csChargingProfiles, 2.0.1
// ChargingProfileType. `ocpp_transaction_id`: the station's id of the profile's transaction.
nlohmann::json to_ocpp(const ChargingProfile& profile, bool v16, const std::string& ocpp_transaction_id);

struct CompositePeriod {
  int start_s = 0;
  std::optional<double> limit;  // none: no profile limits it
};

// The composite schedule of one EVSE for [start, start + duration_s) in `unit`: at every
// moment the TxProfile in force (highest stack level), else the TxDefaultProfile (highest
// stack level; on equal levels the EVSE's own before the station's), capped by the station
// maximum and the external constraints in force. Relative profiles start at
// `transaction_start` (else at `start`); recurring ones at their last recurrence. Limits in
// another unit convert at `volts` per phase over the period's phases (3 when not given).
std::vector<CompositePeriod> composite_schedule(const std::vector<ChargingProfile>& profiles, int evse_id,
                                                domain::Timestamp start, int duration_s,
                                                const std::string& unit,
                                                std::optional<domain::Timestamp> transaction_start,
                                                double volts = 230);

}  // namespace csms::charging
