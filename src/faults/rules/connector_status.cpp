// The connector's own verdict in StatusNotification: Faulted, or (1.6) an errorCode on a status
// that is not Faulted (OCPP 1.6 §7.6 ChargePointErrorCode, e.g. HighTemperature while Charging).

#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>

#include "faults/rules/rule_support.hpp"
#include "faults/rules/rules.hpp"

namespace csms::faults::rules {
namespace {

using domain::ConnectorStatus;
using domain::ConnectorStatusChanged;
using json = nlohmann::json;

json text_or_null(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }

json status_details(const ConnectorStatusChanged& status) {
  return {{"status", std::string(to_string(status.status))},
          {"error_code", text_or_null(status.error_code)},
          {"vendor_error_code", text_or_null(status.vendor_error_code)},
          {"info", text_or_null(status.info)}};
}

class ConnectorFaulted final : public Rule {
 public:
  std::string_view name() const override { return "connector_faulted"; }

  void on_event(const domain::Event& event, RuleContext& ctx) override {
    const auto* status = std::get_if<ConnectorStatusChanged>(&event);
    if (status == nullptr) return;
    Key key{status->station_id, status->evse_id, status->connector_id};
    if (status->status != ConnectorStatus::Faulted) {
      faulted_.erase(key);
      ctx.clear(status->evse_id, status->connector_id, status->station_id,
                {{"status", std::string(to_string(status->status))}});
      return;
    }
    // Faulted sent again (after a boot, on TriggerMessage) is the same fault, not a new one.
    bool raised = faulted_.count(key) > 0;
    raise_once(raised, ctx, status->station_id, status->evse_id, status->connector_id,
               status_details(*status));
    faulted_.insert(key);
  }

  void forget_station(const std::string& station_id) override { erase_station(faulted_, station_id); }

 private:
  using Key = std::tuple<std::string, int, int>;
  std::set<Key> faulted_;
};

class ConnectorError final : public Rule {
 public:
  std::string_view name() const override { return "connector_error"; }

  void on_event(const domain::Event& event, RuleContext& ctx) override {
    const auto* status = std::get_if<ConnectorStatusChanged>(&event);
    // 2.0.1 statuses carry no error code: nothing to learn from them.
    if (status == nullptr || !status->error_code) return;
    Key key{status->station_id, status->evse_id, status->connector_id};
    if (*status->error_code == "NoError") {
      codes_.erase(key);
      ctx.clear(status->evse_id, status->connector_id, status->station_id,
                {{"status", std::string(to_string(status->status))}});
      return;
    }
    // A Faulted connector is connector_faulted's alert.
    if (status->status == ConnectorStatus::Faulted) return;
    // The same error reported again is not new; a different code is. After a restart the open
    // alert's code is unknown: it is taken to be this one.
    auto known = codes_.find(key);
    if (known != codes_.end() && known->second == *status->error_code) return;
    bool restored =
        known == codes_.end() && is_open(ctx, status->station_id, status->evse_id, status->connector_id);
    codes_[key] = *status->error_code;
    if (!restored)
      ctx.open(status->evse_id, status->connector_id, status->station_id, status_details(*status));
  }

  void forget_station(const std::string& station_id) override { erase_station(codes_, station_id); }

 private:
  using Key = std::tuple<std::string, int, int>;
  std::map<Key, std::string> codes_;  // the error code of each raised alert
};

}  // namespace

std::unique_ptr<Rule> make_connector_faulted() { return std::make_unique<ConnectorFaulted>(); }
std::unique_ptr<Rule> make_connector_error() { return std::make_unique<ConnectorError>(); }

}  // namespace csms::faults::rules
