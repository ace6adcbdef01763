// Nothing a charger sends may crash the process: mutated frames go through the same steps
// the server runs (parse, validate leniently, translate) and may only end in a CALLERROR
// or a request, never in an unexpected exception.

#include <gtest/gtest.h>

#include <random>

#include "csms/ocpp/frame.hpp"
#include "csms/ocpp/translate.hpp"
#include "csms/ocpp/validator.hpp"

namespace csms::ocpp {
namespace {

using json = nlohmann::json;

struct Golden {
  Version version;
  const char* action;
  const char* payload;
};

const Golden kGolden[] = {
    {Version::V16, "BootNotification",
     R"({"chargePointVendor":"A","chargePointModel":"B","firmwareVersion":"1"})"},
    {Version::V16, "StatusNotification",
     R"({"connectorId":1,"errorCode":"NoError","status":"Charging","timestamp":"2026-01-01T00:00:00Z"})"},
    {Version::V16, "StartTransaction",
     R"({"connectorId":1,"idTag":"T","meterStart":5,"timestamp":"2026-01-01T00:00:00Z"})"},
    {Version::V16, "StopTransaction",
     R"({"transactionId":3,"meterStop":9,"timestamp":"2026-01-01T01:00:00Z","transactionData":[{"timestamp":"2026-01-01T01:00:00Z","sampledValue":[{"value":"9","unit":"Wh"}]}]})"},
    {Version::V16, "MeterValues",
     R"({"connectorId":1,"transactionId":3,"meterValue":[{"timestamp":"2026-01-01T00:30:00Z","sampledValue":[{"value":"7.5","measurand":"Energy.Active.Import.Register","unit":"kWh"}]}]})"},
    {Version::V16, "DataTransfer", R"({"vendorId":"V","messageId":"M","data":"x"})"},
    {Version::V201, "BootNotification",
     R"({"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V","modem":{"iccid":"1"}}})"},
    {Version::V201, "TransactionEvent",
     R"({"eventType":"Started","timestamp":"2026-01-01T00:00:00Z","triggerReason":"Authorized","seqNo":0,"transactionInfo":{"transactionId":"t1","chargingState":"Charging"},"evse":{"id":1,"connectorId":1},"idToken":{"idToken":"T","type":"ISO14443"},"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":1.5,"unitOfMeasure":{"unit":"kWh","multiplier":3}}]}]})"},
    {Version::V201, "StatusNotification",
     R"({"timestamp":"2026-01-01T00:00:00Z","connectorStatus":"Occupied","evseId":1,"connectorId":1})"},
    {Version::V201, "NotifyEvent",
     R"({"generatedAt":"2026-01-01T00:00:00Z","seqNo":0,"eventData":[{"eventId":1,"timestamp":"2026-01-01T00:00:00Z","trigger":"Alerting","actualValue":"1","eventNotificationType":"HardWiredNotification","component":{"name":"C"},"variable":{"name":"V"}}]})"},
};

json random_value(std::mt19937& rng) {
  switch (rng() % 12) {
    case 0:
      return nullptr;
    case 1:
      return true;
    case 2:
      return -1;
    case 3:
      return 1e300;
    case 4:
      return 9223372036854775807LL;
    case 5:
      return -9223372036854775807LL - 1;
    case 6:
      return 2.5;
    case 7:
      return "";
    case 8:
      return std::string(5000, 'x');
    case 9:
      return json::array({1, "a", json::object()});
    case 10:
      return json::object({{"deep", json::object({{"deeper", json::array()}})}});
    default:
      return "2026-13-45T99:99:99Z";
  }
}

// Replaces, removes or adds one value somewhere in `j`.
void mutate(json& j, std::mt19937& rng, int depth = 0) {
  if (j.is_object() && !j.empty() && depth < 6 && rng() % 3 != 0) {
    auto it = j.begin();
    std::advance(it, static_cast<long>(rng() % j.size()));
    switch (rng() % 4) {
      case 0:
        *it = random_value(rng);
        return;
      case 1:
        j.erase(it);
        return;
      case 2:
        j["unexpected" + std::to_string(rng() % 3)] = random_value(rng);
        return;
      default:
        mutate(*it, rng, depth + 1);
        return;
    }
  }
  if (j.is_array() && !j.empty() && depth < 6) {
    auto index = rng() % j.size();
    if (rng() % 4 == 0)
      j.push_back(j[index]);
    else
      mutate(j[index], rng, depth + 1);
    return;
  }
  j = random_value(rng);
}

domain::Response plausible_response(const domain::Request& request) {
  if (std::holds_alternative<domain::BootRequest>(request)) return domain::BootResponse{};
  if (std::holds_alternative<domain::StartTransactionRequest>(request))
    return domain::StartTransactionResponse{7, {}};
  if (std::holds_alternative<domain::AuthorizeRequest>(request)) return domain::AuthorizeResponse{};
  if (std::holds_alternative<domain::StopTransactionRequest>(request))
    return domain::StopTransactionResponse{domain::Authorization{}};
  if (std::holds_alternative<domain::TransactionEventRequest>(request))
    return domain::TransactionEventResponse{domain::Authorization{}, 0, std::nullopt, std::nullopt, {}};
  if (std::holds_alternative<domain::DataTransferRequest>(request)) return domain::DataTransferResponse{};
  return domain::EmptyResponse{};
}

TEST(Robustness, MutatedFrames_EndInACallErrorOrARequest_NeverInAnUnexpectedException) {
  std::mt19937 rng(20261126);
  int accepted = 0;
  int refused = 0;
  for (const auto& golden : kGolden) {
    for (int round = 0; round < 400; ++round) {
      auto payload = json::parse(golden.payload);
      for (unsigned k = 0; k <= rng() % 3; ++k) mutate(payload, rng);
      auto text = json::array({2, "id" + std::to_string(round), golden.action, payload}).dump();
      SCOPED_TRACE(text.substr(0, 400));
      ASSERT_NO_THROW({
        auto parsed = parse_frame(text, golden.version);
        if (auto* frame = std::get_if<Frame>(&parsed)) {
          auto& call = std::get<Call>(*frame);
          const auto* schema = find_schema(golden.version, call.action, Direction::Request);
          ASSERT_NE(schema, nullptr);
          if (validate(*schema, call.payload, Leniency::all()).ok()) {
            try {
              auto request = to_request(golden.version, call.action, call.payload, domain::Timestamp{});
              auto reply = to_reply(golden.version, call.action, plausible_response(request));
              const auto* response_schema = find_schema(golden.version, call.action, Direction::Response);
              EXPECT_FALSE(validate_strict(*response_schema, reply).has_value()) << reply.dump();
              ++accepted;
            } catch (const TranslateError&) {
              ++refused;
            }
          } else {
            ++refused;
          }
        }
      });
    }
  }
  // Both outcomes occur, so the mutations reach past validation as well as fail it.
  EXPECT_GT(accepted, 100);
  EXPECT_GT(refused, 100);
}

TEST(Robustness, RandomBytes_NeverEscapeAsExceptions) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string text(rng() % 64, '\0');
    for (auto& c : text) c = static_cast<char>("[]{}\",:0123456789aeEnulltrfs-. \\"[rng() % 33]);
    ASSERT_NO_THROW((void)parse_frame(text, round % 2 ? Version::V16 : Version::V201)) << text;
  }
}

}  // namespace
}  // namespace csms::ocpp
