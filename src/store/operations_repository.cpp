// Firmware images and file transfers (migrations/0032_file_transfers.sql).

#include "repositories.hpp"

#include "pg.hpp"

namespace csms::store {

namespace {
std::optional<long long> cursor_of(const domain::Page& page) {
  if (page.cursor.empty()) return std::nullopt;
  return std::stoll(page.cursor);
}
}  // namespace

std::optional<std::string> PgOperationsRepository::create_firmware(const std::string& fields_json) {
  auto rows = txn_.exec_params(
      "INSERT INTO firmware_images AS f (version, file_name, vendor, model, signing_certificate, signature, "
      "expected_sha256) "
      "SELECT b->>'version', b->>'file_name', b->>'vendor', b->>'model', b->>'signing_certificate', "
      "b->>'signature', lower(b->>'sha256') FROM (SELECT $1::jsonb AS b) x "
      "ON CONFLICT (version) DO NOTHING RETURNING csms_firmware_json(f)::text",
      fields_json);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::optional<std::string> PgOperationsRepository::get_firmware(std::int64_t id) {
  auto rows = txn_.exec_params("SELECT csms_firmware_json(f)::text FROM firmware_images f WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::string PgOperationsRepository::list_firmware(const domain::Page& page) {
  auto rows = txn_.exec_params(
      "SELECT csms_firmware_json(f)::text AS doc, f.id AS cursor FROM firmware_images f "
      "WHERE ($1::bigint IS NULL OR f.id > $1) ORDER BY f.id LIMIT $2",
      cursor_of(page), page.limit + 1);
  return page_json(rows, page);
}

std::optional<std::optional<std::string>> PgOperationsRepository::firmware_expected_sha256(std::int64_t id) {
  auto rows = txn_.exec_params("SELECT expected_sha256 FROM firmware_images WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  return opt<std::string>(rows[0][0]);
}

void PgOperationsRepository::set_firmware_image(std::int64_t id, const std::string& sha256,
                                                std::int64_t size) {
  txn_.exec_params(
      "UPDATE firmware_images SET sha256 = $2, size_bytes = $3, uploaded_at = now() WHERE id = $1", id,
      sha256, size);
}

domain::WriteResult PgOperationsRepository::delete_firmware(std::int64_t id) {
  if (txn_.exec_params("SELECT 1 FROM firmware_images WHERE id = $1 FOR UPDATE", id).empty())
    return domain::WriteResult::NotFound;
  if (!txn_.exec_params("SELECT 1 FROM file_transfers WHERE firmware_id = $1 LIMIT 1", id).empty())
    return domain::WriteResult::Conflict;
  txn_.exec_params("DELETE FROM firmware_images WHERE id = $1", id);
  return domain::WriteResult::Done;
}

std::int64_t PgOperationsRepository::create_file_transfer(const domain::NewFileTransfer& t) {
  // Its id is the request id of the command that starts it (2.0.1 and the 1.6 security
  // extension send it back with each status).
  auto row = txn_.exec_params1(
      "INSERT INTO file_transfers (station_id, kind, firmware_id, token_sha256, expires_at, created_by) "
      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      t.station_id, t.kind, t.firmware_id, t.token_sha256, ts(t.expires_at), t.created_by);
  auto id = row[0].as<std::int64_t>();
  txn_.exec_params("UPDATE file_transfers SET request_id = $1 WHERE id = $1", id);
  return id;
}

void PgOperationsRepository::file_transfer_sent(std::int64_t id, const std::string& state,
                                                const std::optional<std::string>& status) {
  // A status that came before the answer was processed stays.
  txn_.exec_params(
      "UPDATE file_transfers SET state = CASE WHEN state = 'pending' THEN $2 ELSE state END, "
      "status = coalesce(status, $3), updated_at = now() WHERE id = $1",
      id, state, status);
}

std::optional<domain::FileTransferAccess> PgOperationsRepository::find_file_transfer(
    const std::string& token_sha256) {
  auto rows = txn_.exec_params(
      "SELECT t.id, t.station_id, t.kind, t.firmware_id, coalesce(f.file_name, '') AS file_name, "
      "csms_ts(t.expires_at) AS expires_at, f.uploaded_at IS NOT NULL AS ready "
      "FROM file_transfers t LEFT JOIN firmware_images f ON f.id = t.firmware_id WHERE t.token_sha256 = $1",
      token_sha256);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  domain::FileTransferAccess access;
  access.id = r["id"].as<std::int64_t>();
  access.station_id = r["station_id"].as<std::string>();
  access.kind = r["kind"].as<std::string>();
  access.firmware_id = opt<std::int64_t>(r["firmware_id"]);
  access.file_name = r["file_name"].as<std::string>();
  access.expires_at = domain::parse_timestamp(r["expires_at"].as<std::string>(), false).value();
  access.image_ready = r["ready"].as<bool>();
  return access;
}

void PgOperationsRepository::count_download(std::int64_t id) {
  txn_.exec_params("UPDATE file_transfers SET downloads = downloads + 1, updated_at = now() WHERE id = $1",
                   id);
}

void PgOperationsRepository::record_upload(std::int64_t id, const std::string& file_name, std::int64_t size,
                                           const std::string& sha256) {
  txn_.exec_params(
      "UPDATE file_transfers SET file_name = $2, size_bytes = $3, sha256 = $4, received_at = now(), "
      "updated_at = now() WHERE id = $1",
      id, file_name, size, sha256);
}

std::optional<std::string> PgOperationsRepository::get_file_transfer(std::int64_t id) {
  auto rows = txn_.exec_params("SELECT csms_transfer_json(t)::text FROM file_transfers t WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::string PgOperationsRepository::list_file_transfers(const std::optional<std::string>& station,
                                                        const std::optional<std::string>& kind,
                                                        const domain::Page& page) {
  // Newest first.
  auto rows = txn_.exec_params(
      "SELECT csms_transfer_json(t)::text AS doc, t.id AS cursor FROM file_transfers t "
      "WHERE ($1::text IS NULL OR t.station_id = $1) AND ($2::text IS NULL OR t.kind = $2) "
      "AND ($3::bigint IS NULL OR t.id < $3) ORDER BY t.id DESC LIMIT $4",
      station, kind, cursor_of(page), page.limit + 1);
  return page_json(rows, page);
}

std::vector<std::string> PgOperationsRepository::variable_values(const std::string& station_id,
                                                                 const std::string& variable) {
  std::vector<std::string> values;
  for (const auto& row : txn_.exec_params("SELECT value FROM station_variables WHERE station_id = $1 AND "
                                          "variable = $2 AND value IS NOT NULL "
                                          "AND attribute_type = 'Actual'",
                                          station_id, variable))
    values.push_back(row[0].as<std::string>());
  return values;
}

}  // namespace csms::store
