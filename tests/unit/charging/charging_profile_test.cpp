#include "csms/charging/charging_profile.hpp"

#include <gtest/gtest.h>

#include "csms/ocpp/validator.hpp"

namespace csms::charging {
namespace {

using json = nlohmann::json;
using namespace std::chrono;

const domain::Timestamp kT0 = *domain::parse_timestamp("2026-12-04T06:00:00Z");

// `periods`: (start_s, limit) pairs.
ChargingProfile profile(ProfilePurpose purpose, int level, std::vector<std::pair<int, double>> periods,
                        ProfileKind kind = ProfileKind::Absolute) {
  ChargingProfile p;
  p.purpose = purpose;
  p.stack_level = level;
  p.kind = kind;
  if (kind != ProfileKind::Relative) p.start_schedule = kT0;
  for (const auto& [start, limit] : periods) p.periods.push_back({start, limit, std::nullopt, std::nullopt});
  return p;
}

json as_json(const std::vector<CompositePeriod>& periods) {
  json out = json::array();
  for (const auto& p : periods) out.push_back({p.start_s, p.limit ? json(*p.limit) : json(nullptr)});
  return out;
}

TEST(CompositeSchedule, TheStationMaximumCapsTheDefault) {
  std::vector<ChargingProfile> profiles = {
      profile(ProfilePurpose::TxDefaultProfile, 0, {{0, 16}, {3600, 10}}),
      profile(ProfilePurpose::ChargingStationMaxProfile, 0, {{0, 13}}),
  };
  EXPECT_EQ(as_json(composite_schedule(profiles, 1, kT0, 7200, "A", std::nullopt)),
            json::parse("[[0,13],[3600,10]]"));
}

TEST(CompositeSchedule, ARelativeTxProfileStartsWithItsTransactionAndOverridesTheDefault) {
  auto tx = profile(ProfilePurpose::TxProfile, 1, {{0, 20}, {1800, 8}}, ProfileKind::Relative);
  tx.evse_id = 1;
  std::vector<ChargingProfile> profiles = {profile(ProfilePurpose::TxDefaultProfile, 0, {{0, 16}}), tx};
  EXPECT_EQ(as_json(composite_schedule(profiles, 1, kT0, 3600, "A", kT0 + seconds(600))),
            json::parse("[[0,16],[600,20],[2400,8]]"));
  // Another EVSE does not see it.
  EXPECT_EQ(as_json(composite_schedule(profiles, 2, kT0, 3600, "A", kT0 + seconds(600))),
            json::parse("[[0,16]]"));
}

TEST(CompositeSchedule, ARecurringDailyProfileRepeatsFromItsLastRecurrence) {
  // From 22:00 each day: 32 A for 8 hours, then 10 A.
  auto night =
      profile(ProfilePurpose::TxDefaultProfile, 0, {{0, 32}, {8 * 3600, 10}}, ProfileKind::Recurring);
  night.recurrency = Recurrency::Daily;
  night.start_schedule = *domain::parse_timestamp("2026-12-01T22:00:00Z");
  EXPECT_EQ(as_json(composite_schedule({night}, 1, kT0 - hours(1), 7200, "A", std::nullopt)),
            json::parse("[[0,32],[3600,10]]"));
  // Across 22:00 the next recurrence starts.
  EXPECT_EQ(as_json(composite_schedule({night}, 1, kT0 + hours(15), 7200, "A", std::nullopt)),
            json::parse("[[0,10],[3600,32]]"));
}

TEST(CompositeSchedule, HigherStackLevelsWinWhileValidAndUnitsConvert) {
  auto boost = profile(ProfilePurpose::TxDefaultProfile, 2, {{0, 8}});
  boost.valid_to = kT0 + seconds(1800);
  auto watts = profile(ProfilePurpose::TxDefaultProfile, 0, {{0, 11040}});  // 16 A on 3 x 230 V
  watts.rate_unit = "W";
  EXPECT_EQ(as_json(composite_schedule({watts, boost}, 1, kT0, 3600, "A", std::nullopt)),
            json::parse("[[0,8.0],[1800,16.0]]"));
  // Without any profile nothing limits.
  EXPECT_EQ(as_json(composite_schedule({}, 1, kT0, 60, "A", std::nullopt)), json::parse("[[0,null]]"));
  // An EVSE's own default wins over the station's at the same level.
  auto own = profile(ProfilePurpose::TxDefaultProfile, 0, {{0, 6}});
  own.evse_id = 1;
  EXPECT_EQ(as_json(composite_schedule({watts, own}, 1, kT0, 60, "A", std::nullopt)),
            json::parse("[[0,6.0]]"));
}

json body() {
  return json::parse(R"({"evse_id": 1, "purpose": "TxDefaultProfile", "stack_level": 0, "kind": "Absolute",
    "schedule": {"charging_rate_unit": "A", "start_schedule": "2026-12-04T06:00:00Z",
                 "periods": [{"start_s": 0, "limit": 16}, {"start_s": 3600, "limit": 10, "number_phases": 1}]}})");
}

std::string refusal(json b) {
  try {
    profile_from_json(b);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(ChargingProfileRules, ReadsAValidProfileAndWritesItBack) {
  auto p = profile_from_json(body());
  EXPECT_EQ(p.periods.size(), 2u);
  EXPECT_EQ(profile_to_json(p)["schedule"]["periods"][1]["number_phases"], 1);
  auto b = body();
  b["purpose"] = "ChargePointMaxProfile";
  b["evse_id"] = 0;
  EXPECT_EQ(profile_from_json(b).purpose, ProfilePurpose::ChargingStationMaxProfile);
}

TEST(ChargingProfileRules, RefusesWhatTheSpecificationForbids) {
  auto b = body();
  b["purpose"] = "TxProfile";
  EXPECT_NE(refusal(b).find("transaction_id"), std::string::npos);  // K01.FR.03
  b["transaction_id"] = 7;
  b["evse_id"] = 0;
  EXPECT_NE(refusal(b).find("evse_id > 0"), std::string::npos);  // K01.FR.16
  b = body();
  b["purpose"] = "ChargingStationExternalConstraints";
  EXPECT_NE(refusal(b).find("K01.FR.22"), std::string::npos);
  b = body();
  b["kind"] = "Relative";
  EXPECT_NE(refusal(b).find("Relative"), std::string::npos);  // K01.FR.41
  b = body();
  b["schedule"].erase("start_schedule");
  EXPECT_NE(refusal(b).find("start_schedule"), std::string::npos);  // K01.FR.40
  b = body();
  b["kind"] = "Recurring";
  EXPECT_NE(refusal(b).find("recurrency"), std::string::npos);
  b = body();
  b["schedule"]["periods"][1]["start_s"] = 0;
  EXPECT_NE(refusal(b).find("increasing"), std::string::npos);
  b["schedule"]["periods"] = json::array({{{"start_s", 5}, {"limit", 6}}});
  EXPECT_NE(refusal(b).find("start_s 0"), std::string::npos);
  b = body();
  b["schedule"]["periods"][0]["phase_to_use"] = 2;
  EXPECT_NE(refusal(b).find("number_phases 1"), std::string::npos);
  b = body();
  b["valid_from"] = "2026-12-05T00:00:00Z";
  b["valid_to"] = "2026-12-04T00:00:00Z";
  EXPECT_NE(refusal(b).find("valid_to"), std::string::npos);
  b = body();
  b["schedule"]["charging_rate_unit"] = "kW";
  EXPECT_NE(refusal(b).find("charging_rate_unit"), std::string::npos);
  b = body();
  b["colour"] = "red";
  EXPECT_NE(refusal(b).find("unknown field 'colour'"), std::string::npos);
}

TEST(ChargingProfileRules, SameEvsePurposeAndLevelWithOverlappingValidityConflict) {
  auto a = profile_from_json(body());
  auto b = a;
  EXPECT_TRUE(conflicts(a, b));
  b.stack_level = 1;
  EXPECT_FALSE(conflicts(a, b));
  b = a;
  a.valid_to = kT0;
  b.valid_from = kT0;
  EXPECT_FALSE(conflicts(a, b));
  b.evse_id = 2;
  b.valid_from.reset();
  EXPECT_FALSE(conflicts(a, b));
}

TEST(ChargingProfileRules, EachVersionsShapeIsSchemaValid) {
  auto p = profile_from_json(body());
  p.id = 42;
  auto check = [](ocpp::Version version, const json& payload) {
    const auto* schema = ocpp::find_schema(version, "SetChargingProfile", ocpp::Direction::Request);
    ASSERT_NE(schema, nullptr);
    auto violation = ocpp::validate_strict(*schema, payload);
    EXPECT_FALSE(violation.has_value()) << payload.dump() << ": " << (violation ? violation->detail : "");
  };
  check(ocpp::Version::V16, {{"connectorId", 1}, {"csChargingProfiles", to_ocpp(p, true, "")}});
  check(ocpp::Version::V201, {{"evseId", 1}, {"chargingProfile", to_ocpp(p, false, "")}});
  auto tx = p;
  tx.purpose = ProfilePurpose::TxProfile;
  tx.transaction_id = 7;
  tx.kind = ProfileKind::Relative;
  tx.start_schedule.reset();
  EXPECT_EQ(to_ocpp(tx, true, "7")["transactionId"], 7);
  EXPECT_EQ(to_ocpp(tx, false, "abc-1")["transactionId"], "abc-1");
  check(ocpp::Version::V16, {{"connectorId", 1}, {"csChargingProfiles", to_ocpp(tx, true, "7")}});
  check(ocpp::Version::V201, {{"evseId", 1}, {"chargingProfile", to_ocpp(tx, false, "abc-1")}});
  auto max = p;
  max.purpose = ProfilePurpose::ChargingStationMaxProfile;
  EXPECT_EQ(to_ocpp(max, true, "")["chargingProfilePurpose"], "ChargePointMaxProfile");
  EXPECT_EQ(to_ocpp(max, false, "")["chargingProfilePurpose"], "ChargingStationMaxProfile");
  max.kind = ProfileKind::Relative;
  EXPECT_TRUE(version_problem(max, false).has_value());
  auto phase = p;
  phase.periods[1].phase_to_use = 2;
  EXPECT_TRUE(version_problem(phase, true).has_value());
  EXPECT_FALSE(version_problem(phase, false).has_value());
}

}  // namespace
}  // namespace csms::charging
