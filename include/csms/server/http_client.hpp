#pragma once

#include <chrono>
#include <map>
#include <string>

namespace csms::server {

struct HttpPostResult {
  int status = 0;     // 0 when no answer came
  std::string error;  // why, when status is 0
};

// POSTs `body` to an http:// or https:// URL and waits at most `timeout` for the answer.
// https: the server's certificate must verify against `ca_file` (PEM bundle; empty: the
// system's CAs) and name the URL's host. Blocking: call it from a thread of its own (webhook
// delivery), never from the io_context.
HttpPostResult http_post(const std::string& url, const std::map<std::string, std::string>& headers,
                         const std::string& body, std::chrono::milliseconds timeout,
                         const std::string& ca_file = "");

}  // namespace csms::server
