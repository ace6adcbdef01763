#include "ocpp/device_model.hpp"

#include "csms/ocpp/commands.hpp"
#include "ocpp/json_read.hpp"

namespace csms::ocpp {
namespace {

using json = nlohmann::json;
using detail::opt_int;
using detail::opt_string;
using detail::string_or;

// Where a 2.0.1 ComponentType / VariableType pair puts a variable.
domain::StationVariable placed(const json& component, const json& variable) {
  domain::StationVariable v;
  v.component = string_or(component, "name", "");
  v.component_instance = string_or(component, "instance", "");
  if (auto evse = component.find("evse"); evse != component.end()) {
    v.evse_id = static_cast<int>(opt_int(*evse, "id").value_or(0));
    v.connector_id = static_cast<int>(opt_int(*evse, "connectorId").value_or(0));
  }
  v.variable = string_or(variable, "name", "");
  v.variable_instance = string_or(variable, "instance", "");
  return v;
}

// 1.6 configuration keys are variables of the unnamed component.
domain::StationVariable key_variable(std::string key) {
  domain::StationVariable v;
  v.variable = std::move(key);
  return v;
}

bool took(const std::string& status) { return status == "Accepted" || status == "RebootRequired"; }

}  // namespace

namespace detail {

std::vector<domain::StationVariable> report_variables(const json& notify_report) {
  std::vector<domain::StationVariable> out;
  for (const auto& data : member_or_empty(notify_report, "reportData")) {
    auto base = placed(member_or_empty(data, "component", json::value_t::object),
                       member_or_empty(data, "variable", json::value_t::object));
    std::optional<std::string> characteristics;
    if (auto c = data.find("variableCharacteristics"); c != data.end()) characteristics = c->dump();
    for (const auto& attribute : member_or_empty(data, "variableAttribute")) {
      auto v = base;
      v.attribute_type = string_or(attribute, "type", "Actual");
      v.value = opt_string(attribute, "value");
      // The schema's defaults, so a report states every attribute's properties.
      v.mutability = string_or(attribute, "mutability", "ReadWrite");
      auto flag = [&](const char* key) {
        auto it = attribute.find(key);
        return it != attribute.end() && it->is_boolean() && it->get<bool>();
      };
      v.persistent = flag("persistent");
      v.constant = flag("constant");
      v.characteristics_json = characteristics;
      out.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace detail

std::optional<domain::VariableReport> learnt_variables(std::string_view name, const json& body,
                                                       const json& answer) {
  if (!answer.is_object()) return std::nullopt;
  domain::VariableReport report;
  if (name == "get-configuration") {
    if (auto keys = answer.find("configurationKey"); keys != answer.end() && keys->is_array()) {
      report.source = "GetConfiguration";
      for (const auto& key : *keys) {
        auto v = key_variable(string_or(key, "key", ""));
        v.value = opt_string(key, "value");
        auto readonly = key.find("readonly");
        v.mutability = readonly != key.end() && readonly->is_boolean() && readonly->get<bool>() ? "ReadOnly"
                                                                                                : "ReadWrite";
        report.variables.push_back(std::move(v));
      }
    } else if (auto results = answer.find("getVariableResult");
               results != answer.end() && results->is_array()) {
      report.source = "GetVariables";
      for (const auto& result : *results) {
        if (string_or(result, "attributeStatus", "") != "Accepted") continue;
        auto v = placed(detail::member_or_empty(result, "component", json::value_t::object),
                        detail::member_or_empty(result, "variable", json::value_t::object));
        v.attribute_type = string_or(result, "attributeType", "Actual");
        v.value = opt_string(result, "attributeValue");
        report.variables.push_back(std::move(v));
      }
    }
  } else if (name == "set-configuration" && body.is_object()) {
    // The value sent, where the station took it.
    auto sent = body.find("value");
    if (sent == body.end()) return std::nullopt;
    const std::string text = sent->is_string() ? sent->get<std::string>() : sent->dump();
    if (auto results = answer.find("setVariableResult"); results != answer.end() && results->is_array()) {
      report.source = "SetVariables";
      for (const auto& result : *results) {
        if (!took(string_or(result, "attributeStatus", ""))) continue;
        auto v = placed(detail::member_or_empty(result, "component", json::value_t::object),
                        detail::member_or_empty(result, "variable", json::value_t::object));
        v.attribute_type = string_or(result, "attributeType", "Actual");
        v.value = text;
        report.variables.push_back(std::move(v));
      }
    } else if (took(string_or(answer, "status", ""))) {
      report.source = "ChangeConfiguration";
      auto v = key_variable(string_or(body, "key", ""));
      v.value = text;
      report.variables.push_back(std::move(v));
    }
  }
  if (report.variables.empty()) return std::nullopt;
  return report;
}

}  // namespace csms::ocpp
