#pragma once

#include <string>

namespace csms::testing {

// A PostgreSQL cluster of the test's own (initdb in a temporary directory, a free port), for
// tests that stop and start the database under a running server. As root it runs as the
// postgres user, as PostgreSQL insists. Removed when destroyed.
class PrivatePostgres {
 public:
  // `ssl_only`: TLS on (a self-signed certificate made with the openssl command) and every
  // connection without it refused by pg_hba.conf.
  explicit PrivatePostgres(bool ssl_only = false);
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  // libpq URL of its database "csms".
  const std::string& url() const { return url_; }
  void stop();   // pg_ctl stop -m fast
  void start();  // pg_ctl start, waits until it accepts connections

 private:
  std::string run_as_owner(const std::string& command) const;
  std::string dir_;
  std::string bin_;
  int port_ = 0;
  std::string url_;
  bool root_ = false;
};

}  // namespace csms::testing
