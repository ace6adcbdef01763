#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::api {

enum class Role { Viewer = 0, Operator = 1, Admin = 2 };

// "viewer", "operator", "admin": as tokens, the audit log and the OpenAPI document name them.
const char* role_name(Role role);
std::optional<Role> role_from_name(std::string_view name);

// API bearer tokens are kept only as their SHA-256 digests, so memory (and a configuration
// that lists "sha256:<hex>" entries) never holds a usable token.
using TokenDigest = std::array<unsigned char, 32>;

struct ApiToken {
  TokenDigest sha256{};
  Role role = Role::Viewer;
  std::string name;  // who holds it, for the audit log; may be empty
};

// How the audit log names a token's holder: its name, else "sha256:" and the first 12 hex
// digits of its digest (which identify the entry without revealing the token).
std::string token_actor(const ApiToken& token);

TokenDigest digest_of_token(std::string_view token);

// "sha256:<64 hex digits>" (either case) as a digest; nullopt for anything else.
std::optional<TokenDigest> parse_token_digest(std::string_view text);

// The role of a presented bearer token: its digest is compared with every entry, each in
// constant time and all of them every time, so the answer's timing says nothing about how
// close a guess came or which entry matched.
std::optional<Role> role_of_token(const std::vector<ApiToken>& tokens, std::string_view presented);
// The same, giving the whole entry.
std::optional<ApiToken> find_token(const std::vector<ApiToken>& tokens, std::string_view presented);

// A new random token: 32 bytes from the system's CSPRNG as 64 hex digits.
std::string generate_api_token();

}  // namespace csms::api
