// Station passwords: the 16-40 character rule and the 1.6 AuthorizationKey hex semantics
// (DIGEST A.10), checked against hashes made by hash_password (salted, so each test hashes).

#include "csms/api/password.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "api/http_support.hpp"

namespace csms::api {
namespace {

// The OCPP-J 1.6 section 6.2.2 example: AuthorizationKey 0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF
// of station AL1000 is sent as "Authorization: Basic QUwxMDAwOgABAgMEBQYH////////////////".
// Decoding that base64 by hand: "AL1000:" then the 20 bytes 00 01 02 03 04 05 06 07 and 12 x FF.
constexpr const char* kSpecKeyHex = "0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF";

std::string password_in_spec_example() {
  const std::string encoded = "QUwxMDAwOgABAgMEBQYH////////////////";
  std::string decoded(encoded.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                          reinterpret_cast<const unsigned char*>(encoded.data()),
                          static_cast<int>(encoded.size()));
  EXPECT_EQ(n, 27);
  EXPECT_EQ(decoded.substr(0, 7), "AL1000:");
  return decoded.substr(7);
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

TEST(StationPassword, SixteenToFortyCharacters_AreValid) {
  EXPECT_FALSE(valid_station_password(""));
  EXPECT_FALSE(valid_station_password("s3cret-passw0rd"));  // 15
  EXPECT_TRUE(valid_station_password("s3cret-passw0rd!"));  // 16
  EXPECT_TRUE(valid_station_password(std::string(40, 'x')));
  EXPECT_FALSE(valid_station_password(std::string(41, 'x')));
  EXPECT_TRUE(valid_station_password(kSpecKeyHex)) << "a 1.6 key as 40 hex digits";
  // Characters, not bytes: 16 x "ü" is 32 bytes, 40 x "ü" is 80 bytes.
  std::string u16, u40;
  for (int i = 0; i < 16; ++i) u16 += "\xc3\xbc";
  for (int i = 0; i < 40; ++i) u40 += "\xc3\xbc";
  EXPECT_TRUE(valid_station_password(u16));
  EXPECT_TRUE(valid_station_password(u40));
  EXPECT_FALSE(valid_station_password(u40 + "\xc3\xbc"));
  EXPECT_FALSE(valid_station_password(u16.substr(0, 30))) << "15 characters";
}

TEST(StationPassword, V201_OnlyTheExactTextIsAccepted) {
  const std::string password = "Correct-Horse-Battery-9";
  auto stored = hash_password(password);
  EXPECT_TRUE(verify_station_password(password, stored, false));
  EXPECT_FALSE(verify_station_password("correct-horse-battery-9", stored, false));
  EXPECT_FALSE(verify_station_password("", stored, false));
  // No hex step in 2.0.1 (A00.FR.205): the hex of the password is another password.
  const std::string hex_text = "436f72726563742d486f7273652d426174746572792d39";
  EXPECT_FALSE(verify_station_password(hex_text, stored, false));
  auto stored_key = hash_password(kSpecKeyHex);
  EXPECT_TRUE(verify_station_password(kSpecKeyHex, stored_key, false));
  EXPECT_FALSE(verify_station_password(password_in_spec_example(), stored_key, false))
      << "decoded bytes are a 1.6 form only";
}

TEST(StationPassword, V16_TheDecodedBytesOfTheStoredKey_AreAccepted) {
  auto bytes = password_in_spec_example();
  ASSERT_EQ(bytes.size(), 20u);
  EXPECT_TRUE(verify_station_password(bytes, hash_password(kSpecKeyHex), true));
  EXPECT_TRUE(verify_station_password(bytes, hash_password(lower(kSpecKeyHex)), true))
      << "an operator may have typed the key in lower case";
  auto wrong = bytes;
  wrong[0] = '\x01';
  EXPECT_FALSE(verify_station_password(wrong, hash_password(kSpecKeyHex), true));
  EXPECT_FALSE(verify_station_password(bytes.substr(0, 19), hash_password(kSpecKeyHex), true));
}

TEST(StationPassword, V16_TheHexTextOfTheKey_IsAcceptedInEitherCase) {
  auto stored = hash_password(kSpecKeyHex);
  EXPECT_TRUE(verify_station_password(kSpecKeyHex, stored, true));
  EXPECT_TRUE(verify_station_password(lower(kSpecKeyHex), stored, true));
  EXPECT_FALSE(verify_station_password("0001020304050607FFFFFFFFFFFFFFFFFFFFFFFE", stored, true));
  EXPECT_FALSE(verify_station_password("0001020304050607FFFFFFFFFFFFFFFFFFFFFF", stored, true));
}

TEST(StationPassword, V16_APlainPassword_MatchesItselfOrItsHexText) {
  // The operator set the password itself; the charger's AuthorizationKey is its hex
  // (s=73 3=33 c=63 r=72 e=65 t=74 -=2d p=70 a=61 s=73 s=73 w=77 0=30 r=72 d=64 !=21), and some chargers send
  // that hex text instead of the bytes.
  const std::string password = "s3cret-passw0rd!";
  auto stored = hash_password(password);
  EXPECT_TRUE(verify_station_password(password, stored, true));
  EXPECT_TRUE(
      verify_station_password("73336372"
                              "65742d70"
                              "61737377"
                              "30726421",
                              stored, true));
  EXPECT_TRUE(
      verify_station_password("73336372"
                              "65742D70"
                              "61737377"
                              "30726421",
                              stored, true));
  EXPECT_FALSE(verify_station_password("s3cret-passw0rd?", stored, true));
}

TEST(StationPassword, AStoredValueThatIsNoHash_NeverMatches) {
  EXPECT_FALSE(verify_station_password("s3cret-passw0rd!", "s3cret-passw0rd!", true));
  EXPECT_FALSE(verify_station_password("", "", false));
  EXPECT_FALSE(verify_station_password("x", "pbkdf2-sha256$0$00$00", true));
}

TEST(StationFields, PasswordOutside16To40Characters_Is400) {
  using detail::HttpError;
  using detail::station_fields;
  using json = nlohmann::json;
  try {
    station_fields(json{{"password", "s3cret-passw0rd"}}, false);
    FAIL() << "15 characters accepted";
  } catch (const HttpError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(std::string(e.what()).find("16 to 40"), std::string::npos) << e.what();
  }
  EXPECT_THROW(station_fields(json{{"password", std::string(41, 'p')}}, false), HttpError);
  EXPECT_THROW(station_fields(json{{"password", 1234567890123456}}, false), HttpError);
  auto fields = station_fields(json{{"password", std::string(40, 'p')}}, false);
  EXPECT_TRUE(fields["password_hash"].get<std::string>().starts_with("pbkdf2-sha256$"));
  EXPECT_FALSE(fields.contains("password"));
  EXPECT_TRUE(station_fields(json{{"password", nullptr}}, false)["password_hash"].is_null());
}

}  // namespace
}  // namespace csms::api
