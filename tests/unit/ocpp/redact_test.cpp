// Secrets are taken out of OCPP-J frames before they are logged (A01.FR.08/09).

#include "csms/ocpp/redact.hpp"

#include <gtest/gtest.h>

namespace csms::ocpp {
namespace {

TEST(Redact, V16ChangeConfigurationOfAuthorizationKey_HidesTheValue) {
  EXPECT_EQ(
      redact_secrets(
          R"([2,"42","ChangeConfiguration",{"key":"AuthorizationKey","value":"0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF"}])"),
      R"([2,"42","ChangeConfiguration",{"key":"AuthorizationKey","value":"***"}])");
  // Configuration keys are matched in any case.
  EXPECT_EQ(
      redact_secrets(
          R"([2,"43","ChangeConfiguration",{"value":"00112233445566778899aabbccddeeff","key":"authorizationkey"}])"),
      R"([2,"43","ChangeConfiguration",{"value":"***","key":"authorizationkey"}])");
}

TEST(Redact, V16OtherConfigurationKeys_ComeBackAsTheyWere) {
  const std::string frame =
      R"([2, "44", "ChangeConfiguration", {"key": "HeartbeatInterval", "value": "300"}])";
  EXPECT_EQ(redact_secrets(frame), frame) << "unchanged text, spacing included";
  const std::string answer = R"([3,"44",{"status":"Accepted"}])";
  EXPECT_EQ(redact_secrets(answer), answer);
}

TEST(Redact, V16GetConfigurationAnswerCarryingTheKey_HidesIt) {
  // AuthorizationKey is write-only; a charger that returns it anyway must not get it logged.
  EXPECT_EQ(
      redact_secrets(
          R"([3,"45",{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"300"},{"key":"AuthorizationKey","readonly":false,"value":"leaked"}]}])"),
      R"([3,"45",{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"300"},{"key":"AuthorizationKey","readonly":false,"value":"***"}]}])");
}

TEST(Redact, V201SetVariablesOfBasicAuthPassword_HidesOnlyThatAttributeValue) {
  EXPECT_EQ(
      redact_secrets(
          R"([2,"7","SetVariables",{"setVariableData":[{"attributeType":"Actual","attributeValue":"S3cretPassw0rd-2.0.1","component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}},{"attributeValue":"60","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}])"),
      R"([2,"7","SetVariables",{"setVariableData":[{"attributeType":"Actual","attributeValue":"***","component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}},{"attributeValue":"60","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}])");
}

TEST(Redact, V201GetVariablesAnswerAndNotifyReport_HideThePassword) {
  EXPECT_EQ(
      redact_secrets(
          R"([3,"8",{"getVariableResult":[{"attributeStatus":"Accepted","attributeValue":"leaked","component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}}]}])"),
      R"([3,"8",{"getVariableResult":[{"attributeStatus":"Accepted","attributeValue":"***","component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}}]}])");
  EXPECT_EQ(
      redact_secrets(
          R"([2,"9","NotifyReport",{"requestId":1,"generatedAt":"2026-03-01T10:00:00Z","seqNo":0,"reportData":[{"component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"},"variableAttribute":[{"type":"Actual","value":"leaked","mutability":"WriteOnly"}],"variableCharacteristics":{"dataType":"passwordString","supportsMonitoring":false}}]}])"),
      R"([2,"9","NotifyReport",{"requestId":1,"generatedAt":"2026-03-01T10:00:00Z","seqNo":0,"reportData":[{"component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"},"variableAttribute":[{"type":"Actual","value":"***","mutability":"WriteOnly"}],"variableCharacteristics":{"dataType":"passwordString","supportsMonitoring":false}}]}])");
}

TEST(Redact, PasswordNamedPropertiesAndTheVpnKey_AreHidden) {
  // 2.0.1 SetNetworkProfile: VPN password and shared key, APN password.
  EXPECT_EQ(
      redact_secrets(
          R"([2,"10","SetNetworkProfile",{"configurationSlot":1,"connectionData":{"ocppVersion":"OCPP20","ocppTransport":"JSON","ocppCsmsUrl":"wss://csms.example/ocpp","messageTimeout":30,"securityProfile":2,"ocppInterface":"Wired0","vpn":{"server":"vpn.example","user":"u","password":"vpn-pw","key":"psk","type":"IPSec"},"apn":{"apn":"internet","apnUserName":"u","apnPassword":"apn-pw","apnAuthentication":"CHAP"}}}])"),
      R"([2,"10","SetNetworkProfile",{"configurationSlot":1,"connectionData":{"ocppVersion":"OCPP20","ocppTransport":"JSON","ocppCsmsUrl":"wss://csms.example/ocpp","messageTimeout":30,"securityProfile":2,"ocppInterface":"Wired0","vpn":{"server":"vpn.example","user":"u","password":"***","key":"***","type":"IPSec"},"apn":{"apn":"internet","apnUserName":"u","apnPassword":"***","apnAuthentication":"CHAP"}}}])");
  // Whatever the value's type.
  EXPECT_EQ(redact_secrets(R"([2,"11","DataTransfer",{"vendorId":"X","data":{"Password":{"a":[1,2]}}}])"),
            R"([2,"11","DataTransfer",{"vendorId":"X","data":{"Password":"***"}}])");
}

TEST(Redact, TextThatIsNotJson_IsCutTo2KiB) {
  EXPECT_EQ(redact_secrets("hello"), "hello");
  EXPECT_EQ(redact_secrets(""), "");
  const std::string long_text(5000, 'x');
  EXPECT_EQ(redact_secrets(long_text), std::string(2048, 'x'));
  // Not cut inside a UTF-8 sequence: 2047 x 'a' then "é" (2 bytes) keeps the 2047.
  EXPECT_EQ(redact_secrets(std::string(2047, 'a') + "\xc3\xa9" + "rest"), std::string(2047, 'a'));
}

TEST(Redact, BrokenJsonNamingASecret_IsWithheld) {
  // A frame cut short: the value would be in the log if the text were kept.
  auto out = redact_secrets(R"([2,"12","ChangeConfiguration",{"key":"AuthorizationKey","value":"0001020304)");
  EXPECT_EQ(out.find("0001020304"), std::string::npos) << out;
  out = redact_secrets(
      R"({"attributeValue":"hunter2-hunter2-hunter2","variable":{"name":"BasicAuthPassword"})");
  EXPECT_EQ(out.find("hunter2"), std::string::npos) << out;
}

TEST(Redact, BrokenJsonNamingASecretThroughEscapes_IsWithheld) {
  // JSON may spell any character as \u00XX; the names count however they are spelled
  // (found by fuzz/fuzz_frame, fuzz/regressions/fuzz_frame/escaped-secret-name-logged).
  auto out = redact_secrets(
      R"([2,"13","SetVariables",{"setVariableData":[{"attributeValue":"hunter2-hunter2-x","variable":{"name":"BasicAuth\u0050assword"}}]})");
  EXPECT_EQ(out.find("hunter2"), std::string::npos) << out;
  out = redact_secrets(R"([2,"14","ChangeConfiguration",{"key":"Authorization\u004bey","value":"0001020304)");
  EXPECT_EQ(out.find("0001020304"), std::string::npos) << out;
  // An escaped backslash starts no escape: "\\u0050" is a backslash and "u0050", no name.
  EXPECT_EQ(redact_secrets(R"({"note":"\\u0050assword)"), R"({"note":"\\u0050assword)");
  // A name as written counts even where an escape before it would take its first letter.
  EXPECT_NE(redact_secrets(R"({"x":"\u001authorizationkey)").find("withheld"), std::string::npos);
}

TEST(Redact, NestingDeeperThanFramesMayBe_IsTreatedAsText) {
  std::string deep(100000, '[');
  auto out = redact_secrets(deep);
  EXPECT_EQ(out, std::string(2048, '['));
  std::string deep_valid = std::string(200, '[') + std::string(200, ']');
  EXPECT_EQ(redact_secrets(deep_valid), std::string(200, '[') + std::string(200, ']'));
}

}  // namespace
}  // namespace csms::ocpp
