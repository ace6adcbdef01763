// API bearer tokens: kept as SHA-256 digests, configured plain or as "sha256:<hex>",
// recognised by comparing digests.

#include "csms/api/api_token.hpp"

#include <gtest/gtest.h>

namespace csms::api {
namespace {

std::string hex(const TokenDigest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// printf %s abc | sha256sum (FIPS 180-2 example), printf %s e2e-admin-token | sha256sum
constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kE2eAdmin = "20357603bbd1490b9215bd7cfff9421bccf4d9131bd54e4ac53ce12caf5fbc32";

TEST(ApiToken, DigestIsSha256OfTheTokenText) {
  EXPECT_EQ(hex(digest_of_token("abc")), kAbc);
  EXPECT_EQ(hex(digest_of_token("e2e-admin-token")), kE2eAdmin);
}

TEST(ApiToken, Sha256Entries_Need64HexDigits) {
  auto parsed = parse_token_digest(std::string("sha256:") + kAbc);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(hex(*parsed), kAbc);
  auto upper = parse_token_digest("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  ASSERT_TRUE(upper);
  EXPECT_EQ(hex(*upper), kAbc);
  EXPECT_FALSE(parse_token_digest(kAbc)) << "no prefix";
  EXPECT_FALSE(parse_token_digest(std::string("sha256:") + std::string(kAbc).substr(1)));
  EXPECT_FALSE(parse_token_digest(std::string("sha256:") + kAbc + "0"));
  EXPECT_FALSE(parse_token_digest("sha256:" + std::string(63, 'a') + "g"));
  EXPECT_FALSE(parse_token_digest("sha256:"));
}

// printf %s op | sha256sum | cut -c1-12
constexpr const char* kOpDigestPrefix = "037aeaeaf4bb";

TEST(ApiToken, RoleOfToken_FindsTheMatchingDigestOnly) {
  std::vector<ApiToken> tokens = {
      {digest_of_token("viewer-token-0001"), Role::Viewer, ""},
      {*parse_token_digest(std::string("sha256:") + kE2eAdmin), Role::Admin, "ops"},
      {digest_of_token("op"), Role::Operator, ""}};
  EXPECT_EQ(role_of_token(tokens, "e2e-admin-token"), Role::Admin);
  EXPECT_EQ(role_of_token(tokens, "viewer-token-0001"), Role::Viewer);
  EXPECT_EQ(role_of_token(tokens, "op"), Role::Operator);
  EXPECT_EQ(role_of_token(tokens, "e2e-admin-toke"), std::nullopt);
  EXPECT_EQ(role_of_token(tokens, ""), std::nullopt);
  // The digest itself is not a token.
  EXPECT_EQ(role_of_token(tokens, kE2eAdmin), std::nullopt);
  EXPECT_EQ(role_of_token(tokens, std::string("sha256:") + kE2eAdmin), std::nullopt);
  EXPECT_EQ(role_of_token({}, "anything"), std::nullopt);
  auto found = find_token(tokens, "e2e-admin-token");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "ops") << "the whole matching entry";
  EXPECT_EQ(token_actor(*found), "ops");
  EXPECT_EQ(token_actor(*find_token(tokens, "op")), "sha256:" + std::string(kOpDigestPrefix));
}

TEST(ApiToken, GeneratedTokens_Are64HexDigitsAndDiffer) {
  auto a = generate_api_token(), b = generate_api_token();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace csms::api
