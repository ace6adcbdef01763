#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "csms/ocpp/validator.hpp"
#include "printers.hpp"

namespace csms::ocpp {
namespace {

using nlohmann::json;

// One tolerated deviation: what a lenient validator makes of it, and what strict validation
// (and lenient validation with just that flag cleared) reports instead.
struct LeniencyCase {
  const char* name;
  bool Leniency::*flag;
  const char* flag_name;  // the name recorded in leniencies_applied
  Version version;
  const char* action;
  const char* payload;
  const char* rewritten;  // the payload after lenient validation
  ErrorCode strict_code;
  const char* strict_path;
};

void PrintTo(const LeniencyCase& c, std::ostream* out) { *out << c.name; }

const LeniencyCase kCases[] = {
    // OCPP-J 1.6 errata 2.1: both spellings are accepted; StopTransaction.json lacks one.
    {"CelsiusInStopTransaction_BecomesCelcius", &Leniency::celsius_spelling, "celsius_spelling", Version::V16,
     "StopTransaction",
     R"({"transactionId":1,"meterStop":5,"timestamp":"2024-01-02T03:04:05Z","transactionData":[
         {"timestamp":"2024-01-02T03:04:05Z","sampledValue":[{"value":"21","unit":"Celsius"}]}]})",
     R"({"transactionId":1,"meterStop":5,"timestamp":"2024-01-02T03:04:05Z","transactionData":[
         {"timestamp":"2024-01-02T03:04:05Z","sampledValue":[{"value":"21","unit":"Celcius"}]}]})",
     ErrorCode::PropertyConstraintViolation, "/transactionData/0/sampledValue/0/unit"},

    {"TimestampWithoutZone_IsReadAsUtc", &Leniency::timestamp_without_zone, "timestamp_without_zone",
     Version::V16, "StartTransaction",
     R"({"connectorId":1,"idTag":"A","meterStart":0,"timestamp":"2024-01-02T03:04:05"})",
     R"({"connectorId":1,"idTag":"A","meterStart":0,"timestamp":"2024-01-02T03:04:05Z"})",
     ErrorCode::TypeConstraintViolation, "/timestamp"},
    // Fractions are kept to the millisecond the domain stores.
    {"TimestampWithoutZoneWithFraction_IsReadAsUtc", &Leniency::timestamp_without_zone,
     "timestamp_without_zone", Version::V201, "StatusNotification",
     R"({"timestamp":"2024-01-02T03:04:05.5","connectorStatus":"Available","evseId":1,"connectorId":1})",
     R"({"timestamp":"2024-01-02T03:04:05.500Z","connectorStatus":"Available","evseId":1,"connectorId":1})",
     ErrorCode::TypeConstraintViolation, "/timestamp"},

    // 7.300000000001 / 0.1 is 1e-11 away from 73: noise, rounded to the double nearest 7.3.
    {"MultipleOfWithFloatNoise_IsRounded", &Leniency::multiple_of_noise, "multiple_of_noise", Version::V16,
     "SetChargingProfile",
     R"({"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,
         "chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",
         "chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[
         {"startPeriod":0,"limit":7.300000000001}]}}})",
     R"({"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,
         "chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",
         "chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[
         {"startPeriod":0,"limit":7.3}]}}})",
     ErrorCode::PropertyConstraintViolation,
     "/csChargingProfiles/chargingSchedule/chargingSchedulePeriod/0/limit"},

    // DIGEST C.2: the original code survives in vendorErrorCode.
    {"ErrorCodeOutsideEnum_BecomesOtherError", &Leniency::error_code_outside_enum, "error_code_outside_enum",
     Version::V16, "StatusNotification", R"({"connectorId":1,"errorCode":"Error","status":"Faulted"})",
     R"({"connectorId":1,"errorCode":"OtherError","status":"Faulted","vendorErrorCode":"Error"})",
     ErrorCode::PropertyConstraintViolation, "/errorCode"},
    {"ErrorCodeOutsideEnumWithVendorCode_KeepsOriginalInInfo", &Leniency::error_code_outside_enum,
     "error_code_outside_enum", Version::V16, "StatusNotification",
     R"({"connectorId":1,"errorCode":"Error","status":"Faulted","vendorErrorCode":"E17"})",
     R"({"connectorId":1,"errorCode":"OtherError","status":"Faulted","vendorErrorCode":"E17","info":"Error"})",
     ErrorCode::PropertyConstraintViolation, "/errorCode"},
    {"ErrorCodeOutsideEnumWithEmptyVendorCode_FillsVendorCode", &Leniency::error_code_outside_enum,
     "error_code_outside_enum", Version::V16, "StatusNotification",
     R"({"connectorId":1,"errorCode":"Error","status":"Faulted","vendorErrorCode":""})",
     R"({"connectorId":1,"errorCode":"OtherError","status":"Faulted","vendorErrorCode":"Error"})",
     ErrorCode::PropertyConstraintViolation, "/errorCode"},

    {"UnknownProperty_IsDropped", &Leniency::unknown_properties, "unknown_properties", Version::V16,
     "BootNotification", R"({"chargePointVendor":"V","chargePointModel":"M","color":"blue"})",
     R"({"chargePointVendor":"V","chargePointModel":"M"})", ErrorCode::FormatViolation, "/color"},
    {"UnknownNestedProperty_IsDropped", &Leniency::unknown_properties, "unknown_properties", Version::V201,
     "BootNotification",
     R"({"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V","color":"blue"}})",
     R"({"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}})", ErrorCode::FormatViolation,
     "/chargingStation/color"},

    {"IntegerWrittenAsFloat_BecomesInteger", &Leniency::integer_as_float, "integer_as_float", Version::V16,
     "StartTransaction",
     R"({"connectorId":1.0,"idTag":"A","meterStart":5.0,"timestamp":"2024-01-02T03:04:05Z"})",
     R"({"connectorId":1,"idTag":"A","meterStart":5,"timestamp":"2024-01-02T03:04:05Z"})",
     ErrorCode::TypeConstraintViolation, "/connectorId"},

    // The spec says 1..* (the 1.6 schema does not): the empty entry is dropped.
    {"EmptySampledValueInV16MeterValues_DropsTheEntry", &Leniency::empty_sampled_value, "empty_sampled_value",
     Version::V16, "MeterValues",
     R"({"connectorId":1,"meterValue":[{"timestamp":"2024-01-02T03:04:05Z","sampledValue":[]},
         {"timestamp":"2024-01-02T03:05:05Z","sampledValue":[{"value":"10"}]}]})",
     R"({"connectorId":1,"meterValue":[{"timestamp":"2024-01-02T03:05:05Z","sampledValue":[{"value":"10"}]}]})",
     ErrorCode::OccurrenceConstraintViolation, "/meterValue/0/sampledValue"},
    {"EmptySampledValueInV16StopTransaction_DropsTheEntry", &Leniency::empty_sampled_value,
     "empty_sampled_value", Version::V16, "StopTransaction",
     R"({"transactionId":1,"meterStop":5,"timestamp":"2024-01-02T03:04:05Z","transactionData":[
         {"timestamp":"2024-01-02T03:04:05Z","sampledValue":[]}]})",
     R"({"transactionId":1,"meterStop":5,"timestamp":"2024-01-02T03:04:05Z","transactionData":[]})",
     ErrorCode::OccurrenceConstraintViolation, "/transactionData/0/sampledValue"},
    // 2.0.1 meterValue has minItems 1; emptied by the leniency it is still accepted.
    {"EmptySampledValueInV201MeterValues_LeavesAnEmptyList", &Leniency::empty_sampled_value,
     "empty_sampled_value", Version::V201, "MeterValues",
     R"({"evseId":1,"meterValue":[{"timestamp":"2024-01-02T03:04:05Z","sampledValue":[]}]})",
     R"({"evseId":1,"meterValue":[]})", ErrorCode::OccurrenceConstraintViolation,
     "/meterValue/0/sampledValue"},

    // 1.6 has no unit for Frequency; the errata says Hertz (DIGEST C.1).
    {"UnitHzOutsideTheV16Enum_IsKeptAsSent", &Leniency::unit_outside_enum, "unit_outside_enum", Version::V16,
     "MeterValues",
     R"({"connectorId":1,"meterValue":[{"timestamp":"2024-01-02T03:04:05Z",
         "sampledValue":[{"value":"50.0","measurand":"Frequency","unit":"Hz"}]}]})",
     R"({"connectorId":1,"meterValue":[{"timestamp":"2024-01-02T03:04:05Z",
         "sampledValue":[{"value":"50.0","measurand":"Frequency","unit":"Hz"}]}]})",
     ErrorCode::PropertyConstraintViolation, "/meterValue/0/sampledValue/0/unit"},
};

class LeniencyTable : public testing::TestWithParam<LeniencyCase> {
 protected:
  const SchemaNode& schema() const {
    const SchemaNode* node = find_schema(GetParam().version, GetParam().action, Direction::Request);
    EXPECT_NE(node, nullptr);
    return *node;
  }
};

TEST_P(LeniencyTable, IsAppliedAndRecorded_WhenItsFlagIsSet) {
  const auto& c = GetParam();
  json payload = json::parse(c.payload);
  const auto result = validate(schema(), payload, Leniency::all());
  ASSERT_TRUE(result.ok()) << testing::PrintToString(*result.violation);
  EXPECT_EQ(result.leniencies_applied, std::vector<std::string>{c.flag_name});
  EXPECT_EQ(payload, json::parse(c.rewritten));
  // The rewritten payload is canonical: strictly valid unless the leniency deliberately
  // left a list shorter than its minItems or kept a unit the 1.6 enum lacks.
  const std::string_view flag = c.flag_name;
  if ((flag != "empty_sampled_value" || c.version == Version::V16) && flag != "unit_outside_enum") {
    EXPECT_FALSE(validate_strict(schema(), payload).has_value());
  }
}

TEST_P(LeniencyTable, IsRejected_WhenOnlyItsFlagIsCleared) {
  const auto& c = GetParam();
  Leniency leniency = Leniency::all();
  leniency.*c.flag = false;
  json payload = json::parse(c.payload);
  const auto result = validate(schema(), payload, leniency);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.violation->code, c.strict_code);
  EXPECT_EQ(result.violation->path, c.strict_path);
}

TEST_P(LeniencyTable, IsRejected_ByStrictValidation) {
  const auto& c = GetParam();
  const json payload = json::parse(c.payload);
  const auto violation = validate_strict(schema(), payload);
  ASSERT_TRUE(violation.has_value());
  EXPECT_EQ(violation->code, c.strict_code);
  EXPECT_EQ(violation->path, c.strict_path);
}

INSTANTIATE_TEST_SUITE_P(Leniencies, LeniencyTable, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<LeniencyCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(Leniency, None_ClearsEveryFlag_AndAll_SetsEveryFlag) {
  const Leniency none = Leniency::none();
  const Leniency all = Leniency::all();
  for (const auto flag :
       {&Leniency::celsius_spelling, &Leniency::timestamp_without_zone, &Leniency::multiple_of_noise,
        &Leniency::error_code_outside_enum, &Leniency::unknown_properties, &Leniency::integer_as_float,
        &Leniency::empty_sampled_value, &Leniency::unit_outside_enum}) {
    EXPECT_FALSE(none.*flag);
    EXPECT_TRUE(all.*flag);
  }
}

TEST(Leniency, RewrittenMultipleOf_IsExactlyTheDecimalValue) {
  const SchemaNode* schema = find_schema(Version::V16, "RemoteStartTransaction", Direction::Request);
  ASSERT_NE(schema, nullptr);
  json payload = json::parse(R"({"idTag":"A","chargingProfile":{"chargingProfileId":1,"stackLevel":0,
      "chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative",
      "chargingSchedule":{"chargingRateUnit":"W","minChargingRate":16.099999999999,
      "chargingSchedulePeriod":[{"startPeriod":0,"limit":11000.0000000001}]}}})");
  const auto result = validate(*schema, payload, Leniency::all());
  ASSERT_TRUE(result.ok()) << testing::PrintToString(*result.violation);
  const auto& schedule = payload["chargingProfile"]["chargingSchedule"];
  EXPECT_EQ(schedule["minChargingRate"].get<double>(), 16.1);
  EXPECT_EQ(schedule["chargingSchedulePeriod"][0]["limit"].get<double>(), 11000.0);
  EXPECT_EQ(result.leniencies_applied, std::vector<std::string>{"multiple_of_noise"});
}

TEST(Leniency, MultipleOfFarFromAMultiple_IsRejectedEvenWhenLenient) {
  const SchemaNode* schema = find_schema(Version::V16, "SetChargingProfile", Direction::Request);
  ASSERT_NE(schema, nullptr);
  json payload = json::parse(R"({"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,
      "stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",
      "chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[
      {"startPeriod":0,"limit":7.3001}]}}})");
  const auto result = validate(*schema, payload, Leniency::all());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.violation->code, ErrorCode::PropertyConstraintViolation);
}

TEST(Leniency, FractionalIntegers_AreRejectedEvenWhenLenient) {
  const SchemaNode* schema = find_schema(Version::V16, "StartTransaction", Direction::Request);
  ASSERT_NE(schema, nullptr);
  json payload =
      json::parse(R"({"connectorId":1,"idTag":"A","meterStart":5.5,"timestamp":"2024-01-02T03:04:05Z"})");
  const auto result = validate(*schema, payload, Leniency::all());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.violation->code, ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(result.violation->path, "/meterStart");
}

TEST(Leniency, ErrorCodeOutsideEnum_TruncatesTheOriginalToVendorErrorCodeLength) {
  const SchemaNode* schema = find_schema(Version::V16, "StatusNotification", Direction::Request);
  ASSERT_NE(schema, nullptr);
  const std::string original(60, 'e');
  json payload = {{"connectorId", 1}, {"errorCode", original}, {"status", "Faulted"}};
  const auto result = validate(*schema, payload, Leniency::all());
  ASSERT_TRUE(result.ok()) << testing::PrintToString(*result.violation);
  EXPECT_EQ(payload["errorCode"], "OtherError");
  EXPECT_EQ(payload["vendorErrorCode"], std::string(50, 'e'));  // vendorErrorCode maxLength 50
}

TEST(Leniency, ErrorCodeOutsideEnum_WithVendorCodeAndInfoTaken_StillBecomesOtherError) {
  const SchemaNode* schema = find_schema(Version::V16, "StatusNotification", Direction::Request);
  ASSERT_NE(schema, nullptr);
  json payload = json::parse(
      R"({"connectorId":1,"errorCode":"Error","status":"Faulted","vendorErrorCode":"E1","info":"i"})");
  const auto result = validate(*schema, payload, Leniency::all());
  ASSERT_TRUE(result.ok()) << testing::PrintToString(*result.violation);
  EXPECT_EQ(
      payload,
      json::parse(
          R"({"connectorId":1,"errorCode":"OtherError","status":"Faulted","vendorErrorCode":"E1","info":"i"})"));
}

TEST(Leniency, ErrorCodeInsideEnum_IsLeftAlone) {
  const SchemaNode* schema = find_schema(Version::V16, "StatusNotification", Direction::Request);
  ASSERT_NE(schema, nullptr);
  json payload = json::parse(R"({"connectorId":1,"errorCode":"GroundFailure","status":"Faulted"})");
  const json before = payload;
  const auto result = validate(*schema, payload, Leniency::all());
  EXPECT_TRUE(result.ok());
  EXPECT_TRUE(result.leniencies_applied.empty());
  EXPECT_EQ(payload, before);
}

TEST(Leniency, UnitOutsideEnum_DoesNotAcceptOtherEnums) {
  const SchemaNode* schema = find_schema(Version::V16, "MeterValues", Direction::Request);
  ASSERT_NE(schema, nullptr);
  json payload = json::parse(R"({"connectorId":1,"meterValue":[{"timestamp":"2024-01-02T03:04:05Z",
      "sampledValue":[{"value":"50","measurand":"Hertz"}]}]})");
  const auto result = validate(*schema, payload, Leniency::all());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.violation->code, ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(result.violation->path, "/meterValue/0/sampledValue/0/measurand");
}

TEST(Leniency, UnitOutsideEnum_LongerThan20Chars_IsRejected) {
  const SchemaNode* schema = find_schema(Version::V16, "MeterValues", Direction::Request);
  ASSERT_NE(schema, nullptr);
  json payload = {{"connectorId", 1},
                  {"meterValue",
                   {{{"timestamp", "2024-01-02T03:04:05Z"},
                     {"sampledValue", {{{"value", "1"}, {"unit", std::string(21, 'u')}}}}}}}};
  const auto result = validate(*schema, payload, Leniency::all());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.violation->code, ErrorCode::PropertyConstraintViolation);
}

TEST(Leniency, VendorPropertiesInsideCustomData_AreKeptAndNotCounted) {
  const SchemaNode* schema = find_schema(Version::V201, "Heartbeat", Direction::Request);
  ASSERT_NE(schema, nullptr);
  json payload = json::parse(R"({"customData":{"vendorId":"acme","temperature":21}})");
  const json before = payload;
  const auto result = validate(*schema, payload, Leniency::all());
  EXPECT_TRUE(result.ok());
  EXPECT_TRUE(result.leniencies_applied.empty());
  EXPECT_EQ(payload, before);
}

TEST(Leniency, SeveralDeviationsInOneMessage_AreEachRecordedOnce) {
  const SchemaNode* schema = find_schema(Version::V16, "StopTransaction", Direction::Request);
  ASSERT_NE(schema, nullptr);
  json payload = json::parse(R"({"transactionId":1,"meterStop":5.0,"timestamp":"2024-01-02T03:04:05",
      "x":1,"transactionData":[{"timestamp":"2024-01-02T03:04:05","y":2,
      "sampledValue":[{"value":"21","unit":"Celsius"},{"value":"22","unit":"Celsius"}]}]})");
  const auto result = validate(*schema, payload, Leniency::all());
  ASSERT_TRUE(result.ok()) << testing::PrintToString(*result.violation);
  auto names = result.leniencies_applied;
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"celsius_spelling", "integer_as_float", "timestamp_without_zone",
                                             "unknown_properties"}));
}

}  // namespace
}  // namespace csms::ocpp
