#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "repositories.hpp"

namespace csms::store {

std::string PgBillingRepository::list_tariffs(const domain::Page& page) {
  auto rows = txn_.exec_params(
      "SELECT csms_tariff_json(t)::text AS doc, t.id AS cursor FROM tariffs t "
      "WHERE NOT t.deleted AND t.version = (SELECT max(version) FROM tariffs v WHERE v.id = t.id) "
      "AND ($1::text IS NULL OR t.id > $1) ORDER BY t.id LIMIT $2",
      page.cursor.empty() ? std::nullopt : std::optional(page.cursor), page.limit + 1);
  return page_json(rows, page);
}

std::optional<std::string> PgBillingRepository::get_tariff(const std::string& id) {
  auto rows = txn_.exec_params(
      "SELECT csms_tariff_json(t)::text FROM tariffs t WHERE t.id = $1 AND NOT t.deleted "
      "ORDER BY t.version DESC LIMIT 1",
      id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

domain::WriteResult PgBillingRepository::save_tariff(const std::string& id, const std::string& document_json,
                                                     bool is_default, bool creating) {
  auto latest = txn_.exec_params(
      "SELECT version, deleted FROM tariffs WHERE id = $1 ORDER BY version DESC LIMIT 1 "
      "FOR UPDATE",
      id);
  bool exists = !latest.empty() && !latest[0]["deleted"].as<bool>();
  if (creating && exists) return domain::WriteResult::Conflict;
  if (!creating && !exists) return domain::WriteResult::NotFound;
  int version = latest.empty() ? 1 : latest[0]["version"].as<int>() + 1;
  // One default tariff: marking this one default unmarks the others' latest versions.
  if (is_default) txn_.exec_params("UPDATE tariffs SET is_default = false WHERE id <> $1 AND is_default", id);
  auto document = nlohmann::json::parse(document_json);
  document["version"] = version;
  txn_.exec_params("INSERT INTO tariffs (id, version, document, is_default) VALUES ($1, $2, $3::jsonb, $4)",
                   id, version, document.dump(), is_default);
  return domain::WriteResult::Done;
}

domain::WriteResult PgBillingRepository::delete_tariff(const std::string& id) {
  auto rows = txn_.exec_params(
      "UPDATE tariffs SET deleted = true, is_default = false WHERE id = $1 AND NOT deleted", id);
  return rows.affected_rows() > 0 ? domain::WriteResult::Done : domain::WriteResult::NotFound;
}

std::string PgBillingRepository::list_plans(const domain::Page& page) {
  auto rows = txn_.exec_params(
      "SELECT document::text AS doc, id AS cursor FROM plans WHERE ($1::text IS NULL OR id > $1) "
      "ORDER BY id LIMIT $2",
      page.cursor.empty() ? std::nullopt : std::optional(page.cursor), page.limit + 1);
  return page_json(rows, page);
}

std::optional<std::string> PgBillingRepository::get_plan(const std::string& id) {
  auto rows = txn_.exec_params("SELECT document::text FROM plans WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

domain::WriteResult PgBillingRepository::save_plan(const std::string& id, const std::string& document_json,
                                                   bool creating) {
  auto rows = creating ? txn_.exec_params(
                             "INSERT INTO plans (id, document) VALUES ($1, $2::jsonb) "
                             "ON CONFLICT (id) DO NOTHING RETURNING id",
                             id, document_json)
                       : txn_.exec_params(
                             "UPDATE plans SET document = $2::jsonb, updated_at = now() WHERE id = $1 "
                             "RETURNING id",
                             id, document_json);
  if (!rows.empty()) return domain::WriteResult::Done;
  return creating ? domain::WriteResult::Conflict : domain::WriteResult::NotFound;
}

domain::WriteResult PgBillingRepository::delete_plan(const std::string& id) {
  return txn_.exec_params("DELETE FROM plans WHERE id = $1", id).affected_rows() > 0
             ? domain::WriteResult::Done
             : domain::WriteResult::NotFound;
}

std::string PgBillingRepository::list_customers(const domain::Page& page) {
  auto rows = txn_.exec_params(
      "SELECT csms_customer_json(c)::text AS doc, c.id AS cursor FROM customers c "
      "WHERE ($1::text IS NULL OR c.id > $1) ORDER BY c.id LIMIT $2",
      page.cursor.empty() ? std::nullopt : std::optional(page.cursor), page.limit + 1);
  return page_json(rows, page);
}

std::optional<std::string> PgBillingRepository::get_customer(const std::string& id) {
  auto rows = txn_.exec_params("SELECT csms_customer_json(c)::text FROM customers c WHERE c.id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

domain::WriteResult PgBillingRepository::create_customer(const std::string& id,
                                                         const std::string& fields_json) {
  auto fields = nlohmann::json::parse(fields_json);
  if (fields.contains("plan_id") && fields["plan_id"].is_string() && !get_plan(fields["plan_id"]))
    return domain::WriteResult::Conflict;
  auto rows = txn_.exec_params(
      "INSERT INTO customers (id, name, email, time_zone, plan_id) SELECT $1, f->>'name', f->>'email', "
      "coalesce(f->>'time_zone', 'UTC'), f->>'plan_id' FROM (SELECT $2::jsonb AS f) x "
      "ON CONFLICT (id) DO NOTHING RETURNING id",
      id, fields_json);
  return rows.empty() ? domain::WriteResult::Conflict : domain::WriteResult::Done;
}

domain::WriteResult PgBillingRepository::patch_customer(const std::string& id,
                                                        const std::string& fields_json) {
  auto fields = nlohmann::json::parse(fields_json);
  if (fields.contains("plan_id") && fields["plan_id"].is_string() && !get_plan(fields["plan_id"]))
    return domain::WriteResult::Conflict;
  auto rows = txn_.exec_params(
      "UPDATE customers SET "
      "name = CASE WHEN $2::jsonb ? 'name' THEN $2::jsonb->>'name' ELSE name END, "
      "email = CASE WHEN $2::jsonb ? 'email' THEN $2::jsonb->>'email' ELSE email END, "
      "time_zone = coalesce($2::jsonb->>'time_zone', time_zone), "
      "plan_id = CASE WHEN $2::jsonb ? 'plan_id' THEN $2::jsonb->>'plan_id' ELSE plan_id END, "
      "updated_at = now() WHERE id = $1 RETURNING id",
      id, fields_json);
  return rows.empty() ? domain::WriteResult::NotFound : domain::WriteResult::Done;
}

domain::WriteResult PgBillingRepository::delete_customer(const std::string& id) {
  return txn_.exec_params("DELETE FROM customers WHERE id = $1", id).affected_rows() > 0
             ? domain::WriteResult::Done
             : domain::WriteResult::NotFound;
}

std::optional<domain::PricingData> PgBillingRepository::pricing_data(std::int64_t transaction_id) {
  auto tx = exec_cached(
      txn_,
      "SELECT t.station_id, t.evse_id, t.protocol, csms_ms(t.started_at) AS started_ms, "
      "csms_ms(t.stopped_at) AS stopped_ms, t.meter_start_wh, t.meter_stop_wh, s.time_zone, "
      // A member's session is priced with the plan's tariff when the plan names one.
      "coalesce(p.document ->> 'tariff_id', s.tariff_id) AS tariff_id, s.meter_public_key, "
      "(SELECT m.signed_data FROM meter_samples m WHERE m.transaction_id = t.id AND m.signed_data IS NOT "
      "NULL "
      " ORDER BY m.sampled_at LIMIT 1) AS start_signed, "
      "(SELECT m.signed_data FROM meter_samples m WHERE m.transaction_id = t.id AND m.signed_data IS NOT "
      "NULL "
      " ORDER BY m.sampled_at DESC LIMIT 1) AS stop_signed "
      "FROM transactions t JOIN stations s ON s.id = t.station_id "
      "LEFT JOIN id_tokens k ON k.token = t.id_token LEFT JOIN customers c ON c.id = k.customer_id "
      "LEFT JOIN plans p ON p.id = c.plan_id "
      "WHERE t.id = $1 AND t.started_at IS NOT NULL",
      transaction_id);
  if (tx.empty()) return std::nullopt;
  const auto& row = tx[0];
  domain::PricingData data;
  data.station_id = row["station_id"].as<std::string>();
  data.time_zone = row["time_zone"].as<std::string>();
  data.started_at = *ms(row["started_ms"]);
  data.stopped_at = ms(row["stopped_ms"]);
  data.meter_public_key = opt<std::string>(row["meter_public_key"]);
  data.start_signed = opt<std::string>(row["start_signed"]);
  data.stop_signed = opt<std::string>(row["stop_signed"]);
  // The version in force when the session started: the highest version of the station's
  // (or plan's) tariff, else of the default, whose validity covers the start. A version is
  // valid from its start_date_time (OCPI), else from its creation, until its end_date_time.
  data.tariff_id = opt<std::string>(row["tariff_id"]);
  auto tariff = exec_cached(
      txn_,
      "SELECT document::text, in_force FROM (SELECT document, version, "
      "coalesce((document ->> 'start_date_time')::timestamptz, created_at) <= to_timestamp($2::bigint / "
      "1000.0) AND (document ->> 'end_date_time' IS NULL OR (document ->> 'end_date_time')::timestamptz > "
      "to_timestamp($2::bigint / 1000.0)) AS in_force FROM tariffs "
      "WHERE ($1::text IS NOT NULL AND id = $1) OR ($1::text IS NULL AND is_default)) v "
      "ORDER BY in_force DESC, version DESC LIMIT 1",
      data.tariff_id, row["started_ms"].as<long long>());
  data.tariff_exists = !tariff.empty();
  if (!tariff.empty() && tariff[0][1].as<bool>()) data.tariff_json = tariff[0][0].as<std::string>();

  if (auto start = opt<double>(row["meter_start_wh"])) data.register_wh.emplace_back(data.started_at, *start);
  for (const auto& sample : exec_cached(
           txn_,
           "SELECT csms_ms(sampled_at) AS at_ms, canonical_value FROM meter_samples WHERE transaction_id = "
           "$1 "
           "AND measurand = 'Energy.Active.Import.Register' AND phase = '' AND location = 'Outlet' "
           "AND NOT ('unparseable_value' = ANY (flags)) ORDER BY sampled_at",
           transaction_id))
    data.register_wh.emplace_back(*ms(sample["at_ms"]), sample["canonical_value"].as<double>());
  if (auto stop = opt<double>(row["meter_stop_wh"]); stop && data.stopped_at)
    data.register_wh.emplace_back(*data.stopped_at, *stop);

  // Charging vs connected-but-not-charging: 2.0.1 chargingState, 1.6 connector status.
  auto changes =
      row["protocol"].as<std::string>() == "ocpp2.0.1"
          ? exec_cached(txn_,
                        "SELECT csms_ms(event_at) AS at_ms, charging_state = 'Charging' AS charging "
                        "FROM transaction_events WHERE transaction_id = $1 AND charging_state IS NOT NULL "
                        "ORDER BY event_at, seq_no",
                        transaction_id)
          : exec_cached(txn_,
                        "SELECT csms_ms(status_at) AS at_ms, status NOT IN ('SuspendedEV', "
                        "'SuspendedEVSE', 'Finishing') "
                        // evse_id + 0: through the (station, time) index (see historical_sessions)
                        "AS charging FROM status_history WHERE station_id = $1 AND evse_id + 0 = $2 "
                        "AND status_at >= to_timestamp($3::bigint / 1000.0) "
                        "AND ($4::bigint IS NULL OR status_at < to_timestamp($4::bigint / 1000.0)) ORDER "
                        "BY status_at",
                        row["station_id"].as<std::string>(), row["evse_id"].as<int>(),
                        row["started_ms"].as<long long>(), opt<long long>(row["stopped_ms"]));
  for (const auto& change : changes)
    data.charging_changes.emplace_back(*ms(change["at_ms"]), change["charging"].as<bool>());
  return data;
}

void PgBillingRepository::store_pricing(std::int64_t transaction_id, const std::string& status,
                                        const std::string& detail,
                                        const std::optional<std::string>& cost_json) {
  if (cost_json) {
    exec_cached(txn_,
                "UPDATE transactions SET cost = $2::jsonb, priced_at = now(), pricing_status = 'priced', "
                "pricing_detail = NULL WHERE id = $1",
                transaction_id, *cost_json);
    return;
  }
  exec_cached(
      txn_, "UPDATE transactions SET pricing_status = $2, pricing_detail = $3 WHERE id = $1 AND cost IS NULL",
      transaction_id, status, detail);
}

std::vector<std::int64_t> PgBillingRepository::claim_unpriced(std::size_t limit) {
  std::vector<std::int64_t> ids;
  for (const auto& row :
       exec_cached(txn_,
                   "SELECT id FROM transactions WHERE stopped_at IS NOT NULL AND cost IS NULL "
                   "AND pricing_status IS NULL ORDER BY stopped_at LIMIT $1 "
                   "FOR UPDATE SKIP LOCKED",
                   static_cast<long long>(limit)))
    ids.push_back(row[0].as<std::int64_t>());
  return ids;
}

std::vector<domain::HistoricalSession> PgBillingRepository::historical_sessions(
    domain::Timestamp from, domain::Timestamp to, const std::vector<std::string>& stations,
    std::size_t limit) {
  std::vector<domain::HistoricalSession> out;
  std::map<std::int64_t, std::size_t> index;
  std::optional<std::string> only;
  if (!stations.empty()) only = text_array(stations);
  for (const auto& row : txn_.exec_params(
           "SELECT t.id, t.station_id, coalesce(t.evse_id, 1), t.protocol, csms_ms(t.started_at), "
           "csms_ms(t.stopped_at), t.meter_start_wh, t.meter_stop_wh, s.time_zone, t.cost::text, "
           "c.plan_id IS NOT NULL "
           "FROM transactions t JOIN stations s ON s.id = t.station_id "
           "LEFT JOIN id_tokens k ON k.token = t.id_token LEFT JOIN customers c ON c.id = k.customer_id "
           "WHERE t.started_at >= $1 AND t.started_at < $2 AND t.stopped_at IS NOT NULL "
           "AND ($3::text[] IS NULL OR t.station_id = ANY ($3::text[])) ORDER BY t.started_at, t.id LIMIT $4",
           ts(from), ts(to), only, static_cast<long long>(limit))) {
    domain::HistoricalSession h;
    h.transaction_id = row[0].as<std::int64_t>();
    h.station_id = row[1].as<std::string>();
    h.data.started_at = *ms(row[4]);
    h.data.stopped_at = ms(row[5]);
    h.data.time_zone = row[8].as<std::string>();
    if (auto start = opt<double>(row[6])) h.data.register_wh.emplace_back(h.data.started_at, *start);
    if (auto stop = opt<double>(row[7]); stop && h.data.stopped_at)
      h.data.register_wh.emplace_back(*h.data.stopped_at, *stop);
    h.cost_json = opt<std::string>(row[9]);
    h.subscription = row[10].as<bool>();
    index[h.transaction_id] = out.size();
    out.push_back(std::move(h));
  }
  if (out.empty()) return out;
  std::vector<std::string> ids, evses, starts, stops, station_ids, protocols;
  // The same inputs pricing_data() reads, for all sessions at once.
  for (const auto& h : out) ids.push_back(std::to_string(h.transaction_id));
  for (const auto& row :
       txn_.exec_params("SELECT transaction_id, csms_ms(sampled_at), canonical_value FROM meter_samples "
                        "WHERE transaction_id = ANY ($1::bigint[]) "
                        "AND measurand = 'Energy.Active.Import.Register' "
                        "AND phase = '' AND location = 'Outlet' AND NOT ('unparseable_value' = ANY (flags)) "
                        "ORDER BY transaction_id, sampled_at",
                        text_array(ids))) {
    out[index.at(row[0].as<std::int64_t>())].data.register_wh.emplace_back(*ms(row[1]), row[2].as<double>());
  }
  for (const auto& row :
       txn_.exec_params("SELECT e.transaction_id, csms_ms(e.event_at), e.charging_state = 'Charging' FROM "
                        "transaction_events e "
                        "JOIN transactions t ON t.id = e.transaction_id AND t.protocol = 'ocpp2.0.1' "
                        "WHERE e.transaction_id = ANY ($1::bigint[]) AND e.charging_state IS NOT NULL "
                        "ORDER BY e.transaction_id, e.event_at, e.seq_no",
                        text_array(ids))) {
    out[index.at(row[0].as<std::int64_t>())].data.charging_changes.emplace_back(*ms(row[1]),
                                                                                row[2].as<bool>());
  }
  for (const auto& row : txn_.exec_params(
           // Each session's statuses through the (station, time) index: `evse_id + 0` keeps
           // PostgreSQL off the (station, evse, connector, time) key, where the time range is
           // no bound and every session read its connector's whole history (36 s for a
           // quarter of 500 stations, 3 s this way).
           "SELECT t.id, csms_ms(h.status_at), h.status NOT IN ('SuspendedEV', 'SuspendedEVSE', 'Finishing') "
           "FROM transactions t CROSS JOIN LATERAL (SELECT h.status_at, h.status FROM status_history h "
           "WHERE h.station_id = t.station_id AND h.evse_id + 0 = coalesce(t.evse_id, 1) "
           "AND h.status_at >= t.started_at AND h.status_at < t.stopped_at OFFSET 0) h "
           "WHERE t.id = ANY ($1::bigint[]) AND t.protocol <> 'ocpp2.0.1' ORDER BY t.id, h.status_at",
           text_array(ids))) {
    out[index.at(row[0].as<std::int64_t>())].data.charging_changes.emplace_back(*ms(row[1]),
                                                                                row[2].as<bool>());
  }
  // pricing_data() puts the readings in time order; the samples came after the start here.
  for (auto& h : out) std::sort(h.data.register_wh.begin(), h.data.register_wh.end());
  return out;
}

std::optional<std::string> PgBillingRepository::find_invoice(const std::string& customer_id,
                                                             const std::string& month) {
  txn_.exec_params("SELECT pg_advisory_xact_lock(hashtext('invoice:' || $1 || ':' || $2))", customer_id,
                   month);
  auto rows = txn_.exec_params(
      "SELECT csms_invoice_json(i)::text FROM invoices i WHERE i.customer_id = $1 AND i.month = $2",
      customer_id, month);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::optional<domain::InvoiceBasis> PgBillingRepository::invoice_basis(const std::string& customer_id,
                                                                       const std::string& month) {
  auto customer = txn_.exec_params(
      "SELECT c.name, c.time_zone, p.document::text, "
      "csms_ms(($2 || '-01')::timestamp AT TIME ZONE c.time_zone), "
      "csms_ms((($2 || '-01')::date + interval '1 month')::timestamp AT TIME ZONE c.time_zone), "
      "(SELECT t.document ->> 'vat_percent' FROM tariffs t WHERE t.is_default AND NOT t.deleted "
      " ORDER BY t.version DESC LIMIT 1) "
      "FROM customers c LEFT JOIN plans p ON p.id = c.plan_id WHERE c.id = $1",
      customer_id, month);
  if (customer.empty()) return std::nullopt;
  domain::InvoiceBasis basis;
  basis.customer_name = customer[0][0].is_null() ? customer_id : customer[0][0].as<std::string>();
  basis.time_zone = customer[0][1].as<std::string>();
  basis.plan_json = opt<std::string>(customer[0][2]);
  basis.from = *ms(customer[0][3]);
  basis.to = *ms(customer[0][4]);
  basis.fee_vat_percent = opt<std::string>(customer[0][5]);
  for (const auto& row : txn_.exec_params("SELECT t.id, t.station_id, t.id_token FROM transactions t JOIN "
                                          "id_tokens k ON k.token = t.id_token "
                                          "WHERE k.customer_id = $1 AND t.started_at >= $2 AND t.started_at "
                                          "< $3 AND t.stopped_at IS NOT NULL "
                                          "ORDER BY t.started_at, t.id",
                                          customer_id, ts(basis.from), ts(basis.to))) {
    basis.sessions.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>()});
  }
  return basis;
}

std::string PgBillingRepository::issue_invoice(const std::string& customer_id, const std::string& month,
                                               const std::string& currency, const std::string& document_json,
                                               int year) {
  auto number = txn_.exec_params1(
                        "INSERT INTO invoice_counters (year, last) VALUES ($1, 1) "
                        "ON CONFLICT (year) DO UPDATE SET last = invoice_counters.last + 1 RETURNING last",
                        year)[0]
                    .as<long long>();
  char text[32];
  std::snprintf(text, sizeof text, "INV-%04d-%06lld", year, number);
  return txn_
      .exec_params1(
          "INSERT INTO invoices (number, customer_id, month, currency, document) VALUES ($1, $2, $3, $4, "
          "$5::jsonb) "
          "RETURNING csms_invoice_json(invoices.*)::text",
          std::string(text), customer_id, month, currency, document_json)[0]
      .as<std::string>();
}

std::optional<std::string> PgBillingRepository::get_invoice(std::int64_t id) {
  auto rows = txn_.exec_params("SELECT csms_invoice_json(i)::text FROM invoices i WHERE i.id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::string PgBillingRepository::list_invoices(const std::optional<std::string>& customer,
                                               const domain::Page& page) {
  auto rows = txn_.exec_params(
      "SELECT (csms_invoice_json(i) - 'items')::text AS doc, i.id AS cursor FROM invoices i "
      "WHERE ($1::text IS NULL OR i.customer_id = $1) AND ($2::bigint IS NULL OR i.id > $2) "
      "ORDER BY i.id LIMIT $3",
      customer, page.cursor.empty() ? std::nullopt : std::optional(page.cursor), page.limit + 1);
  return page_json(rows, page);
}

std::string PgBillingRepository::cdrs(domain::Timestamp from, domain::Timestamp to,
                                      const domain::Page& page) {
  // Keyset on (stopped_at, id): the cursor's own stop time is looked up, so a cursor naming
  // no ended transaction yields an empty page.
  auto rows = txn_.exec_params(
      "SELECT csms_cdr_json(t, k.customer_id)::text AS doc, t.id AS cursor "
      "FROM transactions t LEFT JOIN id_tokens k ON k.token = t.id_token "
      "WHERE t.stopped_at >= $1 AND t.stopped_at < $2 AND ($3::bigint IS NULL OR "
      "(t.stopped_at, t.id) > (SELECT c.stopped_at, c.id FROM transactions c WHERE c.id = $3::bigint)) "
      "ORDER BY t.stopped_at, t.id LIMIT $4",
      ts(from), ts(to), page.cursor.empty() ? std::nullopt : std::optional(page.cursor), page.limit + 1);
  return page_json(rows, page);
}

}  // namespace csms::store
