#pragma once

#include <string>
#include <string_view>

namespace csms::api {

// Station passwords (security profile 1) are stored as
// "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>" and compared in constant time.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view password, std::string_view stored);

}  // namespace csms::api
