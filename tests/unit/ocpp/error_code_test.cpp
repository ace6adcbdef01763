#include "csms/ocpp/error_code.hpp"

#include <gtest/gtest.h>

#include "csms/ocpp/version.hpp"
#include "printers.hpp"

namespace csms::ocpp {
namespace {

struct Spelling {
  ErrorCode code;
  const char* v16;
  const char* v201;
};

// OCPP-J 1.6 Table 7 and 2.0.1 Part 4 Table 8 (DIGEST A.6).
const Spelling kSpellings[] = {
    {ErrorCode::NotImplemented, "NotImplemented", "NotImplemented"},
    {ErrorCode::NotSupported, "NotSupported", "NotSupported"},
    {ErrorCode::InternalError, "InternalError", "InternalError"},
    {ErrorCode::ProtocolError, "ProtocolError", "ProtocolError"},
    {ErrorCode::SecurityError, "SecurityError", "SecurityError"},
    {ErrorCode::FormatViolation, "FormationViolation", "FormatViolation"},
    {ErrorCode::PropertyConstraintViolation, "PropertyConstraintViolation", "PropertyConstraintViolation"},
    {ErrorCode::OccurrenceConstraintViolation, "OccurenceConstraintViolation",
     "OccurrenceConstraintViolation"},
    {ErrorCode::TypeConstraintViolation, "TypeConstraintViolation", "TypeConstraintViolation"},
    {ErrorCode::GenericError, "GenericError", "GenericError"},
    {ErrorCode::RpcFrameworkError, "GenericError", "RpcFrameworkError"},
    {ErrorCode::MessageTypeNotSupported, "GenericError", "MessageTypeNotSupported"},
};

TEST(ErrorCode, EachVersion_GetsItsOwnSpelling) {
  for (const auto& s : kSpellings) {
    EXPECT_EQ(spell(s.code, Version::V16), s.v16);
    EXPECT_EQ(spell(s.code, Version::V201), s.v201);
  }
}

TEST(ErrorCode, V201Spellings_ParseBackToTheSameCode) {
  for (const auto& s : kSpellings) {
    EXPECT_EQ(parse_error_code(s.v201), s.code) << s.v201;
  }
}

TEST(ErrorCode, V16Misspellings_AreAccepted) {
  EXPECT_EQ(parse_error_code("FormationViolation"), ErrorCode::FormatViolation);
  EXPECT_EQ(parse_error_code("OccurenceConstraintViolation"), ErrorCode::OccurrenceConstraintViolation);
}

TEST(ErrorCode, UnknownText_IsNotACode) {
  EXPECT_EQ(parse_error_code(""), std::nullopt);
  EXPECT_EQ(parse_error_code("formatviolation"), std::nullopt);
  EXPECT_EQ(parse_error_code("SomethingElse"), std::nullopt);
}

TEST(Version, SubprotocolTokens) {
  EXPECT_EQ(subprotocol(Version::V16), "ocpp1.6");
  EXPECT_EQ(subprotocol(Version::V201), "ocpp2.0.1");
  EXPECT_EQ(version_from_subprotocol("ocpp1.6"), Version::V16);
  EXPECT_EQ(version_from_subprotocol("ocpp2.0.1"), Version::V201);
}

TEST(Version, OtherTokens_AreNotSupported) {
  EXPECT_EQ(version_from_subprotocol("ocpp2.0"), std::nullopt);
  EXPECT_EQ(version_from_subprotocol("ocpp2.1"), std::nullopt);
  EXPECT_EQ(version_from_subprotocol("OCPP1.6"), std::nullopt);
  EXPECT_EQ(version_from_subprotocol(""), std::nullopt);
}

}  // namespace
}  // namespace csms::ocpp
