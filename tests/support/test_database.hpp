#pragma once

#include <string>

namespace csms::testing {

// A fresh, empty database on the test server (CSMS_TEST_DATABASE_URL, which
// scripts/test.sh sets), dropped and created anew under `name`. Returns its URL.
std::string fresh_database(const std::string& name);

// Runs one SQL statement on `url` and returns the first column of the first row ("" if none).
std::string query_value(const std::string& url, const std::string& sql);

}  // namespace csms::testing
