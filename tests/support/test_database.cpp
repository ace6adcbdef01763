#include "support/test_database.hpp"

#include <cstdlib>
#include <pqxx/pqxx>
#include <stdexcept>

namespace csms::testing {

std::string fresh_database(const std::string& name) {
  const char* base = std::getenv("CSMS_TEST_DATABASE_URL");
  if (base == nullptr || *base == '\0')
    throw std::runtime_error("CSMS_TEST_DATABASE_URL is not set; run the tests with ./scripts/test.sh");
  std::string url = base;
  auto slash = url.rfind('/');
  auto query = url.find('?', slash);
  std::string prefix = url.substr(0, slash + 1);
  std::string suffix = query == std::string::npos ? "" : url.substr(query);
  pqxx::connection admin(prefix + "postgres" + suffix);
  pqxx::nontransaction txn(admin);
  txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(name) + " WITH (FORCE)");
  txn.exec("CREATE DATABASE " + txn.quote_name(name));
  return prefix + name + suffix;
}

std::string query_value(const std::string& url, const std::string& sql) {
  pqxx::connection connection(url);
  pqxx::work txn(connection);
  auto result = txn.exec(sql);
  txn.commit();
  if (result.empty() || result[0][0].is_null()) return "";
  return result[0][0].c_str();
}

}  // namespace csms::testing
