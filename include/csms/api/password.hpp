#pragma once

#include <string>
#include <string_view>

namespace csms::api {

// Station passwords (security profile 1) are stored as
// "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>" and compared in constant time.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view password, std::string_view stored);

// Whether an operator may set `password` as a station's HTTP Basic password: 16 to 40
// characters (UTF-8 code points). 2.0.1 BasicAuthPassword is a passwordString of 16-40
// characters; a 1.6 AuthorizationKey written as its 32-40 hex digits fits too (DIGEST A.10).
bool valid_station_password(std::string_view password);

// A new station password for a rotation (A01): 20 random letters and digits (fits 2.0.1's
// 16-40 characters and, as hex, 1.6's 40-digit AuthorizationKey).
std::string generate_station_password();

// The Basic-auth password a station presented, checked against its stored hash.
// 2.0.1: the text as sent, nothing else. 1.6: the AuthorizationKey is the hex form of the
// password's bytes and chargers put either the decoded bytes or the hex text on the wire
// (OCPP-J 1.6 section 6.2.2 example, OCTT TC_085_CS; DIGEST A.10), so the decoded bytes are
// compared and the hex text (in either case) is accepted too. A stored key in mixed-case hex
// matches only its exact text.
bool verify_station_password(std::string_view presented, std::string_view stored_hash, bool version_is_16);

}  // namespace csms::api
