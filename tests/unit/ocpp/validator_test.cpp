#include "csms/ocpp/validator.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "printers.hpp"

namespace csms::ocpp {
namespace {

using nlohmann::json;

constexpr auto kRequest = Direction::Request;
constexpr auto kResponse = Direction::Response;

// One payload and what the schema of (version, action, direction) says about it. None of
// these payloads touches a leniency, so lenient and strict validation must agree.
struct Case {
  const char* name;
  Version version;
  const char* action;
  Direction direction;
  const char* payload;
  std::optional<ErrorCode> code;  // nullopt: valid
  const char* path = "";
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

const std::string k21Chars(21, 'x');
const std::string k37Chars(37, 'x');

// Built from pieces where a literal would be unreadable (long strings).
std::string with(const std::string& before, const std::string& middle, const std::string& after) {
  return before + middle + after;
}

const std::string kVendor20 =
    with(R"({"chargePointVendor":")", std::string(20, 'v'), R"(","chargePointModel":"M"})");
const std::string kVendor21 = with(R"({"chargePointVendor":")", k21Chars, R"(","chargePointModel":"M"})");
// 20 characters but 40 bytes: maxLength counts characters.
const std::string kVendor20Umlauts = with(R"({"chargePointVendor":")",
                                          [] {
                                            std::string s;
                                            for (int i = 0; i < 20; ++i) s += "\xC3\xA4";
                                            return s;
                                          }(),
                                          R"(","chargePointModel":"M"})");
const std::string kInfo51 = with(R"({"connectorId":1,"errorCode":"NoError","status":"Available","info":")",
                                 std::string(51, 'i'), R"("})");
const std::string kAuthorize21 = with(R"({"idTag":")", k21Chars, R"("})");
const std::string kModel21 =
    with(R"({"reason":"PowerUp","chargingStation":{"vendorName":"V","model":")", k21Chars, R"("}})");
const std::string kTransactionId37 = with(
    R"({"eventType":"Started","timestamp":"2024-01-02T03:04:05Z","triggerReason":"Authorized",
        "seqNo":0,"transactionInfo":{"transactionId":")",
    k37Chars, R"("}})");
const std::string kActualValue2501 = with(
    R"({"generatedAt":"2024-01-02T03:04:05Z","seqNo":0,"eventData":[{"eventId":1,
        "timestamp":"2024-01-02T03:04:05Z","trigger":"Delta","actualValue":")",
    std::string(2501, 'a'),
    R"(","component":{"name":"Connector"},"eventNotificationType":"HardWiredNotification",
        "variable":{"name":"AvailabilityState"}}]})");

const std::string kHashData =
    R"({"hashAlgorithm":"SHA256","issuerNameHash":"a","issuerKeyHash":"b","serialNumber":"c","responderURL":"d"})";
const std::string kFiveHashes =
    with(R"({"idToken":{"idToken":"AB","type":"ISO14443"},"iso15118CertificateHashData":[)",
         kHashData + "," + kHashData + "," + kHashData + "," + kHashData + "," + kHashData, "]}");
const std::string kFourHashes =
    with(R"({"idToken":{"idToken":"AB","type":"ISO14443"},"iso15118CertificateHashData":[)",
         kHashData + "," + kHashData + "," + kHashData + "," + kHashData, "]}");

constexpr auto V16 = Version::V16;
constexpr auto V201 = Version::V201;
constexpr auto kType = ErrorCode::TypeConstraintViolation;
constexpr auto kProperty = ErrorCode::PropertyConstraintViolation;
constexpr auto kOccurrence = ErrorCode::OccurrenceConstraintViolation;
constexpr auto kFormat = ErrorCode::FormatViolation;

const Case kCases[] = {
    // ---- 1.6 BootNotification
    {"V16_BootNotification_Minimal_IsValid", V16, "BootNotification", kRequest,
     R"({"chargePointVendor":"VendorX","chargePointModel":"ModelY"})", std::nullopt},
    {"V16_BootNotification_AllFields_IsValid", V16, "BootNotification", kRequest,
     R"({"chargePointVendor":"V","chargePointModel":"M","chargePointSerialNumber":"S1",
         "chargeBoxSerialNumber":"B1","firmwareVersion":"1.2.3","iccid":"8931","imsi":"2620",
         "meterType":"MT","meterSerialNumber":"MS"})",
     std::nullopt},
    {"V16_BootNotification_VendorOf20Chars_IsValid", V16, "BootNotification", kRequest, kVendor20.c_str(),
     std::nullopt},
    {"V16_BootNotification_VendorOf20TwoByteChars_IsValid", V16, "BootNotification", kRequest,
     kVendor20Umlauts.c_str(), std::nullopt},
    {"V16_BootNotification_VendorOf21Chars_IsTypeViolation", V16, "BootNotification", kRequest,
     kVendor21.c_str(), kType, "/chargePointVendor"},
    {"V16_BootNotification_MissingModel_IsOccurrenceViolation", V16, "BootNotification", kRequest,
     R"({"chargePointVendor":"V"})", kOccurrence, "/chargePointModel"},
    {"V16_BootNotification_VendorAsNumber_IsTypeViolation", V16, "BootNotification", kRequest,
     R"({"chargePointVendor":42,"chargePointModel":"M"})", kType, "/chargePointVendor"},
    {"V16_BootNotification_PayloadArray_IsFormatViolation", V16, "BootNotification", kRequest, R"([])",
     kFormat, ""},
    {"V16_BootNotificationResponse_Valid", V16, "BootNotification", kResponse,
     R"({"status":"Accepted","currentTime":"2024-01-02T03:04:05Z","interval":300})", std::nullopt},
    {"V16_BootNotificationResponse_IntervalAsString_IsTypeViolation", V16, "BootNotification", kResponse,
     R"({"status":"Accepted","currentTime":"2024-01-02T03:04:05Z","interval":"300"})", kType, "/interval"},
    {"V16_BootNotificationResponse_UnknownStatus_IsPropertyViolation", V16, "BootNotification", kResponse,
     R"({"status":"OK","currentTime":"2024-01-02T03:04:05Z","interval":300})", kProperty, "/status"},

    // ---- 1.6 StatusNotification
    {"V16_StatusNotification_Minimal_IsValid", V16, "StatusNotification", kRequest,
     R"({"connectorId":1,"errorCode":"NoError","status":"Available"})", std::nullopt},
    {"V16_StatusNotification_AllFieldsWithOffset_IsValid", V16, "StatusNotification", kRequest,
     R"({"connectorId":0,"errorCode":"OtherError","status":"Faulted","info":"door open",
         "timestamp":"2024-01-02T03:04:05+02:00","vendorId":"acme","vendorErrorCode":"E17"})",
     std::nullopt},
    {"V16_StatusNotification_UnknownStatus_IsPropertyViolation", V16, "StatusNotification", kRequest,
     R"({"connectorId":1,"errorCode":"NoError","status":"Broken"})", kProperty, "/status"},
    {"V16_StatusNotification_ConnectorIdAsString_IsTypeViolation", V16, "StatusNotification", kRequest,
     R"({"connectorId":"1","errorCode":"NoError","status":"Available"})", kType, "/connectorId"},
    {"V16_StatusNotification_MissingErrorCode_IsOccurrenceViolation", V16, "StatusNotification", kRequest,
     R"({"connectorId":1,"status":"Available"})", kOccurrence, "/errorCode"},
    {"V16_StatusNotification_InfoOf51Chars_IsTypeViolation", V16, "StatusNotification", kRequest,
     kInfo51.c_str(), kType, "/info"},
    {"V16_StatusNotification_TimestampNotADate_IsTypeViolation", V16, "StatusNotification", kRequest,
     R"({"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"yesterday"})", kType,
     "/timestamp"},
    {"V16_StatusNotification_TimestampFebruary30_IsTypeViolation", V16, "StatusNotification", kRequest,
     R"({"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"2024-02-30T00:00:00Z"})",
     kType, "/timestamp"},

    // ---- 1.6 Authorize
    {"V16_Authorize_Valid", V16, "Authorize", kRequest, R"({"idTag":"04A2B3C4"})", std::nullopt},
    {"V16_Authorize_IdTagOf21Chars_IsTypeViolation", V16, "Authorize", kRequest, kAuthorize21.c_str(), kType,
     "/idTag"},
    {"V16_Authorize_Empty_IsOccurrenceViolation", V16, "Authorize", kRequest, R"({})", kOccurrence, "/idTag"},
    {"V16_Authorize_IdTagNull_IsTypeViolation", V16, "Authorize", kRequest, R"({"idTag":null})", kType,
     "/idTag"},
    {"V16_AuthorizeResponse_Valid", V16, "Authorize", kResponse,
     R"({"idTagInfo":{"status":"Accepted","expiryDate":"2025-01-01T00:00:00Z","parentIdTag":"G1"}})",
     std::nullopt},
    {"V16_AuthorizeResponse_UnknownStatus_IsPropertyViolation", V16, "Authorize", kResponse,
     R"({"idTagInfo":{"status":"Unknown"}})", kProperty, "/idTagInfo/status"},

    // ---- 1.6 StartTransaction
    {"V16_StartTransaction_Valid", V16, "StartTransaction", kRequest,
     R"({"connectorId":1,"idTag":"ABC","meterStart":0,"timestamp":"2024-01-02T03:04:05Z"})", std::nullopt},
    {"V16_StartTransaction_WithReservationAndMicroseconds_IsValid", V16, "StartTransaction", kRequest,
     R"({"connectorId":1,"idTag":"ABC","meterStart":12,"reservationId":4,
         "timestamp":"2024-01-02T03:04:05.123456Z"})",
     std::nullopt},
    {"V16_StartTransaction_FractionalMeterStart_IsTypeViolation", V16, "StartTransaction", kRequest,
     R"({"connectorId":1,"idTag":"ABC","meterStart":1.5,"timestamp":"2024-01-02T03:04:05Z"})", kType,
     "/meterStart"},
    {"V16_StartTransaction_MissingTimestamp_IsOccurrenceViolation", V16, "StartTransaction", kRequest,
     R"({"connectorId":1,"idTag":"ABC","meterStart":0})", kOccurrence, "/timestamp"},

    // ---- 1.6 StopTransaction
    {"V16_StopTransaction_Minimal_IsValid", V16, "StopTransaction", kRequest,
     R"({"transactionId":5,"meterStop":1000,"timestamp":"2024-01-02T03:04:05Z"})", std::nullopt},
    {"V16_StopTransaction_WithReasonAndData_IsValid", V16, "StopTransaction", kRequest,
     R"({"transactionId":5,"meterStop":1000,"timestamp":"2024-01-02T03:04:05Z","idTag":"ABC",
         "reason":"Local","transactionData":[{"timestamp":"2024-01-02T03:04:05Z",
         "sampledValue":[{"value":"1000","context":"Transaction.End","format":"Raw",
         "measurand":"Energy.Active.Import.Register","location":"Outlet","unit":"Wh"}]}]})",
     std::nullopt},
    {"V16_StopTransaction_UnknownReason_IsPropertyViolation", V16, "StopTransaction", kRequest,
     R"({"transactionId":5,"meterStop":1000,"timestamp":"2024-01-02T03:04:05Z","reason":"Unplugged"})",
     kProperty, "/reason"},
    {"V16_StopTransaction_DataWithoutTimestamp_IsOccurrenceViolation", V16, "StopTransaction", kRequest,
     R"({"transactionId":5,"meterStop":1000,"timestamp":"2024-01-02T03:04:05Z",
         "transactionData":[{"sampledValue":[{"value":"1"}]}]})",
     kOccurrence, "/transactionData/0/timestamp"},
    {"V16_StopTransaction_SampledValueAsNumber_IsTypeViolation", V16, "StopTransaction", kRequest,
     R"({"transactionId":5,"meterStop":1000,"timestamp":"2024-01-02T03:04:05Z",
         "transactionData":[{"timestamp":"2024-01-02T03:04:05Z","sampledValue":[{"value":12}]}]})",
     kType, "/transactionData/0/sampledValue/0/value"},

    // ---- 1.6 MeterValues
    {"V16_MeterValues_Valid", V16, "MeterValues", kRequest,
     R"({"connectorId":1,"transactionId":7,"meterValue":[{"timestamp":"2024-01-02T03:04:05Z",
         "sampledValue":[{"value":"1234.5","measurand":"Energy.Active.Import.Register","unit":"Wh"},
                         {"value":"16.1","measurand":"Current.Import","phase":"L1","unit":"A"}]}]})",
     std::nullopt},
    // The MeterValues schema lists both spellings, so neither needs a leniency.
    {"V16_MeterValues_UnitCelsius_IsValid", V16, "MeterValues", kRequest,
     R"({"connectorId":1,"meterValue":[{"timestamp":"2024-01-02T03:04:05Z",
         "sampledValue":[{"value":"21","measurand":"Temperature","unit":"Celsius"}]}]})",
     std::nullopt},
    {"V16_MeterValues_NoMeterValues_IsValid", V16, "MeterValues", kRequest,
     R"({"connectorId":1,"meterValue":[]})", std::nullopt},
    {"V16_MeterValues_MissingMeterValue_IsOccurrenceViolation", V16, "MeterValues", kRequest,
     R"({"connectorId":1})", kOccurrence, "/meterValue"},
    {"V16_MeterValues_UnknownPhase_IsPropertyViolation", V16, "MeterValues", kRequest,
     R"({"connectorId":1,"meterValue":[{"timestamp":"2024-01-02T03:04:05Z",
         "sampledValue":[{"value":"1","phase":"L4"}]}]})",
     kProperty, "/meterValue/0/sampledValue/0/phase"},
    {"V16_MeterValues_SampledValueObject_IsTypeViolation", V16, "MeterValues", kRequest,
     R"({"connectorId":1,"meterValue":[{"timestamp":"2024-01-02T03:04:05Z",
         "sampledValue":{"value":"1"}}]})",
     kType, "/meterValue/0/sampledValue"},

    // ---- 1.6 Heartbeat
    {"V16_Heartbeat_Empty_IsValid", V16, "Heartbeat", kRequest, R"({})", std::nullopt},
    {"V16_HeartbeatResponse_Valid", V16, "Heartbeat", kResponse, R"({"currentTime":"2024-01-02T03:04:05Z"})",
     std::nullopt},
    {"V16_HeartbeatResponse_MissingTime_IsOccurrenceViolation", V16, "Heartbeat", kResponse, R"({})",
     kOccurrence, "/currentTime"},

    // ---- 1.6 SetChargingProfile: multipleOf 0.1 on a binary double
    {"V16_SetChargingProfile_Limit8point1_IsAMultipleOfATenth", V16, "SetChargingProfile", kRequest,
     R"({"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,
         "chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",
         "chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[
         {"startPeriod":0,"limit":8.1},{"startPeriod":60,"limit":1234567.8}]}}})",
     std::nullopt},
    {"V16_SetChargingProfile_Limit8point15_IsPropertyViolation", V16, "SetChargingProfile", kRequest,
     R"({"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,
         "chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",
         "chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[
         {"startPeriod":0,"limit":8.15}]}}})",
     kProperty, "/csChargingProfiles/chargingSchedule/chargingSchedulePeriod/0/limit"},
    {"V16_GetDiagnostics_LocationWithoutScheme_IsTypeViolation", V16, "GetDiagnostics", kRequest,
     R"({"location":"diagnostics.example.com/upload"})", kType, "/location"},
    {"V16_GetDiagnostics_FtpLocation_IsValid", V16, "GetDiagnostics", kRequest,
     R"({"location":"ftp://user:pw@diagnostics.example.com/upload"})", std::nullopt},

    // ---- 2.0.1 BootNotification
    {"V201_BootNotification_Minimal_IsValid", V201, "BootNotification", kRequest,
     R"({"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}})", std::nullopt},
    {"V201_BootNotification_VendorExtensionInCustomData_IsValid", V201, "BootNotification", kRequest,
     R"({"reason":"PowerUp","customData":{"vendorId":"acme","anything":{"x":1}},
         "chargingStation":{"model":"M","vendorName":"V","serialNumber":"S",
         "modem":{"iccid":"8931","imsi":"2620"},"firmwareVersion":"1.0"}})",
     std::nullopt},
    {"V201_BootNotification_CustomDataWithoutVendorId_IsOccurrenceViolation", V201, "BootNotification",
     kRequest,
     R"({"reason":"PowerUp","customData":{"x":1},"chargingStation":{"model":"M","vendorName":"V"}})",
     kOccurrence, "/customData/vendorId"},
    {"V201_BootNotification_UnknownReason_IsPropertyViolation", V201, "BootNotification", kRequest,
     R"({"reason":"Boot","chargingStation":{"model":"M","vendorName":"V"}})", kProperty, "/reason"},
    {"V201_BootNotification_MissingChargingStation_IsOccurrenceViolation", V201, "BootNotification", kRequest,
     R"({"reason":"PowerUp"})", kOccurrence, "/chargingStation"},
    {"V201_BootNotification_ModelOf21Chars_IsTypeViolation", V201, "BootNotification", kRequest,
     kModel21.c_str(), kType, "/chargingStation/model"},
    {"V201_BootNotification_ChargingStationAsString_IsTypeViolation", V201, "BootNotification", kRequest,
     R"({"reason":"PowerUp","chargingStation":"CS1"})", kType, "/chargingStation"},
    {"V201_BootNotificationResponse_Valid", V201, "BootNotification", kResponse,
     R"({"currentTime":"2024-01-02T03:04:05Z","interval":300,"status":"Accepted"})", std::nullopt},

    // ---- 2.0.1 TransactionEvent
    {"V201_TransactionEvent_Started_IsValid", V201, "TransactionEvent", kRequest,
     R"({"eventType":"Started","timestamp":"2024-01-02T03:04:05.123Z","triggerReason":"Authorized",
         "seqNo":0,"offline":false,"transactionInfo":{"transactionId":"tx-1","chargingState":"Charging"},
         "evse":{"id":1,"connectorId":1},"idToken":{"idToken":"AB12","type":"ISO14443"},
         "meterValue":[{"timestamp":"2024-01-02T03:04:05Z","sampledValue":[{"value":0.0,
         "measurand":"Energy.Active.Import.Register","context":"Transaction.Begin",
         "unitOfMeasure":{"unit":"Wh","multiplier":0}}]}]})",
     std::nullopt},
    {"V201_TransactionEvent_UnknownEventType_IsPropertyViolation", V201, "TransactionEvent", kRequest,
     R"({"eventType":"Begin","timestamp":"2024-01-02T03:04:05Z","triggerReason":"Authorized",
         "seqNo":0,"transactionInfo":{"transactionId":"tx-1"}})",
     kProperty, "/eventType"},
    {"V201_TransactionEvent_TransactionIdOf37Chars_IsTypeViolation", V201, "TransactionEvent", kRequest,
     kTransactionId37.c_str(), kType, "/transactionInfo/transactionId"},
    {"V201_TransactionEvent_SeqNoAsString_IsTypeViolation", V201, "TransactionEvent", kRequest,
     R"({"eventType":"Updated","timestamp":"2024-01-02T03:04:05Z","triggerReason":"MeterValuePeriodic",
         "seqNo":"1","transactionInfo":{"transactionId":"tx-1"}})",
     kType, "/seqNo"},
    {"V201_TransactionEvent_EmptyAdditionalInfo_IsOccurrenceViolation", V201, "TransactionEvent", kRequest,
     R"({"eventType":"Updated","timestamp":"2024-01-02T03:04:05Z","triggerReason":"Authorized",
         "seqNo":1,"transactionInfo":{"transactionId":"tx-1"},
         "idToken":{"idToken":"AB12","type":"ISO14443","additionalInfo":[]}})",
     kOccurrence, "/idToken/additionalInfo"},
    {"V201_TransactionEvent_EmptyMeterValue_IsOccurrenceViolation", V201, "TransactionEvent", kRequest,
     R"({"eventType":"Updated","timestamp":"2024-01-02T03:04:05Z","triggerReason":"MeterValuePeriodic",
         "seqNo":1,"transactionInfo":{"transactionId":"tx-1"},"meterValue":[]})",
     kOccurrence, "/meterValue"},
    {"V201_TransactionEvent_SampledValueAsString_IsTypeViolation", V201, "TransactionEvent", kRequest,
     R"({"eventType":"Updated","timestamp":"2024-01-02T03:04:05Z","triggerReason":"MeterValuePeriodic",
         "seqNo":1,"transactionInfo":{"transactionId":"tx-1"},
         "meterValue":[{"timestamp":"2024-01-02T03:04:05Z","sampledValue":[{"value":"12"}]}]})",
     kType, "/meterValue/0/sampledValue/0/value"},
    {"V201_TransactionEvent_OfflineAsString_IsTypeViolation", V201, "TransactionEvent", kRequest,
     R"({"eventType":"Ended","timestamp":"2024-01-02T03:04:05Z","triggerReason":"EVDeparted",
         "seqNo":2,"offline":"false","transactionInfo":{"transactionId":"tx-1"}})",
     kType, "/offline"},
    {"V201_TransactionEvent_MissingTransactionInfo_IsOccurrenceViolation", V201, "TransactionEvent", kRequest,
     R"({"eventType":"Ended","timestamp":"2024-01-02T03:04:05Z","triggerReason":"EVDeparted","seqNo":2})",
     kOccurrence, "/transactionInfo"},

    // ---- 2.0.1 StatusNotification
    {"V201_StatusNotification_Valid", V201, "StatusNotification", kRequest,
     R"({"timestamp":"2024-01-02T03:04:05Z","connectorStatus":"Occupied","evseId":1,"connectorId":1})",
     std::nullopt},
    {"V201_StatusNotification_V16Status_IsPropertyViolation", V201, "StatusNotification", kRequest,
     R"({"timestamp":"2024-01-02T03:04:05Z","connectorStatus":"Charging","evseId":1,"connectorId":1})",
     kProperty, "/connectorStatus"},
    {"V201_StatusNotification_MissingEvseId_IsOccurrenceViolation", V201, "StatusNotification", kRequest,
     R"({"timestamp":"2024-01-02T03:04:05Z","connectorStatus":"Available","connectorId":1})", kOccurrence,
     "/evseId"},

    // ---- 2.0.1 Authorize
    {"V201_Authorize_Valid", V201, "Authorize", kRequest,
     R"({"idToken":{"idToken":"AB12","type":"ISO14443"}})", std::nullopt},
    {"V201_Authorize_FourHashes_IsValid", V201, "Authorize", kRequest, kFourHashes.c_str(), std::nullopt},
    {"V201_Authorize_FiveHashes_IsOccurrenceViolation", V201, "Authorize", kRequest, kFiveHashes.c_str(),
     kOccurrence, "/iso15118CertificateHashData"},
    {"V201_Authorize_UnknownTokenType_IsPropertyViolation", V201, "Authorize", kRequest,
     R"({"idToken":{"idToken":"AB12","type":"RFID"}})", kProperty, "/idToken/type"},
    {"V201_Authorize_IdTokenAsString_IsTypeViolation", V201, "Authorize", kRequest, R"({"idToken":"AB12"})",
     kType, "/idToken"},

    // ---- 2.0.1 MeterValues
    {"V201_MeterValues_Valid", V201, "MeterValues", kRequest,
     R"({"evseId":1,"meterValue":[{"timestamp":"2024-01-02T03:04:05Z","sampledValue":[
         {"value":11.5,"measurand":"Power.Active.Import","unitOfMeasure":{"unit":"kW","multiplier":3}}]}]})",
     std::nullopt},
    {"V201_MeterValues_EmptyMeterValue_IsOccurrenceViolation", V201, "MeterValues", kRequest,
     R"({"evseId":1,"meterValue":[]})", kOccurrence, "/meterValue"},
    {"V201_MeterValues_FractionalMultiplier_IsTypeViolation", V201, "MeterValues", kRequest,
     R"({"evseId":1,"meterValue":[{"timestamp":"2024-01-02T03:04:05Z","sampledValue":[
         {"value":1,"unitOfMeasure":{"multiplier":1.5}}]}]})",
     kType, "/meterValue/0/sampledValue/0/unitOfMeasure/multiplier"},
    {"V201_MeterValues_MissingEvseId_IsOccurrenceViolation", V201, "MeterValues", kRequest,
     R"({"meterValue":[{"timestamp":"2024-01-02T03:04:05Z","sampledValue":[{"value":1}]}]})", kOccurrence,
     "/evseId"},

    // ---- 2.0.1 NotifyEvent
    {"V201_NotifyEvent_Valid", V201, "NotifyEvent", kRequest,
     R"({"generatedAt":"2024-01-02T03:04:05Z","seqNo":0,"tbc":false,"eventData":[{"eventId":1,
         "timestamp":"2024-01-02T03:04:05Z","trigger":"Delta","actualValue":"Faulted",
         "component":{"name":"Connector","evse":{"id":1,"connectorId":1}},
         "eventNotificationType":"HardWiredNotification","variable":{"name":"AvailabilityState"},
         "techCode":"E1","cleared":false}]})",
     std::nullopt},
    {"V201_NotifyEvent_NoEvents_IsOccurrenceViolation", V201, "NotifyEvent", kRequest,
     R"({"generatedAt":"2024-01-02T03:04:05Z","seqNo":0,"eventData":[]})", kOccurrence, "/eventData"},
    {"V201_NotifyEvent_UnknownTrigger_IsPropertyViolation", V201, "NotifyEvent", kRequest,
     R"({"generatedAt":"2024-01-02T03:04:05Z","seqNo":0,"eventData":[{"eventId":1,
         "timestamp":"2024-01-02T03:04:05Z","trigger":"Manual","actualValue":"x",
         "component":{"name":"Connector"},"eventNotificationType":"HardWiredNotification",
         "variable":{"name":"AvailabilityState"}}]})",
     kProperty, "/eventData/0/trigger"},
    {"V201_NotifyEvent_ActualValueOf2501Chars_IsTypeViolation", V201, "NotifyEvent", kRequest,
     kActualValue2501.c_str(), kType, "/eventData/0/actualValue"},
    {"V201_NotifyEvent_ComponentWithoutName_IsOccurrenceViolation", V201, "NotifyEvent", kRequest,
     R"({"generatedAt":"2024-01-02T03:04:05Z","seqNo":0,"eventData":[{"eventId":1,
         "timestamp":"2024-01-02T03:04:05Z","trigger":"Delta","actualValue":"x",
         "component":{"instance":"1"},"eventNotificationType":"HardWiredNotification",
         "variable":{"name":"AvailabilityState"}}]})",
     kOccurrence, "/eventData/0/component/name"},
    {"V201_NotifyEvent_TbcAsString_IsTypeViolation", V201, "NotifyEvent", kRequest,
     R"({"generatedAt":"2024-01-02T03:04:05Z","seqNo":0,"tbc":"yes","eventData":[{"eventId":1,
         "timestamp":"2024-01-02T03:04:05Z","trigger":"Delta","actualValue":"x",
         "component":{"name":"Connector"},"eventNotificationType":"HardWiredNotification",
         "variable":{"name":"AvailabilityState"}}]})",
     kType, "/tbc"},

    // ---- 2.0.1 minimum/maximum and untyped data
    {"V201_NotifyEVChargingNeeds_StateOfCharge101_IsPropertyViolation", V201, "NotifyEVChargingNeeds",
     kRequest,
     R"({"evseId":1,"chargingNeeds":{"requestedEnergyTransfer":"DC",
         "dcChargingParameters":{"evMaxCurrent":200,"evMaxVoltage":500,"stateOfCharge":101}}})",
     kProperty, "/chargingNeeds/dcChargingParameters/stateOfCharge"},
    {"V201_NotifyEVChargingNeeds_StateOfChargeMinus1_IsPropertyViolation", V201, "NotifyEVChargingNeeds",
     kRequest,
     R"({"evseId":1,"chargingNeeds":{"requestedEnergyTransfer":"DC",
         "dcChargingParameters":{"evMaxCurrent":200,"evMaxVoltage":500,"stateOfCharge":-1}}})",
     kProperty, "/chargingNeeds/dcChargingParameters/stateOfCharge"},
    {"V201_NotifyEVChargingNeeds_StateOfCharge100_IsValid", V201, "NotifyEVChargingNeeds", kRequest,
     R"({"evseId":1,"chargingNeeds":{"requestedEnergyTransfer":"DC",
         "dcChargingParameters":{"evMaxCurrent":200,"evMaxVoltage":500,"stateOfCharge":100}}})",
     std::nullopt},
    {"V201_DataTransfer_AnyJsonAsData_IsValid", V201, "DataTransfer", kRequest,
     R"({"vendorId":"acme","messageId":"m","data":[1,{"a":null},"s"]})", std::nullopt},
};

class SchemaTable : public testing::TestWithParam<Case> {};

TEST_P(SchemaTable, StrictAndLenientValidationGiveTheExpectedCode) {
  const Case& c = GetParam();
  const SchemaNode* schema = find_schema(c.version, c.action, c.direction);
  ASSERT_NE(schema, nullptr) << c.action;
  const json payload = json::parse(c.payload);

  const auto strict = validate_strict(*schema, payload);
  json lenient_payload = payload;
  const auto lenient = validate(*schema, lenient_payload, Leniency::all());

  if (!c.code) {
    EXPECT_FALSE(strict.has_value()) << testing::PrintToString(*strict);
    EXPECT_TRUE(lenient.ok()) << testing::PrintToString(*lenient.violation);
  } else {
    ASSERT_TRUE(strict.has_value());
    EXPECT_EQ(strict->code, *c.code) << testing::PrintToString(*strict);
    EXPECT_EQ(strict->path, c.path);
    ASSERT_FALSE(lenient.ok());
    EXPECT_EQ(lenient.violation->code, *c.code);
    EXPECT_EQ(lenient.violation->path, c.path);
  }
  // These payloads need no leniency, so none may be reported or change anything.
  EXPECT_TRUE(lenient.leniencies_applied.empty());
  EXPECT_EQ(lenient_payload, payload);
}

INSTANTIATE_TEST_SUITE_P(Messages, SchemaTable, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case>& param_info) {
                           return param_info.param.name;
                         });

TEST(FindSchema, UnknownAction_IsNull) {
  EXPECT_EQ(find_schema(Version::V16, "TransactionEvent", Direction::Request), nullptr);
  EXPECT_EQ(find_schema(Version::V201, "StartTransaction", Direction::Request), nullptr);
  EXPECT_EQ(find_schema(Version::V201, "", Direction::Response), nullptr);
  EXPECT_EQ(find_schema(Version::V16, "bootnotification", Direction::Request), nullptr);
}

TEST(FindSchema, RequestAndResponse_AreDifferentSchemas) {
  const SchemaNode* request = find_schema(Version::V16, "Heartbeat", Direction::Request);
  const SchemaNode* response = find_schema(Version::V16, "Heartbeat", Direction::Response);
  ASSERT_NE(request, nullptr);
  ASSERT_NE(response, nullptr);
  EXPECT_NE(request, response);
  EXPECT_FALSE(validate_strict(*request, json::object()).has_value());
  EXPECT_TRUE(validate_strict(*response, json::object()).has_value());
}

TEST(FindSchema, KnownActions_AreSortedAndCoverBothCatalogues) {
  const auto v16 = known_actions(Version::V16);
  const auto v201 = known_actions(Version::V201);
  // 28 core/profile actions + 11 of the 1.6 security whitepaper; 64 in 2.0.1 (SOURCE.txt).
  EXPECT_EQ(v16.size(), 39u);
  EXPECT_EQ(v201.size(), 64u);
  EXPECT_TRUE(std::is_sorted(v16.begin(), v16.end()));
  EXPECT_TRUE(std::is_sorted(v201.begin(), v201.end()));
  for (const auto action : v201) {
    EXPECT_NE(find_schema(Version::V201, action, Direction::Request), nullptr) << action;
    EXPECT_NE(find_schema(Version::V201, action, Direction::Response), nullptr) << action;
  }
}

TEST(Validate, StopsAtTheFirstViolation_AndReportsOne) {
  const SchemaNode* schema = find_schema(Version::V16, "StartTransaction", Direction::Request);
  ASSERT_NE(schema, nullptr);
  json payload = json::object();  // four required properties missing
  const auto result = validate(*schema, payload, Leniency::none());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.violation->code, ErrorCode::OccurrenceConstraintViolation);
  EXPECT_FALSE(result.violation->detail.empty());
}

TEST(Validate, PathEscapesSlashAndTildeInPropertyNames) {
  const SchemaNode* schema = find_schema(Version::V16, "Heartbeat", Direction::Request);
  ASSERT_NE(schema, nullptr);
  const auto violation = validate_strict(*schema, json{{"a/b~c", 1}});
  ASSERT_TRUE(violation.has_value());
  EXPECT_EQ(violation->code, ErrorCode::FormatViolation);
  EXPECT_EQ(violation->path, "/a~1b~0c");
}

}  // namespace
}  // namespace csms::ocpp
