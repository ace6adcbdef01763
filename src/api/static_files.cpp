// What the API listener serves without a token: health, metrics, the OpenAPI document, the
// file endpoint, and the operator dashboard's built files with the API reference.
#include <filesystem>

#include "csms/api/api.hpp"
#include "csms/metrics/metrics.hpp"
#include "http_support.hpp"
#include "openapi.hpp"

namespace csms::api {
using namespace detail;
using server::HttpRequest;
using server::HttpResponse;

namespace {

std::string_view content_type_of(std::string_view name) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"}};
  for (const auto& [suffix, type] : kTypes)
    if (name.ends_with(suffix)) return type;
  return "application/octet-stream";
}

// A name the build writes: letters, digits, '.', '-', '_', not starting with '.' (so never
// "..", never a hidden file).
bool plain_name(std::string_view name) {
  if (name.empty() || name.size() > 200 || name.front() == '.') return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return false;
  return true;
}

// The dashboard talks only to this origin; scripts and styles come from its own files (the
// charts and the API reference set styles inline; the reference searches in a blob worker).
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-src blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

}  // namespace

HttpResponse Api::dashboard_file(const std::vector<std::string>& segments) const {
  if (settings_.ui_dir.empty())
    return problem(404,
                   "the dashboard is not built: build with CSMS_BUILD_UI=ON (needs npm) or set api.ui_dir");
  std::filesystem::path path = settings_.ui_dir;
  for (const auto& name : segments) {
    if (!plain_name(name)) return problem(404, "no such file");
    path /= name;
  }
  // Not a link itself, and nothing on the way (a linked directory) leads outside the directory.
  std::error_code error;
  auto status = std::filesystem::symlink_status(path, error);
  if (error || !std::filesystem::is_regular_file(status)) return problem(404, "no such file");
  auto real = std::filesystem::canonical(path, error);
  if (error || !real.string().starts_with(settings_.ui_dir + "/")) return problem(404, "no such file");
  HttpResponse response;
  response.status = 200;
  response.content_type = std::string(content_type_of(segments.back()));
  response.file_path = path.string();
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.headers["Referrer-Policy"] = "no-referrer";
  response.headers["Content-Security-Policy"] = kContentSecurityPolicy;
  // Vite names what it bundles by content hash (assets/index-1a2b3c4d.js): those never change.
  response.headers["Cache-Control"] = segments.size() > 1 && segments.front() == "assets"
                                          ? "public, max-age=31536000, immutable"
                                          : "no-cache";
  return response;
}

void Api::handle_public(const std::vector<std::string>& seg, HttpRequest request,
                        std::function<void(HttpResponse)> respond) {
  if (seg.empty()) {
    HttpResponse redirect{302, "text/plain; charset=utf-8", {{"Location", "/ui/"}}, "see /ui/\n", nullptr,
                          {}};
    return respond(std::move(redirect));
  }
  if (seg.size() == 1 && seg[0] == "healthz") return respond(json_response(200, R"({"status":"ok"})"));
  if (seg.size() == 1 && seg[0] == "readyz") {
    if (!ready_()) return respond(problem(503, "not ready: migrations pending or the database unreachable"));
    return run_unit(
        [](domain::Repositories& repos) {
          repos.admin().ping();
          return json_response(200, R"({"status":"ready"})");
        },
        respond);
  }
  if (seg.size() == 1 && seg[0] == "metrics")
    return respond(
        HttpResponse{200, "text/plain; version=0.0.4", {}, metrics::registry().render(), nullptr, {}});
  // The file endpoint: a transfer's URL token is its only credential.
  if (seg[0] == "files") return handle_file_endpoint(seg, std::move(request), respond);
  if (seg.size() == 3 && seg[0] == "api" && seg[2] == "openapi.json")
    return respond(json_response(200, std::string(openapi_document())));
  if (seg.size() == 2 && seg[0] == "api" && seg[1] == "docs")
    return respond(dashboard_file({"api-docs", "index.html"}));
  if (seg[0] == "ui") {
    if (seg.size() == 1) return respond(dashboard_file({"index.html"}));
    return respond(dashboard_file(std::vector<std::string>(seg.begin() + 1, seg.end())));
  }
  // A route documented as public that nothing here serves: the document and this disagree.
  respond(problem(500, "this public route is documented but not served"));
}

}  // namespace csms::api
