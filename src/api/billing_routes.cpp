// REST handlers of billing: tariffs (versioned), subscription plans, customers, invoices
// and the CDR export.

#include <spdlog/spdlog.h>

#include <cctype>
#include "csms/api/api.hpp"

#include "csms/billing/billing_service.hpp"
#include "csms/billing/invoice.hpp"
#include "csms/billing/money.hpp"
#include "csms/billing/plan.hpp"
#include "csms/billing/pricing.hpp"
#include "csms/billing/tariff.hpp"
#include "http_support.hpp"

namespace csms::api {

namespace {
bool valid_month(const std::string& m) {
  return m.size() == 7 && m[4] == '-' && std::isdigit(static_cast<unsigned char>(m[0])) &&
         std::isdigit(static_cast<unsigned char>(m[1])) && std::isdigit(static_cast<unsigned char>(m[2])) &&
         std::isdigit(static_cast<unsigned char>(m[3])) &&
         ((m[5] == '0' && m[6] >= '1' && m[6] <= '9') || (m[5] == '1' && m[6] >= '0' && m[6] <= '2'));
}
}  // namespace
using namespace detail;

namespace {
// An integer member of `body` within [min, max], or `fallback` when absent.
std::int64_t bounded_integer(const json& body, const char* key, std::int64_t min, std::int64_t max,
                             std::optional<std::int64_t> fallback) {
  auto it = body.find(key);
  if (it == body.end() && fallback) return *fallback;
  if (it == body.end() || !it->is_number_integer() || it->get<std::int64_t>() < min ||
      it->get<std::int64_t>() > max)
    throw HttpError(400, std::string("session.") + key + " must be an integer from " + std::to_string(min) +
                             " to " + std::to_string(max));
  return it->get<std::int64_t>();
}

// POST /api/v1/tariffs:price: a sample session priced by a tariff as billing would price it
// (the tariff editor's preview). The session charges `energy_wh` evenly from `start` for
// `duration_s - parking_s` seconds, then stays plugged in for `parking_s`.
server::HttpResponse price_sample(const json& body) {
  check_known(body, {"tariff", "session"});
  const auto tariff = proposed_tariff(body);
  if (!body.contains("session") || !body["session"].is_object())
    throw HttpError(400, "session is required: {start, duration_s, energy_wh, parking_s?, time_zone?}");
  const auto& session = body["session"];
  check_known(session, {"start", "duration_s", "energy_wh", "parking_s", "time_zone"});
  std::optional<domain::Timestamp> start;
  if (session.contains("start") && session["start"].is_string())
    start = domain::parse_timestamp(session["start"].get<std::string>());
  if (!start) throw HttpError(400, "session.start must be an RFC 3339 time with an offset");
  const auto duration = bounded_integer(session, "duration_s", 1, 7 * 86'400, std::nullopt);
  const auto energy_wh = bounded_integer(session, "energy_wh", 0, 10'000'000, std::nullopt);
  // Energy needs some charging time to flow in.
  const auto parking = bounded_integer(session, "parking_s", 0, energy_wh > 0 ? duration - 1 : duration, 0);
  std::string zone = "UTC";
  if (session.contains("time_zone")) {
    if (!session["time_zone"].is_string() || !known_time_zone(session["time_zone"].get<std::string>()))
      throw HttpError(400, "session.time_zone must be an IANA time zone such as Europe/Berlin");
    zone = session["time_zone"].get<std::string>();
  }
  const auto charged_until = *start + std::chrono::seconds(duration - parking);
  const auto stop = *start + std::chrono::seconds(duration);
  billing::SessionInput input;
  input.start = *start;
  input.stop = stop;
  input.readings = {{*start, 0}, {charged_until, energy_wh * 1000}};
  input.periods = {{*start, charged_until, true}};
  if (parking > 0) input.periods.push_back({charged_until, stop, false});
  input.time_zone = zone;
  try {
    json out = billing::price_session(tariff, input);
    return json_response(200, out.dump());
  } catch (const std::invalid_argument& e) {
    throw HttpError(400, std::string("the tariff cannot price this session: ") + e.what());
  } catch (const std::overflow_error& e) {
    throw HttpError(400, std::string("the tariff's prices overflow on this session: ") + e.what());
  }
}
}  // namespace

void Api::handle_billing(const std::vector<std::string>& seg, const HttpRequest& request,
                         std::function<void(HttpResponse)> respond) {
  auto target = parse_target(request.target);
  const auto& method = request.method;
  const std::string resource = seg[2];
  const std::size_t depth = seg.size();
  auto with_billing = [this, respond](std::function<HttpResponse(domain::BillingRepository&)> work) {
    run_unit([work = std::move(work)](domain::Repositories& repos) { return work(repos.billing()); },
             respond);
  };

  if (resource == "tariffs") {
    // The OCPI shape, validated by the billing model; prices come back as decimal strings.
    auto validated = [](json body, const std::string& id) {
      body["id"] = id;
      body.erase("version");
      body.erase("last_updated");
      if (body.contains("is_default") && !body["is_default"].is_boolean())
        throw HttpError(400, "is_default must be true or false");
      bool is_default = body.value("is_default", false);
      try {
        auto tariff = body.get<billing::Tariff>();
        json normalized = tariff;
        normalized.erase("version");
        return std::pair{normalized, is_default};
      } catch (const std::exception& e) {
        throw HttpError(400, std::string("invalid tariff: ") + e.what());
      }
    };
    if (depth == 3 && method == "GET")
      return with_billing([page = page_of(target)](domain::BillingRepository& repo) {
        return json_response(200, repo.list_tariffs(page));
      });
    if (depth == 3 && method == "POST") {
      auto body = parse_body(request);
      if (!body.contains("id") || !body["id"].is_string() || body["id"].get<std::string>().empty() ||
          body["id"].get<std::string>().size() > 36)
        throw HttpError(400, "id must be a string of 1 to 36 characters");
      auto id = body["id"].get<std::string>();
      auto [document, is_default] = validated(std::move(body), id);
      return with_billing([id, document, is_default](domain::BillingRepository& repo) {
        auto result = repo.save_tariff(id, document.dump(), is_default, true);
        return write_result(result, "tariff " + id,
                            result == domain::WriteResult::Done ? repo.get_tariff(id) : std::nullopt, 201);
      });
    }
    if (depth == 4) {
      auto id = seg[3];
      if (method == "GET")
        return with_billing([id](domain::BillingRepository& repo) {
          auto doc = repo.get_tariff(id);
          return doc ? json_response(200, *doc) : problem(404, "tariff " + id + " not found");
        });
      if (method == "PUT") {
        auto [document, is_default] = validated(parse_body(request), id);
        return with_billing([id, document, is_default](domain::BillingRepository& repo) {
          auto result = repo.save_tariff(id, document.dump(), is_default, false);
          return write_result(result, "tariff " + id,
                              result == domain::WriteResult::Done ? repo.get_tariff(id) : std::nullopt, 200);
        });
      }
      if (method == "DELETE")
        return with_billing([id](domain::BillingRepository& repo) {
          return write_result(repo.delete_tariff(id), "tariff " + id, std::nullopt, 204);
        });
    }
    throw HttpError(405, method + " is not allowed here");
  }

  if (resource == "plans" || resource == "customers") {
    if (resource == "plans") {
      // The billing model validates; prices come back as decimal strings.
      auto validated = [](json body, const std::string& id) {
        body["id"] = id;
        try {
          json normalized = body.get<billing::Plan>();
          return normalized;
        } catch (const std::exception& e) {
          throw HttpError(400, std::string("invalid plan: ") + e.what());
        }
      };
      if (depth == 3 && method == "GET")
        return with_billing([page = page_of(target)](domain::BillingRepository& repo) {
          return json_response(200, repo.list_plans(page));
        });
      if (depth == 3 && method == "POST") {
        auto body = parse_body(request);
        if (!body.contains("id") || !body["id"].is_string() || body["id"].get<std::string>().empty() ||
            body["id"].get<std::string>().size() > 36)
          throw HttpError(400, "id must be a string of 1 to 36 characters");
        auto id = body["id"].get<std::string>();
        auto document = validated(std::move(body), id).dump();
        return with_billing([id, document](domain::BillingRepository& repo) {
          auto result = repo.save_plan(id, document, true);
          return write_result(result, "plan " + id,
                              result == domain::WriteResult::Done ? repo.get_plan(id) : std::nullopt, 201);
        });
      }
      if (depth == 4) {
        auto id = seg[3];
        if (method == "GET")
          return with_billing([id](domain::BillingRepository& repo) {
            auto doc = repo.get_plan(id);
            return doc ? json_response(200, *doc) : problem(404, "plan " + id + " not found");
          });
        if (method == "PUT") {
          auto document = validated(parse_body(request), id).dump();
          return with_billing([id, document](domain::BillingRepository& repo) {
            auto result = repo.save_plan(id, document, false);
            return write_result(result, "plan " + id,
                                result == domain::WriteResult::Done ? repo.get_plan(id) : std::nullopt, 200);
          });
        }
        if (method == "DELETE")
          return with_billing([id](domain::BillingRepository& repo) {
            return write_result(repo.delete_plan(id), "plan " + id, std::nullopt, 204);
          });
      }
      throw HttpError(405, method + " is not allowed here");
    }
    auto customer_fields = [](json body) {
      check_known(body, {"id", "name", "email", "time_zone", "plan_id"});
      expect_string(body, "name", 200);
      expect_string(body, "email", 200);
      expect_string(body, "plan_id", 36);
      if (body.contains("email") && body["email"].is_string() &&
          body["email"].get<std::string>().find('@') == std::string::npos)
        throw HttpError(400, "email must be an e-mail address");
      if (body.contains("time_zone")) {
        expect_string(body, "time_zone", 64, false);
        if (!known_time_zone(body["time_zone"].get<std::string>()))
          throw HttpError(400, "time_zone must be an IANA time zone such as Europe/Berlin");
      }
      body.erase("id");
      return body.dump();
    };
    auto customer_result = [](domain::WriteResult result, const std::string& id,
                              const std::optional<std::string>& doc, int status) {
      if (result == domain::WriteResult::Conflict)
        return problem(409, "customer " + id + " exists, or its plan_id names no plan");
      return write_result(result, "customer " + id, doc, status);
    };
    if (depth == 3 && method == "GET") {
      auto page = page_of(target);
      return with_billing(
          [page](domain::BillingRepository& repo) { return json_response(200, repo.list_customers(page)); });
    }
    if (depth == 3 && method == "POST") {
      auto body = parse_body(request);
      if (!body.contains("id") || !body["id"].is_string() || body["id"].get<std::string>().empty() ||
          body["id"].get<std::string>().size() > 100)
        throw HttpError(400, "id must be a string of 1 to 100 characters");
      auto id = body["id"].get<std::string>();
      auto fields = customer_fields(std::move(body));
      return with_billing([id, fields, customer_result](domain::BillingRepository& repo) {
        auto result = repo.create_customer(id, fields);
        return customer_result(
            result, id, result == domain::WriteResult::Done ? repo.get_customer(id) : std::nullopt, 201);
      });
    }
    if (depth == 4) {
      auto id = seg[3];
      if (method == "GET")
        return with_billing([id](domain::BillingRepository& repo) {
          auto doc = repo.get_customer(id);
          return doc ? json_response(200, *doc) : problem(404, "customer " + id + " not found");
        });
      if (method == "PATCH") {
        auto fields = customer_fields(parse_body(request));
        return with_billing([id, fields, customer_result](domain::BillingRepository& repo) {
          auto result = repo.patch_customer(id, fields);
          return customer_result(
              result, id, result == domain::WriteResult::Done ? repo.get_customer(id) : std::nullopt, 200);
        });
      }
      if (method == "DELETE")
        return with_billing([id](domain::BillingRepository& repo) {
          return write_result(repo.delete_customer(id), "customer " + id, std::nullopt, 204);
        });
    }
    throw HttpError(405, method + " is not allowed here");
  }

  if (resource == "tariffs:price") {
    if (depth != 3 || method != "POST") throw HttpError(405, "price a sample session with POST");
    // A tariff of many elements is real work: off the I/O threads, like operator actions.
    return run_blocking(
        [body = parse_body(request), respond] {
          try {
            respond(price_sample(body));
          } catch (...) {
            respond(problem_of(std::current_exception()));
          }
        },
        respond);
  }

  if (resource == "invoices:generate") {
    if (depth != 3 || method != "POST") throw HttpError(405, "generate an invoice with POST");
    auto body = parse_body(request);
    check_known(body, {"customer_id", "month"});
    if (!body.contains("customer_id") || !body["customer_id"].is_string() ||
        body["customer_id"].get<std::string>().empty())
      throw HttpError(400, "customer_id is required");
    if (!body.contains("month") || !body["month"].is_string() ||
        !valid_month(body["month"].get<std::string>()))
      throw HttpError(400, "month must be YYYY-MM, e.g. 2026-11");
    const auto customer = body["customer_id"].get<std::string>();
    const auto month = body["month"].get<std::string>();
    const auto now = clock_.now();
    return run_unit(
        [customer, month, now](domain::Repositories& repos) {
          auto& repo = repos.billing();
          if (auto existing = repo.find_invoice(customer, month)) return json_response(200, *existing);
          auto basis = repo.invoice_basis(customer, month);
          if (!basis) throw HttpError(404, "customer " + customer + " not found");
          if (basis->to > now)
            throw HttpError(409, "the month " + month + " has not ended yet in " + basis->time_zone);
          billing::InvoiceInput input;
          input.customer_id = customer;
          input.customer_name = basis->customer_name;
          input.month = month;
          input.time_zone = basis->time_zone;
          input.from = basis->from;
          input.to = basis->to;
          if (basis->plan_json) input.plan = json::parse(*basis->plan_json).get<billing::Plan>();
          if (basis->fee_vat_percent) input.fee_vat_percent = billing::parse_decimal(*basis->fee_vat_percent);
          for (const auto& s : basis->sessions) {
            auto data = repo.pricing_data(s.transaction_id);
            if (!data) continue;
            auto priced = billing::BillingService::priced(*data);
            if (!priced)
              throw HttpError(409, "session " + std::to_string(s.transaction_id) +
                                       " has no tariff to price it; set a default tariff first");
            input.sessions.push_back({s.transaction_id, s.station_id, s.id_token, std::move(*priced),
                                      billing::BillingService::signed_meter_values(*data)});
          }
          auto document = billing::build_invoice(input);
          const int year = static_cast<int>(
              std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now)).year());
          return json_response(201,
                               repo.issue_invoice(customer, month, document["currency"].get<std::string>(),
                                                  document.dump(), year));
        },
        respond);
  }

  if (resource == "invoices") {
    if (method != "GET") throw HttpError(405, "invoices are generated with POST /api/v1/invoices:generate");
    if (depth == 3) {
      auto page = page_of(target);
      require_numeric_cursor(page);
      auto customer = target.param("customer");
      return with_billing([customer, page](domain::BillingRepository& repo) {
        return json_response(200, repo.list_invoices(customer, page));
      });
    }
    if (depth == 4) {
      const auto id = id_in_path(seg[3], "invoice " + seg[3] + " not found");
      const bool csv = accepts(request, "text/csv"), html = accepts(request, "text/html");
      return with_billing([id, csv, html](domain::BillingRepository& repo) {
        auto invoice = repo.get_invoice(id);
        if (!invoice) return problem(404, "invoice " + std::to_string(id) + " not found");
        if (csv)
          return HttpResponse{
              200, "text/csv; charset=utf-8", {}, billing::invoice_csv(json::parse(*invoice)), nullptr, {}};
        if (html)
          return HttpResponse{
              200, "text/html; charset=utf-8", {}, billing::invoice_html(json::parse(*invoice)), nullptr, {}};
        return json_response(200, *invoice);
      });
    }
  }

  if (resource == "cdrs" && depth == 3) {
    if (method != "GET") throw HttpError(405, "CDRs are read with GET");
    auto to = time_param(target, "to").value_or(clock_.now());
    auto from = time_param(target, "from").value_or(to - std::chrono::days(31));
    if (!(from < to)) throw HttpError(400, "from must be before to");
    // An export: pages larger than other lists', still bounded (a month of a big network
    // was once built as one document in memory).
    auto page = page_of(target, 1000, 10000);
    require_numeric_cursor(page);
    const bool csv = accepts(request, "text/csv");
    // CSV has no room for next_cursor: the next page is a Link header (RFC 8288) with the
    // range spelled out, since a default `to` of "now" would move between pages.
    const std::string next = "/api/v1/cdrs?from=" + domain::format_timestamp(from) +
                             "&to=" + domain::format_timestamp(to) + "&limit=" + std::to_string(page.limit) +
                             "&cursor=";
    return with_billing([from, to, page, csv, next](domain::BillingRepository& repo) {
      auto items = repo.cdrs(from, to, page);
      if (!csv) return json_response(200, items);
      static const std::vector<std::string> kColumns = {"transaction_id",
                                                        "station_id",
                                                        "evse_id",
                                                        "connector_id",
                                                        "id_token",
                                                        "customer_id",
                                                        "started_at",
                                                        "stopped_at",
                                                        "energy_wh",
                                                        "stop_reason",
                                                        "tariff_id",
                                                        "currency",
                                                        "total_excl_vat",
                                                        "vat",
                                                        "total_incl_vat",
                                                        "start_reading_signature",
                                                        "stop_reading_signature",
                                                        "pricing_status"};
      const auto document = json::parse(items);
      HttpResponse response{
          200, "text/csv; charset=utf-8", {}, csv_table(kColumns, document["items"]), nullptr, {}};
      if (document["next_cursor"].is_string())
        response.headers["Link"] =
            "<" + next + document["next_cursor"].get<std::string>() + ">; rel=\"next\"";
      return response;
    });
  }

  throw HttpError(404, "no such resource");
}

}  // namespace csms::api
