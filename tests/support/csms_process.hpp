#pragma once

#include <sys/types.h>
#include <map>
#include <string>

namespace csms::testing {

// The real csms binary (CSMS_BINARY) started on a given database with random ports.
class CsmsProcess {
 public:
  // `env` adds or overrides CSMS_* variables.
  CsmsProcess(const std::string& database_url, std::map<std::string, std::string> env = {});
  ~CsmsProcess();
  CsmsProcess(const CsmsProcess&) = delete;
  CsmsProcess& operator=(const CsmsProcess&) = delete;

  unsigned short ocpp_port() const { return ocpp_port_; }
  unsigned short api_port() const { return api_port_; }
  static constexpr const char* kToken = "e2e-admin-token";

  // Sends SIGTERM and returns the exit status (or -1 when it had to be killed).
  int stop();
  // Kills it with SIGKILL (a crash: no shutdown work at all) and reaps it.
  void kill_hard();
  // Whether the process is still there (not exited, not crashed).
  bool running();
  // What it wrote to stderr so far.
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  unsigned short ocpp_port_ = 0;
  unsigned short api_port_ = 0;
};

}  // namespace csms::testing
