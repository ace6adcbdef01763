#include "csms/api/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <stdexcept>
#include <vector>

#include "hex.hpp"
#include "text.hpp"

namespace csms::api {
namespace {

using detail::to_hex;

// Chargers reconnect often, each time verifying: enough iterations to make offline guessing
// costly, few enough that a reconnect storm of thousands stays cheap.
constexpr int kIterations = 10000;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

// Lower- or upper-case hex; empty for anything else.
std::vector<unsigned char> from_hex(std::string_view text) {
  std::vector<unsigned char> out;
  if (text.size() % 2 != 0) return out;
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int high = value(text[i]);
    int low = value(text[i + 1]);
    if (high < 0 || low < 0) return {};
    out.push_back(static_cast<unsigned char>(high * 16 + low));
  }
  return out;
}

std::vector<unsigned char> derive(std::string_view password, const std::vector<unsigned char>& salt,
                                  int iterations, std::size_t length) {
  std::vector<unsigned char> out(length);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(), static_cast<int>(length),
                        out.data()) != 1)
    throw std::runtime_error("PBKDF2 failed");
  return out;
}

}  // namespace

std::string hash_password(std::string_view password) {
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) throw std::runtime_error("no randomness");
  auto hash = derive(password, salt, kIterations, kHashBytes);
  return "pbkdf2-sha256$" + std::to_string(kIterations) + "$" + to_hex(salt.data(), salt.size()) + "$" +
         to_hex(hash.data(), hash.size());
}

bool verify_password(std::string_view password, std::string_view stored) {
  auto next = [&stored]() {
    auto dollar = stored.find('$');
    auto part = stored.substr(0, dollar);
    stored = dollar == std::string_view::npos ? std::string_view() : stored.substr(dollar + 1);
    return part;
  };
  if (next() != "pbkdf2-sha256") return false;
  int iterations = 0;
  try {
    iterations = std::stoi(std::string(next()));
  } catch (const std::exception&) {
    return false;
  }
  auto salt = from_hex(next());
  auto expected = from_hex(next());
  if (iterations <= 0 || salt.empty() || expected.empty()) return false;
  auto actual = derive(password, salt, iterations, expected.size());
  return CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
}

bool valid_station_password(std::string_view password) {
  const auto characters = detail::text_length(password);
  return characters >= 16 && characters <= 40;
}

bool verify_station_password(std::string_view presented, std::string_view stored_hash, bool version_is_16) {
  if (!version_is_16) return verify_password(presented, stored_hash);
  // 1.6: the stored value is what the operator set, either the AuthorizationKey's hex digits
  // or the password itself (16-40 characters). Each form the charger may have meant is tried;
  // which forms are tried depends only on the presented text, never on the secret.
  std::vector<std::string> candidates{std::string(presented)};
  auto add = [&candidates](std::string candidate) {
    for (const auto& known : candidates)
      if (known == candidate) return;
    candidates.push_back(std::move(candidate));
  };
  auto lower = [](std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  auto upper = [](std::string text) {
    for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
  };
  // The decoded bytes of a stored key: the key's hex text in either case.
  if (presented.size() * 2 >= 16 && presented.size() * 2 <= 40) {
    auto hex = to_hex(reinterpret_cast<const unsigned char*>(presented.data()), presented.size());
    add(upper(hex));
    add(lower(hex));
  }
  // The hex text itself: the same key in the other case, or the password it encodes.
  if (auto bytes = from_hex(presented); !bytes.empty()) {
    if (presented.size() <= 40) {
      add(upper(std::string(presented)));
      add(lower(std::string(presented)));
    }
    if (bytes.size() >= 16 && bytes.size() <= 160) add(std::string(bytes.begin(), bytes.end()));
  }
  for (const auto& candidate : candidates)
    if (verify_password(candidate, stored_hash)) return true;
  return false;
}

}  // namespace csms::api
