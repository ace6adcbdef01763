#include "csms/api/api_token.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace csms::api {

const char* role_name(Role role) {
  return role == Role::Admin ? "admin" : role == Role::Operator ? "operator" : "viewer";
}

std::optional<Role> role_from_name(std::string_view name) {
  for (auto role : {Role::Viewer, Role::Operator, Role::Admin})
    if (name == role_name(role)) return role;
  return std::nullopt;
}

TokenDigest digest_of_token(std::string_view token) {
  TokenDigest digest{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  return digest;
}

std::optional<TokenDigest> parse_token_digest(std::string_view text) {
  constexpr std::string_view kPrefix = "sha256:";
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  if (text.size() != 64) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  TokenDigest digest{};
  for (std::size_t i = 0; i < digest.size(); ++i) {
    int high = value(text[2 * i]), low = value(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return digest;
}

std::optional<ApiToken> find_token(const std::vector<ApiToken>& tokens, std::string_view presented) {
  const auto digest = digest_of_token(presented);
  // No early exit and no branch on the comparison: every entry costs the same.
  unsigned matched = 0;
  std::size_t index = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const unsigned equal =
        CRYPTO_memcmp(tokens[i].sha256.data(), digest.data(), digest.size()) == 0 ? 1u : 0u;
    const unsigned first = equal & (matched ^ 1u);
    index |= static_cast<std::size_t>(0u - first) & i;
    matched |= equal;
  }
  if (!matched) return std::nullopt;
  return tokens[index];
}

std::optional<Role> role_of_token(const std::vector<ApiToken>& tokens, std::string_view presented) {
  auto token = find_token(tokens, presented);
  if (!token) return std::nullopt;
  return token->role;
}

std::string token_actor(const ApiToken& token) {
  if (!token.name.empty()) return token.name;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (std::size_t i = 0; i < 6; ++i) {
    out += kHex[token.sha256[i] >> 4];
    out += kHex[token.sha256[i] & 15];
  }
  return out;
}

std::string generate_api_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness for an API token");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace csms::api
