// The database URL's sslmode reaches libpq (issue 15): against a PostgreSQL that refuses every
// connection without TLS, `sslmode=require` runs the server over encrypted connections, and
// `sslmode=disable` gets PostgreSQL's refusal in the log.

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/private_postgres.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

TEST(DatabaseTls, SslmodeRequire_RunsOverTls_OnAServerThatRefusesPlainConnections_DisableIsRefused) {
  if (std::getenv("CSMS_TEST_DATABASE_URL") == nullptr) GTEST_SKIP() << "run through scripts/test.sh";
  PrivatePostgres pg(/*ssl_only=*/true);
  EXPECT_THROW(pqxx::connection(pg.url() + "?sslmode=disable"), pqxx::broken_connection)
      << "the database refuses connections without TLS";

  // Without TLS: the server does not get in, and says why.
  {
    std::string log;
    try {
      CsmsProcess server(pg.url() + "?sslmode=disable");
      std::this_thread::sleep_for(2s);
      EXPECT_EQ(http(server.api_port(), "GET", "/readyz").status, 503);
      log = server.log();
    } catch (const std::exception& e) {
      log = e.what();  // exited during start-up, with its log
    }
    EXPECT_NE(log.find("no encryption"), std::string::npos) << log;
  }

  CsmsProcess server(pg.url() + "?sslmode=require");
  EXPECT_EQ(http(server.api_port(), "GET", "/readyz").status, 200);
  OcppClient cp(server.ocpp_port(), "DB-TLS", {"ocpp1.6"});
  auto boot = cp.call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}});
  ASSERT_EQ(boot[0], 3) << boot.dump();
  EXPECT_EQ(boot[2]["status"], "Accepted");
  EXPECT_EQ(http(server.api_port(), "GET", "/api/v1/stations/DB-TLS").status, 200) << "the boot was stored";

  // Every connection the server holds is encrypted.
  pqxx::connection admin(pg.url() + "?sslmode=require");
  pqxx::work tx(admin);
  auto row = tx.exec1(
      "SELECT count(*) FILTER (WHERE s.ssl), count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) "
      "WHERE a.datname = 'csms' AND a.pid <> pg_backend_pid()");
  EXPECT_GE(row[1].as<int>(), 1) << "the server holds connections";
  EXPECT_EQ(row[0].as<int>(), row[1].as<int>()) << "all of them over TLS";
}

}  // namespace
}  // namespace csms::testing
