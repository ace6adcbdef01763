#include "support/csms_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#ifndef CSMS_BINARY
#error "CSMS_BINARY must name the csms executable"
#endif

namespace csms::testing {

CsmsProcess::CsmsProcess(const std::string& database_url, std::map<std::string, std::string> env) {
  static int counter = 0;
  log_path_ = "/tmp/csms-e2e-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".log";
  env["CSMS_DATABASE_URL"] = database_url;
  env.try_emplace("CSMS_OCPP_LISTEN", "127.0.0.1:0");
  env.try_emplace("CSMS_API_LISTEN", "127.0.0.1:0");
  env.try_emplace("CSMS_API_TOKENS", std::string(kToken) + ":admin");
  env.try_emplace("CSMS_LOG_LEVEL", "debug");
  env.try_emplace("CSMS_SPOOL_PATH", log_path_ + ".spool");
  env.try_emplace("CSMS_FILES_DIR", log_path_ + ".files");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    for (const auto& [key, value] : env) setenv(key.c_str(), value.c_str(), 1);
    FILE* log = freopen(log_path_.c_str(), "w", stderr);
    (void)log;
    execl(CSMS_BINARY, CSMS_BINARY, "serve", static_cast<char*>(nullptr));
    _exit(127);
  }
  // The ready line names the ports actually bound.
  const std::regex ready(R"(ready: OCPP on ws://[^:]+:(\d+)/.*API on http://[^:]+:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    auto text = log();
    if (std::regex_search(text, match, ready)) {
      ocpp_port_ = static_cast<unsigned short>(std::stoi(match[1]));
      api_port_ = static_cast<unsigned short>(std::stoi(match[2]));
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("csms exited during start-up:\n" + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  throw std::runtime_error("csms did not become ready:\n" + log());
}

CsmsProcess::~CsmsProcess() { stop(); }

int CsmsProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

void CsmsProcess::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool CsmsProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  pid_ = -1;
  return false;
}

std::string CsmsProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace csms::testing
