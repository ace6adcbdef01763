#pragma once

#include <functional>
#include <map>
#include <string>

namespace csms::server {

// A plain HTTP exchange, free of Beast types, for the REST API.
struct HttpRequest {
  std::string method;
  std::string target;                          // path and query as sent
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
  std::string body;
};

using HttpHandler = std::function<void(HttpRequest, std::function<void(HttpResponse)>)>;

}  // namespace csms::server
