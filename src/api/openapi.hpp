#pragma once

#include <string_view>

namespace csms::api {

// The OpenAPI 3.1 description of the REST admin API (DESIGN.md section 2), served as
// GET /api/v1/openapi.json. It describes what api.cpp does: change them together.
std::string_view openapi_document();

}  // namespace csms::api
