#include <map>
#include <tuple>

#include "pg.hpp"

namespace csms::store {

void upsert_variables(pqxx::transaction_base& txn, const std::string& station_id,
                      const domain::VariableReport& report, std::optional<domain::Timestamp> at) {
  // One message naming an attribute twice: the later one counts.
  using Key = std::tuple<std::string, std::string, int, int, std::string, std::string, std::string>;
  std::map<Key, const domain::StationVariable*> latest;
  for (const auto& v : report.variables)
    latest[{v.component, v.component_instance, v.evse_id, v.connector_id, v.variable, v.variable_instance,
            v.attribute_type}] = &v;
  if (latest.empty()) return;
  ArrayColumn component, component_instance, evse, connector, variable, variable_instance, attribute, value,
      mutability, persistent, constant, characteristics;
  for (const auto& [key, v] : latest) {
    component.add_text(v->component);
    component_instance.add_text(v->component_instance);
    evse.add_int(v->evse_id);
    connector.add_int(v->connector_id);
    variable.add_text(v->variable);
    variable_instance.add_text(v->variable_instance);
    attribute.add_text(v->attribute_type);
    value.add_text(v->value);
    mutability.add_text(v->mutability);
    v->persistent ? persistent.add_bool(*v->persistent) : persistent.add_null();
    v->constant ? constant.add_bool(*v->constant) : constant.add_null();
    characteristics.add_text(v->characteristics_json);
  }
  exec_cached(
      txn,
      "INSERT INTO station_variables AS s (station_id, component, component_instance, evse_id, connector_id, "
      "variable, variable_instance, attribute_type, value, mutability, persistent, constant, "
      "characteristics, "
      "source, updated_at) "
      "SELECT $1, component, component_instance, evse_id, connector_id, variable, variable_instance, "
      "attribute_type, value, mutability, persistent, constant, characteristics::jsonb, $14, "
      "coalesce($15::timestamptz, now()) "
      "FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[], "
      "$9::text[], $10::text[], $11::bool[], $12::bool[], $13::text[]) AS v(component, component_instance, "
      "evse_id, connector_id, variable, variable_instance, attribute_type, value, mutability, persistent, "
      "constant, characteristics) "
      "ON CONFLICT (station_id, component, component_instance, evse_id, connector_id, variable, "
      "variable_instance, attribute_type) DO UPDATE SET value = EXCLUDED.value, "
      // What the message did not say stays as stored.
      "mutability = coalesce(EXCLUDED.mutability, s.mutability), "
      "persistent = coalesce(EXCLUDED.persistent, s.persistent), "
      "constant = coalesce(EXCLUDED.constant, s.constant), "
      "characteristics = coalesce(EXCLUDED.characteristics, s.characteristics), "
      "source = EXCLUDED.source, updated_at = EXCLUDED.updated_at",
      station_id, component.literal(), component_instance.literal(), evse.literal(), connector.literal(),
      variable.literal(), variable_instance.literal(), attribute.literal(), value.literal(),
      mutability.literal(), persistent.literal(), constant.literal(), characteristics.literal(),
      report.source, ts(at));
}

}  // namespace csms::store
