#include "support/private_postgres.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace csms::testing {

namespace {

std::string shell(const std::string& command) {
  std::array<char, 4096> buffer{};
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run: " + command);
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  int status = ::pclose(pipe);
  if (status != 0)
    throw std::runtime_error("failed (" + std::to_string(status) + "): " + command + "\n" + out);
  return out;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  int port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

}  // namespace

PrivatePostgres::PrivatePostgres(bool ssl_only) {
  root_ = ::geteuid() == 0;
  bin_ = shell("ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1");
  while (!bin_.empty() && (bin_.back() == '\n' || bin_.back() == ' ')) bin_.pop_back();
  dir_ = (std::filesystem::temp_directory_path() / ("csms-pg-" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  if (root_) shell("chown postgres '" + dir_ + "'");
  port_ = free_port();
  run_as_owner(bin_ + "/initdb -D '" + dir_ + "/data' -U csms --auth=trust -E UTF8 --locale=C.UTF-8");
  run_as_owner("printf \"listen_addresses = '127.0.0.1'\\nport = " + std::to_string(port_) +
               "\\nunix_socket_directories = ''\\nfsync = on\\n\" >> '" + dir_ + "/data/postgresql.conf'");
  if (ssl_only) {
    const std::string data = dir_ + "/data";
    run_as_owner("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout '" + data +
                 "/server.key' -out '" + data + "/server.crt' && chmod 600 '" + data + "/server.key'");
    run_as_owner("printf 'ssl = on\\n' >> '" + data + "/postgresql.conf'");
    run_as_owner("printf 'hostssl all all 127.0.0.1/32 trust\\n' > '" + data + "/pg_hba.conf'");
  }
  start();
  run_as_owner(bin_ + "/createdb -h 127.0.0.1 -p " + std::to_string(port_) + " -U csms csms");
  url_ = "postgresql://csms@127.0.0.1:" + std::to_string(port_) + "/csms";
}

PrivatePostgres::~PrivatePostgres() {
  try {
    run_as_owner(bin_ + "/pg_ctl -D '" + dir_ + "/data' stop -m immediate");
  } catch (...) {
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string PrivatePostgres::run_as_owner(const std::string& command) const {
  if (!root_) return shell(command);
  std::string quoted;
  for (char c : command) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return shell("runuser -u postgres -- sh -c '" + quoted + "'");
}

void PrivatePostgres::stop() { run_as_owner(bin_ + "/pg_ctl -D '" + dir_ + "/data' -w stop -m fast"); }

void PrivatePostgres::start() {
  run_as_owner(bin_ + "/pg_ctl -D '" + dir_ + "/data' -l '" + dir_ + "/server.log' -w -t 60 start");
}

}  // namespace csms::testing
