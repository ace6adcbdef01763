// The REST API's input checks that need no database: the request target (path segments,
// query parameters, paging), the JSON body, the field checks of stations and id tokens,
// tariffs and plans as the billing model reads them, and the CSV export of what was read.
// HttpError and the billing model's std::exception are answers (4xx), not findings.
//
// Input: the request target up to the first line feed, then the body.

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "api/http_support.hpp"
#include "csms/billing/plan.hpp"
#include "csms/billing/tariff.hpp"
#include "fuzz_util.hpp"

namespace {

using namespace csms;
using api::detail::HttpError;
using fuzz::require;
using nlohmann::json;

void target_checks(std::string_view text) {
  try {
    auto target = api::detail::parse_target(text);
    try {
      (void)api::detail::page_of(target);
      api::detail::require_numeric_cursor(api::detail::page_of(target));
    } catch (const HttpError&) {
    }
    try {
      (void)api::detail::bool_param(target, "online");
    } catch (const HttpError&) {
    }
    try {
      (void)api::detail::time_param(target, "from");
    } catch (const HttpError&) {
    }
    if (!target.segments.empty()) {
      try {
        (void)api::detail::id_in_path(target.segments.back(), "not found");
      } catch (const HttpError&) {
      }
    }
  } catch (const HttpError&) {
  }
}

// The billing model reads `document`; what it writes back must read as the same thing.
template <typename T>
void billing_document(const json& document) {
  T value;
  try {
    value = document.get<T>();
    billing::validate(value);
  } catch (const std::exception&) {
    return;  // 400 "invalid tariff: ..."
  }
  json written = value;
  T again;
  try {
    again = written.get<T>();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\nreads back as: %s\n", written.dump().c_str(), e.what());
    require(false, "a billing document we wrote reads back");
  }
  require(again == value, "a billing document reads back as what was written");
}

void body_checks(const json& body) {
  try {
    (void)api::detail::station_fields(body, true);
  } catch (const HttpError&) {
  }
  try {
    (void)api::detail::id_token_fields(body);
  } catch (const HttpError&) {
  }
  billing_document<billing::Tariff>(body);
  billing_document<billing::Plan>(body);
  if (auto tariff = body.find("tariff"); tariff != body.end() && tariff->is_object())
    billing_document<billing::Tariff>(*tariff);

  std::vector<std::string> columns;
  for (const auto& [key, value] : body.items()) columns.push_back(key);
  auto items = body.find("items");
  (void)api::detail::csv_table(columns,
                               items != body.end() && items->is_array() ? *items : json::array({body}));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = fuzz::as_text(data, size);
  auto line_end = input.find('\n');
  auto target = input.substr(0, line_end);
  auto body = line_end == std::string_view::npos ? std::string_view{} : input.substr(line_end + 1);
  target_checks(target);

  server::HttpRequest request{
      "POST", std::string(target), {{"content-type", "application/json"}}, std::string(body)};
  json document;
  try {
    document = api::detail::parse_body(request);
  } catch (const HttpError&) {
    return 0;
  }
  body_checks(document);
  return 0;
}
