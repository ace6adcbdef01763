#include "csms/ocpp/frame.hpp"

#include <gtest/gtest.h>

#include <string>

#include "printers.hpp"

namespace csms::ocpp {
namespace {

using nlohmann::json;

template <typename T>
T expect_frame(std::string_view text, Version version) {
  const ParsedFrame parsed = parse_frame(text, version);
  if (const auto* error = std::get_if<FrameError>(&parsed)) {
    ADD_FAILURE() << "unexpected frame error: " << error->description;
    return T{};
  }
  const Frame& frame = std::get<Frame>(parsed);
  if (!std::holds_alternative<T>(frame)) {
    ADD_FAILURE() << "frame of another type";
    return T{};
  }
  return std::get<T>(frame);
}

TEST(ParseFrame, Call_YieldsIdActionAndPayload) {
  const auto call = expect_frame<Call>(
      R"([2, "19223201", "BootNotification", {"chargePointVendor": "VendorX"}])", Version::V16);
  EXPECT_EQ(call.message_id, "19223201");
  EXPECT_EQ(call.action, "BootNotification");
  EXPECT_EQ(call.payload, json({{"chargePointVendor", "VendorX"}}));
}

TEST(ParseFrame, CallWithIdOf36Chars_IsAccepted) {
  const std::string id(36, 'a');
  const auto call = expect_frame<Call>(R"([2,")" + id + R"(","Heartbeat",{}])", Version::V201);
  EXPECT_EQ(call.message_id, id);
  EXPECT_EQ(call.payload, json::object());
}

TEST(ParseFrame, CallResult_YieldsIdAndPayload) {
  const auto result =
      expect_frame<CallResult>(R"([3,"19223201",{"status":"Accepted","interval":300}])", Version::V201);
  EXPECT_EQ(result.message_id, "19223201");
  EXPECT_EQ(result.payload["interval"], 300);
}

TEST(ParseFrame, CallError_YieldsCodeDescriptionAndDetails) {
  const auto error = expect_frame<CallError>(
      R"([4,"162376037","NotSupported","SetDisplayMessageRequest not implemented",{"k":1}])", Version::V201);
  EXPECT_EQ(error.message_id, "162376037");
  EXPECT_EQ(error.code, "NotSupported");
  EXPECT_EQ(error.description, "SetDisplayMessageRequest not implemented");
  EXPECT_EQ(error.details, json({{"k", 1}}));
}

TEST(ParseFrame, CallErrorWithoutDetails_GetsEmptyDetails) {
  const auto error = expect_frame<CallError>(R"([4,"1","GenericError",""])", Version::V16);
  EXPECT_EQ(error.details, json::object());
}

// steve#45: a server sent a string as errorDetails.
TEST(ParseFrame, CallErrorWithStringDetails_KeepsThemInAnObject) {
  const auto error = expect_frame<CallError>(R"([4,"1","GenericError","x","oops"])", Version::V16);
  EXPECT_EQ(error.details, json({{"details", "oops"}}));
}

struct BrokenFrame {
  const char* name;
  std::string text;
  Version version;
  std::string message_id;
  ErrorCode code;
  bool reply;
};

void PrintTo(const BrokenFrame& c, std::ostream* out) { *out << c.name; }

constexpr auto V16 = Version::V16;
constexpr auto V201 = Version::V201;

const BrokenFrame kBrokenFrames[] = {
    {"V201_NotJson_RpcFrameworkErrorWithIdMinus1", "[2,\"1\",", V201, "-1", ErrorCode::RpcFrameworkError,
     true},
    {"V16_NotJson_FormationViolationWithIdMinus1", "[2,\"1\",", V16, "-1", ErrorCode::FormatViolation, true},
    {"V201_JsonObject_RpcFrameworkError", R"({"id":"1"})", V201, "-1", ErrorCode::RpcFrameworkError, true},
    {"V16_JsonObject_FormationViolation", R"({"id":"1"})", V16, "-1", ErrorCode::FormatViolation, true},
    {"V201_EmptyArray_RpcFrameworkError", "[]", V201, "-1", ErrorCode::RpcFrameworkError, true},
    {"V201_NestedTooDeep_RpcFrameworkError", std::string(100, '[') + std::string(100, ']'), V201, "-1",
     ErrorCode::RpcFrameworkError, true},
    {"V201_CallWith3Elements_RpcFrameworkError", R"([2,"id1","Heartbeat"])", V201, "id1",
     ErrorCode::RpcFrameworkError, true},
    {"V16_CallWith3Elements_ProtocolError", R"([2,"id1","Heartbeat"])", V16, "id1", ErrorCode::ProtocolError,
     true},
    {"V201_CallWith5Elements_RpcFrameworkError", R"([2,"id1","Heartbeat",{},{}])", V201, "id1",
     ErrorCode::RpcFrameworkError, true},
    {"V201_NumericMessageId_RpcFrameworkErrorWithIdMinus1", R"([2,17,"Heartbeat",{}])", V201, "-1",
     ErrorCode::RpcFrameworkError, true},
    {"V16_NumericMessageId_ProtocolErrorWithIdMinus1", R"([2,17,"Heartbeat",{}])", V16, "-1",
     ErrorCode::ProtocolError, true},
    {"V201_EmptyMessageId_RpcFrameworkErrorWithIdMinus1", R"([2,"","Heartbeat",{}])", V201, "-1",
     ErrorCode::RpcFrameworkError, true},
    {"V201_MessageIdOf37Chars_RpcFrameworkErrorEchoingTheId",
     R"([2,")" + std::string(37, 'a') + R"(","Heartbeat",{}])", V201, std::string(37, 'a'),
     ErrorCode::RpcFrameworkError, true},
    {"V201_MessageType7_MessageTypeNotSupported", R"([7,"id1","Heartbeat",{}])", V201, "id1",
     ErrorCode::MessageTypeNotSupported, true},
    {"V16_MessageType7_IsIgnored", R"([7,"id1","Heartbeat",{}])", V16, "id1",
     ErrorCode::MessageTypeNotSupported, false},
    // 2.1 SEND frames are not 2.0.1.
    {"V201_MessageType6_MessageTypeNotSupported", R"([6,"id1","Heartbeat",{}])", V201, "id1",
     ErrorCode::MessageTypeNotSupported, true},
    {"V201_MessageTypeAsString_RpcFrameworkError", R"(["2","id1","Heartbeat",{}])", V201, "id1",
     ErrorCode::RpcFrameworkError, true},
    {"V201_MessageTypeAsFloat_RpcFrameworkError", R"([2.5,"id1","Heartbeat",{}])", V201, "id1",
     ErrorCode::RpcFrameworkError, true},
    {"V201_ActionAsNumber_RpcFrameworkError", R"([2,"id1",5,{}])", V201, "id1", ErrorCode::RpcFrameworkError,
     true},
    {"V201_CallPayloadArray_FormatViolation", R"([2,"id1","Heartbeat",[]])", V201, "id1",
     ErrorCode::FormatViolation, true},
    {"V16_CallPayloadNull_FormationViolation", R"([2,"id1","Heartbeat",null])", V16, "id1",
     ErrorCode::FormatViolation, true},
    // A CALLERROR only ever answers a CALL (DIGEST A.3).
    {"V201_CallResultPayloadArray_NotAnswered", R"([3,"id1",[]])", V201, "id1", ErrorCode::FormatViolation,
     false},
    {"V201_CallResultWith2Elements_NotAnswered", R"([3,"id1"])", V201, "id1", ErrorCode::RpcFrameworkError,
     false},
    {"V201_CallErrorCodeAsNumber_NotAnswered", R"([4,"id1",5,"x",{}])", V201, "id1",
     ErrorCode::RpcFrameworkError, false},
    {"V201_CallResultWithNumericId_NotAnswered", R"([3,5,{}])", V201, "-1", ErrorCode::RpcFrameworkError,
     false},
};

class BrokenFrames : public testing::TestWithParam<BrokenFrame> {};

TEST_P(BrokenFrames, GiveTheExpectedIdCodeAndReply) {
  const auto& c = GetParam();
  const ParsedFrame parsed = parse_frame(c.text, c.version);
  ASSERT_TRUE(std::holds_alternative<FrameError>(parsed));
  const auto& error = std::get<FrameError>(parsed);
  EXPECT_EQ(error.message_id, c.message_id);
  EXPECT_EQ(error.code, c.code);
  EXPECT_EQ(error.reply, c.reply);
  EXPECT_FALSE(error.description.empty());
}

INSTANTIATE_TEST_SUITE_P(Frames, BrokenFrames, testing::ValuesIn(kBrokenFrames),
                         [](const testing::TestParamInfo<BrokenFrame>& param_info) {
                           return param_info.param.name;
                         });

// A.6: never embed the broken text raw in the error.
TEST(ParseFrame, NotJson_DescriptionDoesNotQuoteTheInput) {
  const ParsedFrame parsed = parse_frame(R"([2,"1","Secret<script>")", Version::V201);
  ASSERT_TRUE(std::holds_alternative<FrameError>(parsed));
  EXPECT_EQ(std::get<FrameError>(parsed).description.find("Secret"), std::string::npos);
}

TEST(ParseFrame, BracketsInsideStrings_DoNotCountAsNesting) {
  const std::string deep_text(200, '[');
  const auto call = expect_frame<Call>(
      R"([2,"1","DataTransfer",{"vendorId":"v","data":")" + deep_text + R"(\"["}])", Version::V201);
  EXPECT_EQ(call.payload["data"], deep_text + "\"[");
}

TEST(Serialize, Call_IsCompactJson) {
  EXPECT_EQ(serialize(Call{"m1", "Reset", json{{"type", "Hard"}}}), R"([2,"m1","Reset",{"type":"Hard"}])");
}

TEST(Serialize, CallWithNullPayload_SendsEmptyObject) {
  EXPECT_EQ(serialize(Call{"m1", "ClearCache", json()}), R"([2,"m1","ClearCache",{}])");
}

TEST(Serialize, CallResult_IsCompactJson) {
  EXPECT_EQ(serialize(CallResult{"m2", json{{"currentTime", "2024-01-02T03:04:05Z"}}}),
            R"([3,"m2",{"currentTime":"2024-01-02T03:04:05Z"}])");
}

TEST(Serialize, CallThenParse_RoundTrips) {
  const Call original{"abc-1", "MeterValues", json::parse(R"({"connectorId":1,"meterValue":[]})")};
  const auto call = expect_frame<Call>(serialize(original), Version::V16);
  EXPECT_EQ(call.message_id, original.message_id);
  EXPECT_EQ(call.action, original.action);
  EXPECT_EQ(call.payload, original.payload);
}

TEST(SerializeError, V16_SpellsFormationViolation) {
  EXPECT_EQ(serialize_error("m3", ErrorCode::FormatViolation, Version::V16, "bad"),
            R"([4,"m3","FormationViolation","bad",{}])");
}

TEST(SerializeError, V201_SpellsFormatViolation) {
  EXPECT_EQ(serialize_error("m3", ErrorCode::FormatViolation, Version::V201, "bad"),
            R"([4,"m3","FormatViolation","bad",{}])");
}

TEST(SerializeError, V16_SendsGenericErrorForRpcFrameworkError) {
  EXPECT_EQ(serialize_error("-1", ErrorCode::RpcFrameworkError, Version::V16, ""),
            R"([4,"-1","GenericError","",{}])");
}

TEST(SerializeError, NonObjectDetails_AreSentAsEmptyObject) {
  EXPECT_EQ(serialize_error("m4", ErrorCode::InternalError, Version::V201, "", json("text")),
            R"([4,"m4","InternalError","",{}])");
}

TEST(SerializeError, Details_AreKept) {
  EXPECT_EQ(serialize_error("m4", ErrorCode::InternalError, Version::V201, "", json{{"a", 1}}),
            R"([4,"m4","InternalError","",{"a":1}])");
}

TEST(SerializeError, DescriptionIsCappedAt255Chars) {
  const auto text = serialize_error("m5", ErrorCode::GenericError, Version::V201, std::string(300, 'd'));
  EXPECT_EQ(json::parse(text)[3].get<std::string>(), std::string(255, 'd'));
}

TEST(SerializeError, DescriptionCap_DoesNotSplitAUtf8Character) {
  // 254 ASCII bytes + a 2-byte "ä" = 256 bytes; cutting at 255 would leave half a character.
  const std::string description = std::string(254, 'd') + "\xC3\xA4";
  const auto text = serialize_error("m5", ErrorCode::GenericError, Version::V201, description);
  EXPECT_EQ(json::parse(text)[3].get<std::string>(), std::string(254, 'd'));
}

TEST(SerializeError, InvalidUtf8InDescription_DoesNotThrow) {
  EXPECT_NO_THROW(serialize_error("m6", ErrorCode::GenericError, Version::V201, "\xFF\xFE"));
}

}  // namespace
}  // namespace csms::ocpp
