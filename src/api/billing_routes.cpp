// REST handlers of billing: tariffs (versioned), subscription plans, customers.

#include <spdlog/spdlog.h>

#include "csms/api/api.hpp"
#include "csms/billing/plan.hpp"
#include "csms/billing/tariff.hpp"
#include "http_support.hpp"

namespace csms::api {
using namespace detail;

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
      return with_billing(
          [](domain::BillingRepository& repo) { return json_response(200, repo.list_tariffs()); });
    if (depth == 3 && method == "POST") {
      auto body = parse_body(request);
      if (!body.contains("id") || !body["id"].is_string() || body["id"].get<std::string>().empty() ||
          body["id"].get<std::string>().size() > 36)
        throw HttpError(400, "id must be a string of 1 to 36 characters");
      auto id = body["id"].get<std::string>();
      auto [document, is_default] = validated(body, id);
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
        return with_billing(
            [](domain::BillingRepository& repo) { return json_response(200, repo.list_plans()); });
      if (depth == 3 && method == "POST") {
        auto body = parse_body(request);
        if (!body.contains("id") || !body["id"].is_string() || body["id"].get<std::string>().empty() ||
            body["id"].get<std::string>().size() > 36)
          throw HttpError(400, "id must be a string of 1 to 36 characters");
        auto id = body["id"].get<std::string>();
        auto document = validated(body, id).dump();
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
      auto fields = customer_fields(body);
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

  throw HttpError(404, "no such resource");
}

}  // namespace csms::api
