#include "csms/ocpp/commands.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "csms/ocpp/validator.hpp"
#include "printers.hpp"

namespace csms::ocpp {
namespace {

using nlohmann::json;

constexpr auto kV16 = Version::V16;
constexpr auto kV201 = Version::V201;
constexpr int kRequestId = 77;

// Builds the call and checks, independently of build_command's own check, that what would
// go to the charger is valid against the request schema of its action.
OutboundCall build(Version version, std::string_view name, const char* body) {
  auto call = build_command(version, name, json::parse(body), kRequestId);
  const auto* schema = find_schema(version, call.action, Direction::Request);
  EXPECT_NE(schema, nullptr) << call.action;
  if (schema != nullptr) {
    auto violation = validate_strict(*schema, call.payload);
    EXPECT_FALSE(violation.has_value())
        << call.action << " " << call.payload.dump() << ": " << ::testing::PrintToString(violation);
  }
  return call;
}

// The message of the CommandError a body gets, or "" when it builds.
std::string rejection(Version version, std::string_view name, const json& body) {
  try {
    (void)build_command(version, name, body, kRequestId);
  } catch (const CommandError& e) {
    return e.what();
  }
  return "";
}

TEST(Commands, IsCommand_KnowsTheTenCommands) {
  for (auto name :
       {"remote-start", "remote-stop", "reset", "unlock", "change-availability", "get-configuration",
        "set-configuration", "trigger-message", "clear-cache", "data-transfer"})
    EXPECT_TRUE(is_command(name)) << name;
  EXPECT_FALSE(is_command("reboot"));
  EXPECT_FALSE(is_command("Reset"));
}

TEST(Commands, UnknownCommand_IsCommandError) {
  EXPECT_NE(rejection(kV16, "reboot", json::object()), "");
  EXPECT_NE(rejection(kV201, "reboot", json::object()), "");
}

TEST(Commands, BodyThatIsNotAnObject_IsCommandError) {
  EXPECT_NE(rejection(kV16, "clear-cache", json::array()), "");
  EXPECT_NE(rejection(kV201, "clear-cache", "x"), "");
}

// --- remote-start ------------------------------------------------------------------------

TEST(Commands, RemoteStart_V16_IsRemoteStartTransactionOnTheConnector) {
  auto call = build(kV16, "remote-start", R"({"id_token":"TAG1","evse_id":2})");
  EXPECT_EQ(call.action, "RemoteStartTransaction");
  EXPECT_EQ(call.payload, json::parse(R"({"idTag":"TAG1","connectorId":2})"));
}

TEST(Commands, RemoteStart_V201_CarriesRemoteStartIdAndCentralToken) {
  auto call = build(kV201, "remote-start", R"({"id_token":"TAG1","evse_id":2})");
  EXPECT_EQ(call.action, "RequestStartTransaction");
  EXPECT_EQ(call.payload,
            json::parse(R"({"idToken":{"idToken":"TAG1","type":"Central"},"remoteStartId":77,"evseId":2})"));
}

TEST(Commands, RemoteStart_WithoutEvse_LetsTheChargerChoose) {
  EXPECT_EQ(build(kV16, "remote-start", R"({"id_token":"TAG1"})").payload,
            json::parse(R"({"idTag":"TAG1"})"));
  EXPECT_FALSE(build(kV201, "remote-start", R"({"id_token":"TAG1"})").payload.contains("evseId"));
}

TEST(Commands, RemoteStart_WithNullChargingProfile_SendsNone) {
  EXPECT_FALSE(build(kV16, "remote-start", R"({"id_token":"T","charging_profile":null})")
                   .payload.contains("chargingProfile"));
  EXPECT_FALSE(build(kV201, "remote-start", R"({"id_token":"T","charging_profile":null})")
                   .payload.contains("chargingProfile"));
}

TEST(Commands, RemoteStart_WithoutToken_IsCommandError) {
  EXPECT_NE(rejection(kV16, "remote-start", json::parse(R"({"evse_id":1})")), "");
  EXPECT_NE(rejection(kV201, "remote-start", json::parse(R"({"id_token":5})")), "");
}

TEST(Commands, RemoteStart_WithTokenTooLongForTheVersion_IsCommandError) {
  // 1.6 idTag is CiString20; 2.0.1 idToken is 36 characters.
  json body = {{"id_token", std::string(21, 't')}};
  EXPECT_NE(rejection(kV16, "remote-start", body), "");
  EXPECT_EQ(rejection(kV201, "remote-start", body), "");
}

// --- remote-stop -------------------------------------------------------------------------

TEST(Commands, RemoteStop_V16_TakesTheIdAsAnInteger) {
  EXPECT_EQ(build(kV16, "remote-stop", R"({"transaction_id":42})").payload,
            json::parse(R"({"transactionId":42})"));
  auto call = build(kV16, "remote-stop", R"({"transaction_id":"42"})");
  EXPECT_EQ(call.action, "RemoteStopTransaction");
  EXPECT_EQ(call.payload, json::parse(R"({"transactionId":42})"));
}

TEST(Commands, RemoteStop_V16_IdThatIsNotWhollyANumber_IsCommandError) {
  for (const char* body :
       {R"({"transaction_id":"abc"})", R"({"transaction_id":"12abc"})", R"({"transaction_id":""})",
        R"({"transaction_id":4.5})", R"({"transaction_id":true})", R"({})"})
    EXPECT_NE(rejection(kV16, "remote-stop", json::parse(body)), "") << body;
}

TEST(Commands, RemoteStop_V201_SendsTheIdAsText) {
  auto call = build(kV201, "remote-stop", R"({"transaction_id":"tx-1"})");
  EXPECT_EQ(call.action, "RequestStopTransaction");
  EXPECT_EQ(call.payload, json::parse(R"({"transactionId":"tx-1"})"));
  EXPECT_EQ(build(kV201, "remote-stop", R"({"transaction_id":42})").payload,
            json::parse(R"({"transactionId":"42"})"));
}

TEST(Commands, RemoteStop_V201_IdThatIsNeitherTextNorInteger_IsCommandError) {
  EXPECT_NE(rejection(kV201, "remote-stop", json::parse(R"({"transaction_id":true})")), "");
  EXPECT_NE(rejection(kV201, "remote-stop", json::parse(R"({"transaction_id":{"id":1}})")), "");
  EXPECT_NE(rejection(kV201, "remote-stop", json::parse(R"({"transaction_id":null})")), "");
  // RequestStopTransactionRequest.transactionId is at most 36 characters.
  EXPECT_NE(rejection(kV201, "remote-stop", json{{"transaction_id", std::string(37, 'x')}}), "");
}

// --- reset -------------------------------------------------------------------------------

TEST(Commands, Reset_V16_KeepsTheType) {
  auto call = build(kV16, "reset", R"({"type":"Hard"})");
  EXPECT_EQ(call.action, "Reset");
  EXPECT_EQ(call.payload, json::parse(R"({"type":"Hard"})"));
  EXPECT_EQ(build(kV16, "reset", R"({"type":"Soft"})").payload, json::parse(R"({"type":"Soft"})"));
}

TEST(Commands, Reset_V201_HardIsImmediateAndSoftIsOnIdle) {
  EXPECT_EQ(build(kV201, "reset", R"({"type":"Hard"})").payload, json::parse(R"({"type":"Immediate"})"));
  EXPECT_EQ(build(kV201, "reset", R"({"type":"Soft","evse_id":1})").payload,
            json::parse(R"({"type":"OnIdle","evseId":1})"));
}

TEST(Commands, Reset_WithUnknownType_IsCommandError) {
  EXPECT_NE(rejection(kV16, "reset", json::parse(R"({"type":"Immediate"})")), "");
  EXPECT_NE(rejection(kV201, "reset", json::parse(R"({"type":"Warm"})")), "");
  EXPECT_NE(rejection(kV201, "reset", json::object()), "");
}

// --- unlock ------------------------------------------------------------------------------

TEST(Commands, Unlock_V16_UnlocksTheEvsesConnector) {
  auto call = build(kV16, "unlock", R"({"evse_id":2})");
  EXPECT_EQ(call.action, "UnlockConnector");
  EXPECT_EQ(call.payload, json::parse(R"({"connectorId":2})"));
}

TEST(Commands, Unlock_V201_DefaultsToConnector1) {
  EXPECT_EQ(build(kV201, "unlock", R"({"evse_id":2})").payload,
            json::parse(R"({"evseId":2,"connectorId":1})"));
  EXPECT_EQ(build(kV201, "unlock", R"({"evse_id":2,"connector_id":3})").payload,
            json::parse(R"({"evseId":2,"connectorId":3})"));
}

TEST(Commands, Unlock_WithoutIntegerEvse_IsCommandError) {
  EXPECT_NE(rejection(kV16, "unlock", json::object()), "");
  EXPECT_NE(rejection(kV201, "unlock", json::parse(R"({"evse_id":"2"})")), "");
}

// --- change-availability -----------------------------------------------------------------

TEST(Commands, ChangeAvailability_V16_DefaultsToTheWholeStation) {
  auto call = build(kV16, "change-availability", R"({"operative":true})");
  EXPECT_EQ(call.action, "ChangeAvailability");
  EXPECT_EQ(call.payload, json::parse(R"({"connectorId":0,"type":"Operative"})"));
  EXPECT_EQ(build(kV16, "change-availability", R"({"operative":false,"evse_id":2})").payload,
            json::parse(R"({"connectorId":2,"type":"Inoperative"})"));
}

TEST(Commands, ChangeAvailability_V201_InoperativeWithEvse) {
  auto call = build(kV201, "change-availability", R"({"operative":false,"evse_id":1})");
  EXPECT_EQ(call.action, "ChangeAvailability");
  EXPECT_EQ(call.payload, json::parse(R"({"operationalStatus":"Inoperative","evse":{"id":1}})"));
  EXPECT_EQ(
      build(kV201, "change-availability", R"({"operative":false,"evse_id":1,"connector_id":2})").payload,
      json::parse(R"({"operationalStatus":"Inoperative","evse":{"id":1,"connectorId":2}})"));
  EXPECT_EQ(build(kV201, "change-availability", R"({"operative":true})").payload,
            json::parse(R"({"operationalStatus":"Operative"})"));
}

TEST(Commands, ChangeAvailability_WithoutBooleanOperative_IsCommandError) {
  EXPECT_NE(rejection(kV16, "change-availability", json::object()), "");
  EXPECT_NE(rejection(kV201, "change-availability", json::parse(R"({"operative":"yes"})")), "");
}

// --- get-configuration -------------------------------------------------------------------

TEST(Commands, GetConfiguration_V16_ListsTheKeys) {
  auto call =
      build(kV16, "get-configuration", R"({"keys":["HeartbeatInterval","MeterValueSampleInterval"]})");
  EXPECT_EQ(call.action, "GetConfiguration");
  EXPECT_EQ(call.payload, json::parse(R"({"key":["HeartbeatInterval","MeterValueSampleInterval"]})"));
}

TEST(Commands, GetConfiguration_V16_WithoutKeys_AsksForAll) {
  EXPECT_EQ(build(kV16, "get-configuration", R"({})").payload, json::object());
  EXPECT_EQ(build(kV16, "get-configuration", R"({"keys":[]})").payload, json::object());
}

TEST(Commands, GetConfiguration_V201_KeysAreComponentVariableInstance) {
  auto call =
      build(kV201, "get-configuration", R"({"keys":["OCPPCommCtrlr.HeartbeatInterval","EVSE.Power.Max"]})");
  EXPECT_EQ(call.action, "GetVariables");
  EXPECT_EQ(call.payload, json::parse(R"({"getVariableData":[
      {"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},
      {"component":{"name":"EVSE"},"variable":{"name":"Power","instance":"Max"}}]})"));
}

TEST(Commands, GetConfiguration_V201_WithoutKeys_IsConfigurationInventoryReport) {
  auto call = build(kV201, "get-configuration", R"({})");
  EXPECT_EQ(call.action, "GetBaseReport");
  EXPECT_EQ(call.payload, json::parse(R"({"requestId":77,"reportBase":"ConfigurationInventory"})"));
  EXPECT_EQ(build(kV201, "get-configuration", R"({"keys":[]})").action, "GetBaseReport");
}

TEST(Commands, GetConfiguration_V201_BareOrMalformedKey_IsCommandError) {
  for (const char* body : {R"({"keys":["HeartbeatInterval"]})", R"({"keys":[".Variable"]})",
                           R"({"keys":["Component."]})", R"({"keys":[5]})", R"({"keys":"A.B"})"})
    EXPECT_NE(rejection(kV201, "get-configuration", json::parse(body)), "") << body;
}

TEST(Commands, GetConfiguration_V16_KeyLongerThan50_IsCommandError) {
  EXPECT_NE(rejection(kV16, "get-configuration", json{{"keys", {std::string(51, 'k')}}}), "");
}

// --- set-configuration -------------------------------------------------------------------

TEST(Commands, SetConfiguration_V16_IsChangeConfigurationWithTextValue) {
  auto call = build(kV16, "set-configuration", R"({"key":"HeartbeatInterval","value":"600"})");
  EXPECT_EQ(call.action, "ChangeConfiguration");
  EXPECT_EQ(call.payload, json::parse(R"({"key":"HeartbeatInterval","value":"600"})"));
  // A JSON number or boolean goes as its text: 1.6 values are strings.
  EXPECT_EQ(build(kV16, "set-configuration", R"({"key":"HeartbeatInterval","value":600})").payload["value"],
            "600");
  EXPECT_EQ(build(kV16, "set-configuration", R"({"key":"AuthorizeRemoteTxRequests","value":true})")
                .payload["value"],
            "true");
}

TEST(Commands, SetConfiguration_V201_IsSetVariables) {
  auto call = build(kV201, "set-configuration", R"({"key":"OCPPCommCtrlr.HeartbeatInterval","value":600})");
  EXPECT_EQ(call.action, "SetVariables");
  EXPECT_EQ(call.payload, json::parse(R"({"setVariableData":[{"component":{"name":"OCPPCommCtrlr"},
      "variable":{"name":"HeartbeatInterval"},"attributeValue":"600"}]})"));
}

TEST(Commands, SetConfiguration_WithoutKeyOrValue_IsCommandError) {
  EXPECT_NE(rejection(kV16, "set-configuration", json::parse(R"({"key":"A"})")), "");
  EXPECT_NE(rejection(kV16, "set-configuration", json::parse(R"({"value":"1"})")), "");
  EXPECT_NE(rejection(kV201, "set-configuration", json::parse(R"({"key":"HeartbeatInterval","value":"1"})")),
            "");
}

// --- trigger-message ---------------------------------------------------------------------

TEST(Commands, TriggerMessage_V16_OnAConnector) {
  auto call = build(kV16, "trigger-message", R"({"message":"StatusNotification","evse_id":1})");
  EXPECT_EQ(call.action, "TriggerMessage");
  EXPECT_EQ(call.payload, json::parse(R"({"requestedMessage":"StatusNotification","connectorId":1})"));
}

TEST(Commands, TriggerMessage_V201_OnAnEvse) {
  auto call = build(kV201, "trigger-message", R"({"message":"MeterValues","evse_id":1})");
  EXPECT_EQ(call.action, "TriggerMessage");
  EXPECT_EQ(call.payload, json::parse(R"({"requestedMessage":"MeterValues","evse":{"id":1}})"));
  EXPECT_EQ(build(kV201, "trigger-message", R"({"message":"Heartbeat"})").payload,
            json::parse(R"({"requestedMessage":"Heartbeat"})"));
}

TEST(Commands, TriggerMessage_UnknownToTheVersion_IsRejectedByTheSchemaEnum) {
  EXPECT_NE(rejection(kV16, "trigger-message", json::parse(R"({"message":"TransactionEvent"})")), "");
  EXPECT_NE(
      rejection(kV201, "trigger-message", json::parse(R"({"message":"DiagnosticsStatusNotification"})")), "");
  EXPECT_NE(rejection(kV16, "trigger-message", json::parse(R"({"message":"Coffee"})")), "");
  EXPECT_NE(rejection(kV201, "trigger-message", json::object()), "");
}

// --- clear-cache -------------------------------------------------------------------------

TEST(Commands, ClearCache_IsEmptyOnBothVersions) {
  for (auto version : {kV16, kV201}) {
    auto call = build(version, "clear-cache", "{}");
    EXPECT_EQ(call.action, "ClearCache");
    EXPECT_EQ(call.payload, json::object());
  }
}

// --- data-transfer -----------------------------------------------------------------------

TEST(Commands, DataTransfer_V16_SendsDataAsText) {
  auto call =
      build(kV16, "data-transfer", R"({"vendor_id":"com.acme","message_id":"Price","data":{"ct":21}})");
  EXPECT_EQ(call.action, "DataTransfer");
  EXPECT_EQ(call.payload, json::parse(R"({"vendorId":"com.acme","messageId":"Price","data":"{\"ct\":21}"})"));
  EXPECT_EQ(build(kV16, "data-transfer", R"({"vendor_id":"com.acme","data":"raw"})").payload["data"], "raw");
}

TEST(Commands, DataTransfer_V201_SendsDataAsJson) {
  auto call = build(kV201, "data-transfer", R"({"vendor_id":"com.acme","data":{"ct":21}})");
  EXPECT_EQ(call.action, "DataTransfer");
  EXPECT_EQ(call.payload, json::parse(R"({"vendorId":"com.acme","data":{"ct":21}})"));
}

TEST(Commands, DataTransfer_NullOptionals_AreLeftOut) {
  for (auto version : {kV16, kV201})
    EXPECT_EQ(
        build(version, "data-transfer", R"({"vendor_id":"com.acme","message_id":null,"data":null})").payload,
        json::parse(R"({"vendorId":"com.acme"})"));
}

TEST(Commands, DataTransfer_WithoutVendor_IsCommandError) {
  EXPECT_NE(rejection(kV16, "data-transfer", json::parse(R"({"data":"x"})")), "");
  EXPECT_NE(rejection(kV201, "data-transfer", json::object()), "");
}

// --- reply_status ------------------------------------------------------------------------

TEST(ReplyStatus, IsTheReplysStatus) {
  EXPECT_EQ(reply_status("Reset", json::parse(R"({"status":"Rejected"})")), "Rejected");
  EXPECT_EQ(
      reply_status("RequestStartTransaction", json::parse(R"({"status":"Accepted","transactionId":"t"})")),
      "Accepted");
}

TEST(ReplyStatus, GetVariables_IsTheFirstAttributeStatus) {
  auto reply = json::parse(R"({"getVariableResult":[
      {"attributeStatus":"UnknownVariable","component":{"name":"A"},"variable":{"name":"B"}},
      {"attributeStatus":"Accepted","component":{"name":"A"},"variable":{"name":"C"}}]})");
  EXPECT_EQ(reply_status("GetVariables", reply), "UnknownVariable");
}

TEST(ReplyStatus, SetVariables_IsTheFirstAttributeStatus) {
  auto reply = json::parse(R"({"setVariableResult":[
      {"attributeStatus":"RebootRequired","component":{"name":"A"},"variable":{"name":"B"}}]})");
  EXPECT_EQ(reply_status("SetVariables", reply), "RebootRequired");
}

TEST(ReplyStatus, ReplyWithoutStatus_IsAccepted) {
  EXPECT_EQ(reply_status("GetConfiguration", json::parse(R"({"configurationKey":[]})")), "Accepted");
  EXPECT_EQ(reply_status("GetVariables", json::parse(R"({"getVariableResult":[]})")), "Accepted");
  EXPECT_EQ(reply_status("ClearCache", json::object()), "Accepted");
}

}  // namespace
}  // namespace csms::ocpp

// --- security: certificates, passwords, profiles -------------------------------------------

namespace csms::ocpp {
namespace {

TEST(SecurityCommands, SetPassword_V16_SendsTheHexOfTheBytes_V201_TheText) {
  auto v16 = build(kV16, "set-password", R"({"password":"Ab3-Ab3-Ab3-Ab3-Ab3-"})");
  EXPECT_EQ(v16.action, "ChangeConfiguration");
  EXPECT_EQ(v16.payload["key"], "AuthorizationKey");
  EXPECT_EQ(v16.payload["value"], "4162332d4162332d4162332d4162332d4162332d");  // 20 bytes, 40 hex digits
  auto v201 = build(kV201, "set-password", R"({"password":"Ab3-Ab3-Ab3-Ab3-Ab3-"})");
  EXPECT_EQ(v201.action, "SetVariables");
  EXPECT_EQ(v201.payload["setVariableData"][0]["component"]["name"], "SecurityCtrlr");
  EXPECT_EQ(v201.payload["setVariableData"][0]["variable"]["name"], "BasicAuthPassword");
  EXPECT_EQ(v201.payload["setVariableData"][0]["attributeValue"], "Ab3-Ab3-Ab3-Ab3-Ab3-");
}

TEST(SecurityCommands, ProfileUpgrade_V16_IsSecurityProfile_V201_ANetworkProfileAndItsPriority) {
  auto v16 = build(kV16, "set-security-profile", R"({"profile":3})");
  EXPECT_EQ(v16.payload, json::parse(R"({"key":"SecurityProfile","value":"3"})"));
  auto network = build(kV201, "set-network-profile",
                       R"({"slot":1,"csms_url":"wss://csms.example:9443/ocpp","profile":2})");
  EXPECT_EQ(network.action, "SetNetworkProfile");
  EXPECT_EQ(network.payload["connectionData"]["securityProfile"], 2);
  EXPECT_EQ(network.payload["connectionData"]["ocppCsmsUrl"], "wss://csms.example:9443/ocpp");
  auto priority = build(kV201, "set-network-priority", R"({"priority":"1,0"})");
  EXPECT_EQ(priority.payload["setVariableData"][0]["variable"]["name"], "NetworkConfigurationPriority");
  EXPECT_NE(rejection(kV201, "set-security-profile", json{{"profile", 2}}), "");
  EXPECT_NE(rejection(kV16, "set-network-profile", json{{"slot", 1}}), "");
}

TEST(SecurityCommands, Certificates_OneBodyShapeForBothVersions) {
  auto install16 =
      build(kV16, "install-certificate", R"({"certificate_type":"CSMSRootCertificate","certificate":"PEM"})");
  EXPECT_EQ(install16.payload["certificateType"], "CentralSystemRootCertificate");
  auto install201 = build(kV201, "install-certificate",
                          R"({"certificate_type":"CSMSRootCertificate","certificate":"PEM"})");
  EXPECT_EQ(install201.payload["certificateType"], "CSMSRootCertificate");
  EXPECT_NE(rejection(kV16, "get-installed-certificate-ids", json::object()), "");
  EXPECT_EQ(build(kV201, "get-installed-certificate-ids", "{}").payload, json::object());
  EXPECT_EQ(build(kV16, "renew-certificate", "{}").action, "ExtendedTriggerMessage");
  EXPECT_EQ(build(kV201, "renew-certificate", "{}").payload["requestedMessage"],
            "SignChargingStationCertificate");
  auto removal = build(
      kV201, "delete-certificate",
      R"({"hash_algorithm":"SHA256","issuer_name_hash":"a","issuer_key_hash":"b","serial_number":"1"})");
  EXPECT_EQ(removal.payload["certificateHashData"]["serialNumber"], "1");
}

}  // namespace
}  // namespace csms::ocpp

namespace csms::ocpp {
namespace {

TEST(Commands, Reserve_V16_IsReserveNowOnTheConnectorWithTheParentTag) {
  auto call = build(kV16, "reserve",
                    R"({"reservation_id":12,"id_token":"RFID-1","expires_at":"2026-05-01T10:00:00Z",
                        "evse_id":2,"group_id_token":"FLEET"})");
  EXPECT_EQ(call.action, "ReserveNow");
  EXPECT_EQ(call.payload,
            json::parse(R"({"connectorId":2,"expiryDate":"2026-05-01T10:00:00Z","idTag":"RFID-1",
                                          "reservationId":12,"parentIdTag":"FLEET"})"));
  // Without an EVSE: connector 0, any connector of the station.
  EXPECT_EQ(
      build(kV16, "reserve", R"({"reservation_id":1,"id_token":"T","expires_at":"2026-05-01T10:00:00Z"})")
          .payload["connectorId"],
      0);
}

TEST(Commands, Reserve_V201_CarriesTheIdTokenAsACardUnlessTold_AndTheEvseOnlyWhenGiven) {
  auto call =
      build(kV201, "reserve",
            R"({"reservation_id":12,"id_token":"RFID-1","expires_at":"2026-05-01T10:00:00Z","evse_id":2})");
  EXPECT_EQ(call.action, "ReserveNow");
  EXPECT_EQ(call.payload, json::parse(R"({"id":12,"expiryDateTime":"2026-05-01T10:00:00Z",
                                          "idToken":{"idToken":"RFID-1","type":"ISO14443"},"evseId":2})"));
  auto any = build(
      kV201, "reserve",
      R"({"reservation_id":3,"id_token":"APP-7","id_token_type":"Central","expires_at":"2026-05-01T10:00:00Z",
                       "evse_id":0,"group_id_token":"FLEET"})");
  EXPECT_FALSE(any.payload.contains("evseId"));
  EXPECT_EQ(any.payload["idToken"]["type"], "Central");
  EXPECT_EQ(any.payload["groupIdToken"], json::parse(R"({"idToken":"FLEET","type":"Central"})"));
  EXPECT_NE(
      rejection(kV201, "reserve", json::parse(R"({"id_token":"T","expires_at":"2026-05-01T10:00:00Z"})")), "")
      << "the reservation id is required";
}

TEST(Commands, CancelReservation_IsTheSameInBothVersions) {
  for (auto version : {kV16, kV201}) {
    auto call = build(version, "cancel-reservation", R"({"reservation_id":12})");
    EXPECT_EQ(call.action, "CancelReservation");
    EXPECT_EQ(call.payload, json::parse(R"({"reservationId":12})"));
  }
}

}  // namespace
}  // namespace csms::ocpp

namespace csms::ocpp {
namespace {

TEST(Commands, SendLocalList_BothVersions_EntriesWithInfo_RemovalsWithout) {
  const char* body = R"({"list_version":4,"update_type":"Differential","entries":[
      {"id_token":"A","status":"Accepted","expires_at":"2027-01-01T00:00:00Z","group_id_token":"G"},
      {"id_token":"B"}]})";
  auto v16 = build(kV16, "send-local-list", body);
  EXPECT_EQ(v16.action, "SendLocalList");
  EXPECT_EQ(v16.payload,
            json::parse(R"({"listVersion":4,"updateType":"Differential","localAuthorizationList":[
      {"idTag":"A","idTagInfo":{"status":"Accepted","expiryDate":"2027-01-01T00:00:00Z","parentIdTag":"G"}},
      {"idTag":"B"}]})"));
  auto v201 = build(kV201, "send-local-list", body);
  EXPECT_EQ(v201.payload,
            json::parse(R"({"versionNumber":4,"updateType":"Differential","localAuthorizationList":[
      {"idToken":{"idToken":"A","type":"ISO14443"},"idTokenInfo":{"status":"Accepted",
        "cacheExpiryDateTime":"2027-01-01T00:00:00Z","groupIdToken":{"idToken":"G","type":"Central"}}},
      {"idToken":{"idToken":"B","type":"ISO14443"}}]})"));
  // An empty full list clears the station's.
  EXPECT_FALSE(build(kV16, "send-local-list", R"({"list_version":5,"update_type":"Full","entries":[]})")
                   .payload.contains("localAuthorizationList"));
  EXPECT_EQ(build(kV201, "get-local-list-version", "{}").action, "GetLocalListVersion");
}

}  // namespace
}  // namespace csms::ocpp

namespace csms::ocpp {
namespace {

TEST(Commands, UpdateFirmware_16Plain_16SignedIsTheSecurityExtension_201WithRequestId) {
  auto plain =
      build(kV16, "update-firmware",
            R"({"location":"https://fw.example/cp.bin","retrieve_at":"2026-05-01T10:00:00Z","retries":3,
                         "retry_interval_s":60})");
  EXPECT_EQ(plain.action, "UpdateFirmware");
  EXPECT_EQ(plain.payload,
            json::parse(R"({"location":"https://fw.example/cp.bin","retrieveDate":"2026-05-01T10:00:00Z",
                                           "retries":3,"retryInterval":60})"));
  const char* signed_body = R"({"location":"https://fw.example/cp.bin","retrieve_at":"2026-05-01T10:00:00Z",
                                "install_at":"2026-05-01T11:00:00Z","signing_certificate":"-----BEGIN CERTIFICATE-----",
                                "signature":"c2ln"})";
  auto signed16 = build(kV16, "update-firmware", signed_body);
  EXPECT_EQ(signed16.action, "SignedUpdateFirmware");
  EXPECT_EQ(signed16.payload["requestId"], kRequestId);
  EXPECT_EQ(signed16.payload["firmware"]["signature"], "c2ln");
  auto v201 = build(kV201, "update-firmware", signed_body);
  EXPECT_EQ(v201.action, "UpdateFirmware");
  EXPECT_EQ(v201.payload["firmware"]["installDateTime"], "2026-05-01T11:00:00Z");
  EXPECT_NE(
      rejection(kV201, "update-firmware",
                json::parse(R"({"location":"x","retrieve_at":"2026-05-01T10:00:00Z","signature":"c2ln"})")),
      "")
      << "a signature without its certificate";
}

TEST(Commands, GetDiagnostics_16GetDiagnostics_SecurityLogAnd201AreGetLog) {
  auto v16 = build(kV16, "get-diagnostics",
                   R"({"location":"https://logs.example/up","from":"2026-05-01T00:00:00Z"})");
  EXPECT_EQ(v16.action, "GetDiagnostics");
  EXPECT_EQ(v16.payload,
            json::parse(R"({"location":"https://logs.example/up","startTime":"2026-05-01T00:00:00Z"})"));
  auto security =
      build(kV16, "get-diagnostics", R"({"location":"https://logs.example/up","log_type":"SecurityLog"})");
  EXPECT_EQ(security.action, "GetLog");
  EXPECT_EQ(security.payload["logType"], "SecurityLog");
  auto v201 = build(kV201, "get-diagnostics",
                    R"({"location":"https://logs.example/up","to":"2026-05-02T00:00:00Z"})");
  EXPECT_EQ(v201.action, "GetLog");
  EXPECT_EQ(v201.payload, json::parse(R"({"log":{"remoteLocation":"https://logs.example/up",
      "latestTimestamp":"2026-05-02T00:00:00Z"},"logType":"DiagnosticsLog","requestId":77})"));
}

TEST(Commands, TwoZeroOneOnlyMessages_AreBuilt_AndRefusedFor16) {
  EXPECT_EQ(build(kV201, "get-transaction-status", R"({"transaction_id":"tx-9"})").payload,
            json::parse(R"({"transactionId":"tx-9"})"));
  EXPECT_EQ(build(kV201, "get-transaction-status", "{}").payload, json::object());
  EXPECT_EQ(
      build(kV201, "customer-information", R"({"report":true,"clear":false,"id_token":"RFID-1"})").payload,
      json::parse(R"({"requestId":77,"report":true,"clear":false,
                            "idToken":{"idToken":"RFID-1","type":"ISO14443"}})"));
  EXPECT_EQ(build(kV201, "set-display-message", R"({"id":3,"message":"Free charging today","language":"en"})")
                .payload,
            json::parse(R"({"message":{"id":3,"priority":"NormalCycle",
                            "message":{"format":"UTF8","content":"Free charging today","language":"en"}}})"));
  EXPECT_EQ(build(kV201, "get-display-messages", R"({"ids":[3]})").payload,
            json::parse(R"({"requestId":77,"id":[3]})"));
  EXPECT_EQ(build(kV201, "clear-display-message", R"({"id":3})").payload, json::parse(R"({"id":3})"));
  for (const char* name : {"get-transaction-status", "customer-information", "set-display-message",
                           "get-display-messages", "clear-display-message"})
    EXPECT_NE(rejection(kV16, name, json::parse(R"({"id":3})")).find("2.0.1"), std::string::npos) << name;
}

}  // namespace
}  // namespace csms::ocpp

namespace csms::ocpp {
namespace {

TEST(Commands, ReportsAndMonitoring_201_FromOneBodyShape) {
  EXPECT_EQ(build(kV201, "get-base-report", R"({"report_base":"FullInventory"})").payload,
            json::parse(R"({"requestId":77,"reportBase":"FullInventory"})"));
  EXPECT_EQ(build(kV201, "get-report", R"({"criteria":["Problem"],"keys":["EVSE.Power"]})").payload,
            json::parse(R"({"requestId":77,"componentCriteria":["Problem"],
                            "componentVariable":[{"component":{"name":"EVSE"},"variable":{"name":"Power"}}]})"));
  EXPECT_EQ(build(kV201, "get-monitoring-report", R"({"criteria":["ThresholdMonitoring"]})").action,
            "GetMonitoringReport");
  EXPECT_EQ(build(kV201, "set-variable-monitoring",
                  R"({"monitors":[{"key":"EVSE.Power","type":"UpperThreshold","value":23000,"severity":4}]})")
                .payload,
            json::parse(R"({"setMonitoringData":[{"component":{"name":"EVSE"},"variable":{"name":"Power"},
                            "type":"UpperThreshold","value":23000,"severity":4}]})"));
  EXPECT_EQ(build(kV201, "clear-variable-monitoring", R"({"ids":[1,2]})").payload,
            json::parse(R"({"id":[1,2]})"));
  EXPECT_EQ(build(kV201, "set-monitoring-base", R"({"base":"FactoryDefault"})").payload,
            json::parse(R"({"monitoringBase":"FactoryDefault"})"));
  EXPECT_EQ(build(kV201, "set-monitoring-level", R"({"severity":5})").payload,
            json::parse(R"({"severity":5})"));
  EXPECT_NE(rejection(kV201, "set-variable-monitoring",
                      json::parse(
                          R"({"monitors":[{"key":"EVSE.Power","type":"Sideways","value":1,"severity":4}]})")),
            "")
      << "checked against the schema";
  EXPECT_NE(rejection(kV16, "get-base-report", json::parse(R"({"report_base":"FullInventory"})")), "");
}

}  // namespace
}  // namespace csms::ocpp

namespace csms::ocpp {
namespace {

TEST(ChargingCommands, SetChargingProfile_MapsToEachVersionsShape) {
  auto v16 = build(kV16, "set-charging-profile", R"({"evse_id":1,"charging_profile":{
      "chargingProfileId":5,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile",
      "chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A",
      "chargingSchedulePeriod":[{"startPeriod":0,"limit":16}]}}})");
  EXPECT_EQ(v16.action, "SetChargingProfile");
  EXPECT_EQ(v16.payload["connectorId"], 1);
  EXPECT_EQ(v16.payload["csChargingProfiles"]["chargingProfileId"], 5);
  auto v201 = build(kV201, "set-charging-profile", R"({"evse_id":0,"charging_profile":{
      "id":5,"stackLevel":0,"chargingProfilePurpose":"ChargingStationMaxProfile",
      "chargingProfileKind":"Absolute","chargingSchedule":[{"id":1,"chargingRateUnit":"W",
      "chargingSchedulePeriod":[{"startPeriod":0,"limit":11000}]}]}})");
  EXPECT_EQ(v201.payload["evseId"], 0);
  EXPECT_EQ(v201.payload["chargingProfile"]["id"], 5);
  // A profile in the other version's shape is refused before it reaches the station.
  EXPECT_THROW(
      build_command(kV201, "set-charging-profile",
                    v16.payload.is_object()
                        ? json{{"evse_id", 1}, {"charging_profile", v16.payload["csChargingProfiles"]}}
                        : json(),
                    1),
      CommandError);
}

TEST(ChargingCommands, GetChargingProfiles201_AndExtendedTrigger16) {
  auto profiles =
      build(kV201, "get-charging-profiles", R"({"evse_id":1,"purpose":"TxProfile","profile_ids":[4,5]})");
  EXPECT_EQ(profiles.action, "GetChargingProfiles");
  EXPECT_EQ(profiles.payload["requestId"], kRequestId);
  EXPECT_EQ(profiles.payload["evseId"], 1);
  EXPECT_EQ(profiles.payload["chargingProfile"],
            json::parse(R"({"chargingProfilePurpose":"TxProfile","chargingProfileId":[4,5]})"));
  EXPECT_THROW(build_command(kV16, "get-charging-profiles", json::object(), 1), CommandError);
  EXPECT_EQ(build(kV16, "trigger-message", R"({"message":"LogStatusNotification"})").action,
            "ExtendedTriggerMessage");
  EXPECT_EQ(build(kV16, "trigger-message", R"({"message":"Heartbeat"})").action, "TriggerMessage");
}

TEST(ChargingCommands, ClearAndCompositeSchedule_MapCriteria) {
  auto v16 = build(kV16, "clear-charging-profile", R"({"evse_id":2,"purpose":"TxProfile","stack_level":1})");
  EXPECT_EQ(v16.payload,
            json::parse(R"({"connectorId":2,"chargingProfilePurpose":"TxProfile","stackLevel":1})"));
  auto v201 = build(kV201, "clear-charging-profile", R"({"profile_id":9,"evse_id":2})");
  EXPECT_EQ(v201.payload, json::parse(R"({"chargingProfileId":9,"chargingProfileCriteria":{"evseId":2}})"));
  EXPECT_EQ(build(kV201, "clear-charging-profile", "{}").payload, json::object());
  auto composite =
      build(kV16, "get-composite-schedule", R"({"evse_id":1,"duration_s":3600,"charging_rate_unit":"W"})");
  EXPECT_EQ(composite.payload, json::parse(R"({"connectorId":1,"duration":3600,"chargingRateUnit":"W"})"));
  EXPECT_EQ(build(kV201, "get-composite-schedule", R"({"evse_id":1,"duration_s":60})").payload,
            json::parse(R"({"evseId":1,"duration":60})"));
  EXPECT_THROW(build_command(kV201, "get-composite-schedule", json::parse(R"({"evse_id":1})"), 1),
               CommandError);
}

TEST(LearntVariables, SetVariables_KeepsOnlyWhatTheStationTook) {
  auto answer = json::parse(R"({"setVariableResult":[
      {"attributeStatus":"Accepted","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},
      {"attributeStatus":"Rejected","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"Other"}},
      {"attributeStatus":"RebootRequired","attributeType":"Target",
       "component":{"name":"EVSE","instance":"a","evse":{"id":2,"connectorId":1}},"variable":{"name":"Power"}}]})");
  auto learnt = learnt_variables("set-configuration", json::parse(R"({"key":"X","value":900})"), answer);
  ASSERT_TRUE(learnt.has_value());
  EXPECT_EQ(learnt->source, "SetVariables");
  ASSERT_EQ(learnt->variables.size(), 2u);
  EXPECT_EQ(learnt->variables[0].variable, "HeartbeatInterval");
  EXPECT_EQ(learnt->variables[0].value, "900") << "a number sent is stored as its text";
  EXPECT_EQ(learnt->variables[1].component_instance, "a");
  EXPECT_EQ(learnt->variables[1].evse_id, 2);
  EXPECT_EQ(learnt->variables[1].connector_id, 1);
  EXPECT_EQ(learnt->variables[1].attribute_type, "Target");
  EXPECT_FALSE(learnt->variables[1].mutability.has_value()) << "the answer does not say";
}

TEST(LearntVariables, ChangeConfigurationRejectedOrOtherCommands_TeachNothing) {
  auto body = json::parse(R"({"key":"HeartbeatInterval","value":"60"})");
  EXPECT_FALSE(learnt_variables("set-configuration", body, json::parse(R"({"status":"Rejected"})")));
  EXPECT_FALSE(learnt_variables("reset", body, json::parse(R"({"status":"Accepted"})")));
  auto took = learnt_variables("set-configuration", body, json::parse(R"({"status":"RebootRequired"})"));
  ASSERT_TRUE(took.has_value());
  EXPECT_EQ(took->source, "ChangeConfiguration");
  EXPECT_EQ(took->variables.at(0).component, "");
  EXPECT_EQ(took->variables.at(0).value, "60");
}

TEST(LearntVariables, GetConfigurationKeys_AreVariablesOfTheUnnamedComponent) {
  auto learnt = learnt_variables("get-configuration", json::object(), json::parse(R"({"configurationKey":[
      {"key":"NumberOfConnectors","readonly":true,"value":"2"},{"key":"Empty","readonly":false}],
      "unknownKey":["Nope"]})"));
  ASSERT_TRUE(learnt.has_value());
  EXPECT_EQ(learnt->source, "GetConfiguration");
  ASSERT_EQ(learnt->variables.size(), 2u);
  EXPECT_EQ(learnt->variables[0].mutability, "ReadOnly");
  EXPECT_EQ(learnt->variables[1].mutability, "ReadWrite");
  EXPECT_FALSE(learnt->variables[1].value.has_value());
}

}  // namespace
}  // namespace csms::ocpp
