// Firmware images and file transfers (migrations/0032_file_transfers.sql).

#include "repositories.hpp"

#include "pg.hpp"

namespace csms::store {

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
      numeric_cursor(page), page.limit + 1);
  return page_json(rows, page);
}

std::optional<std::optional<std::string>> PgOperationsRepository::firmware_expected_sha256(std::int64_t id) {
  auto rows = txn_.exec_params("SELECT expected_sha256 FROM firmware_images WHERE id = $1 FOR UPDATE", id);
  if (rows.empty()) return std::nullopt;
  return opt<std::string>(rows[0][0]);
}

void PgOperationsRepository::set_firmware_image(std::int64_t id, const std::string& sha256,
                                                std::int64_t size) {
  txn_.exec_params(
      "UPDATE firmware_images SET sha256 = $2, size_bytes = $3, uploaded_at = now() WHERE id = $1", id,
      sha256, size);
}

bool PgOperationsRepository::firmware_sent(std::int64_t id) {
  return !txn_.exec_params("SELECT 1 FROM file_transfers WHERE firmware_id = $1 LIMIT 1", id).empty();
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
  // In a range of their own, apart from the request ids the server numbers its other calls
  // with (from 1), so a status for one of those never moves a transfer.
  txn_.exec_params("UPDATE file_transfers SET request_id = $2 + id WHERE id = $1", id,
                   domain::kFileTransferRequestIds);
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
      station, kind, numeric_cursor(page), page.limit + 1);
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

namespace csms::store {

domain::JobCreated PgOperationsRepository::create_job(const domain::NewJob& job) {
  domain::JobCreated out;
  if (job.stations) {
    for (const auto& row : txn_.exec_params(
             "SELECT s FROM unnest($1::text[]) AS s WHERE NOT EXISTS (SELECT 1 FROM stations WHERE id = s)",
             text_array(*job.stations)))
      out.unknown_stations.push_back(row[0].as<std::string>());
    if (!out.unknown_stations.empty()) return out;
  }
  auto id =
      txn_.exec_params1(
              "INSERT INTO jobs (command, body, concurrency, wave_size, max_failure_percent, max_attempts, "
              "deadline, created_by) VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8) RETURNING id",
              job.command, job.body_json, job.concurrency, job.wave_size, job.max_failure_percent,
              job.max_attempts, ts(job.deadline), job.created_by)[0]
          .as<std::int64_t>();
  // Waves in the order of the list as given (else of the station ids).
  txn_.exec_params(
      "INSERT INTO job_stations (job_id, station_id, wave) "
      "SELECT $1, s.id, (row_number() OVER (ORDER BY coalesce(l.ord, 0), s.id) - 1) / coalesce($2, "
      "2147483647) "
      "FROM stations s LEFT JOIN unnest($3::text[]) WITH ORDINALITY AS l(id, ord) ON l.id = s.id "
      "WHERE ($3::text[] IS NULL OR l.id IS NOT NULL) "
      "AND ($4::jsonb->>'protocol' IS NULL OR s.protocol = $4::jsonb->>'protocol') "
      "AND ($4::jsonb->>'vendor' IS NULL OR s.vendor = $4::jsonb->>'vendor') "
      "AND ($4::jsonb->>'model' IS NULL OR s.model = $4::jsonb->>'model') "
      "AND ($4::jsonb->>'firmware_version' IS NULL OR s.firmware_version = $4::jsonb->>'firmware_version') "
      "AND ($4::jsonb->'online' IS NULL OR s.online = ($4::jsonb->>'online')::boolean) "
      // A site as the analytics know it: the stations' location, else name.
      "AND ($4::jsonb->>'site' IS NULL OR csms_site_of(s) = $4::jsonb->>'site')",
      id, job.wave_size, job.stations ? std::optional<std::string>(text_array(*job.stations)) : std::nullopt,
      job.filter_json);
  out.doc = get_job(id);
  return out;
}

std::optional<std::string> PgOperationsRepository::get_job(std::int64_t id) {
  auto rows = txn_.exec_params("SELECT csms_job_json(j)::text FROM jobs j WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::string PgOperationsRepository::list_jobs(const std::optional<std::string>& state,
                                              const domain::Page& page) {
  auto rows = txn_.exec_params(
      "SELECT csms_job_json(j)::text AS doc, j.id AS cursor FROM jobs j "
      "WHERE ($1::text IS NULL OR j.state = $1) AND ($2::bigint IS NULL OR j.id < $2) ORDER BY j.id DESC "
      "LIMIT $3",
      state, numeric_cursor(page), page.limit + 1);
  return page_json(rows, page);
}

std::optional<std::string> PgOperationsRepository::list_job_stations(std::int64_t id,
                                                                     const std::optional<std::string>& state,
                                                                     const domain::Page& page) {
  if (txn_.exec_params("SELECT 1 FROM jobs WHERE id = $1", id).empty()) return std::nullopt;
  // The cursor is the last station id of the page before.
  auto rows = txn_.exec_params(
      "SELECT csms_job_station_json(s)::text AS doc, s.station_id AS cursor FROM job_stations s "
      "WHERE s.job_id = $1 AND ($2::text IS NULL OR s.state = $2) AND ($3::text IS NULL OR s.station_id > "
      "$3) "
      "ORDER BY s.station_id LIMIT $4",
      id, state, page.cursor.empty() ? std::nullopt : std::optional<std::string>(page.cursor),
      page.limit + 1);
  return page_json(rows, page);
}

domain::WriteResult PgOperationsRepository::cancel_job(std::int64_t id) {
  auto rows = txn_.exec_params("SELECT state FROM jobs WHERE id = $1 FOR UPDATE", id);
  if (rows.empty()) return domain::WriteResult::NotFound;
  if (rows[0][0].as<std::string>() != "running") return domain::WriteResult::Conflict;
  txn_.exec_params(
      "UPDATE jobs SET state = 'cancelled', detail = 'cancelled', finished_at = now(), updated_at = now() "
      "WHERE id = $1",
      id);
  // What was sent keeps its outcome; what was not is not sent.
  txn_.exec_params(
      "UPDATE job_stations SET state = 'cancelled', detail = 'the job was cancelled', updated_at = now() "
      "WHERE job_id = $1 AND state IN ('pending', 'waiting')",
      id);
  return domain::WriteResult::Done;
}

std::vector<domain::JobWork> PgOperationsRepository::advance_jobs(int limit) {
  // One node at a time moves the jobs on (the others skip this round): concurrency is counted
  // and claimed under this lock, and the shared updates never meet each other.
  if (!exec_cached(txn_, "SELECT pg_try_advisory_xact_lock(hashtext('csms_jobs'))")[0][0].as<bool>())
    return {};
  // Most seconds nothing is under way: nothing more to read or write.
  if (!exec_cached(txn_,
                   "SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 'running') OR EXISTS (SELECT 1 FROM "
                   "job_stations WHERE state IN ('sending', 'running'))")[0][0]
           .as<bool>())
    return {};
  // Accepted commands whose file transfer has ended take its outcome.
  exec_cached(
      txn_,
      "UPDATE job_stations js SET state = CASE WHEN t.state = 'succeeded' THEN 'succeeded' ELSE 'failed' "
      "END, status = t.status, updated_at = now() FROM file_transfers t "
      "WHERE js.state = 'running' AND t.id = js.file_transfer_id AND t.state IN ('succeeded', 'failed')");
  // A node that died between sending and recording the answer: sent again.
  exec_cached(
      txn_,
      "UPDATE job_stations js SET state = CASE WHEN j.state = 'running' THEN 'pending' ELSE 'cancelled' END, "
      "updated_at = now() FROM jobs j WHERE j.id = js.job_id AND js.state = 'sending' "
      "AND js.updated_at < now() - interval '10 minutes'");
  exec_cached(txn_,
              "UPDATE job_stations js SET state = 'failed', detail = 'the job''s deadline passed', "
              "updated_at = now() FROM jobs j WHERE j.id = js.job_id AND j.state = 'running' "
              "AND j.deadline <= now() AND js.state IN ('pending', 'waiting', 'running')");
  // A finished wave with too many failures halts the rollout.
  exec_cached(
      txn_,
      "WITH w AS (SELECT js.job_id, js.wave, count(*) AS n, count(*) FILTER (WHERE js.state = 'failed') "
      "  AS f FROM job_stations js JOIN jobs j ON j.id = js.job_id "
      "  WHERE j.state = 'running' AND j.max_failure_percent IS NOT NULL GROUP BY 1, 2 "
      "  HAVING bool_and(js.state IN ('succeeded', 'failed', 'cancelled'))), "
      "h AS (UPDATE jobs j SET state = 'halted', finished_at = now(), updated_at = now(), "
      "  detail = format('wave %s: %s of %s stations failed (more than %s%%)', w.wave + 1, w.f, w.n, "
      "  j.max_failure_percent) FROM w WHERE j.id = w.job_id AND j.state = 'running' "
      "  AND w.f * 100 > j.max_failure_percent * w.n RETURNING j.id) "
      "UPDATE job_stations SET state = 'cancelled', detail = 'the rollout was halted', updated_at = now() "
      "WHERE job_id IN (SELECT id FROM h) AND state IN ('pending', 'waiting')");
  exec_cached(txn_,
              "UPDATE jobs SET state = 'completed', finished_at = now(), updated_at = now() "
              "WHERE state = 'running' AND NOT EXISTS (SELECT 1 FROM job_stations WHERE job_id = jobs.id "
              "AND state IN ('pending', 'sending', 'waiting', 'running'))");
  // The current wave of each running job: its pending stations, and its waiting ones that
  // are connected again, up to the job's concurrency less what is in flight.
  std::vector<domain::JobWork> work;
  for (const auto& row : exec_cached(
           txn_,
           "WITH cur AS (SELECT j.id, j.concurrency, min(js.wave) AS wave, "
           "  count(*) FILTER (WHERE js.state IN ('sending', 'running')) AS inflight "
           "  FROM jobs j JOIN job_stations js ON js.job_id = j.id "
           "  WHERE j.state = 'running' AND js.state IN ('pending', 'sending', 'waiting', 'running') GROUP "
           "BY j.id), "
           "pick AS (SELECT p.job_id, p.station_id FROM cur CROSS JOIN LATERAL ("
           "  SELECT js.job_id, js.station_id FROM job_stations js JOIN stations s ON s.id = js.station_id "
           "  WHERE js.job_id = cur.id AND js.wave = cur.wave "
           "  AND (js.state = 'pending' OR (js.state = 'waiting' AND s.online AND s.connected_at > "
           "js.updated_at)) "
           "  ORDER BY js.station_id LIMIT greatest(cur.concurrency - cur.inflight, 0) "
           "  FOR UPDATE OF js SKIP LOCKED) p LIMIT $1) "
           "UPDATE job_stations js SET state = 'sending', attempts = js.attempts + 1, updated_at = now() "
           "FROM pick, jobs j WHERE js.job_id = pick.job_id AND js.station_id = pick.station_id AND j.id = "
           "js.job_id "
           "RETURNING js.job_id, js.station_id, j.command, j.body::text, js.attempts, j.max_attempts",
           limit)) {
    domain::JobWork w;
    w.job_id = row[0].as<std::int64_t>();
    w.station_id = row[1].as<std::string>();
    w.command = row[2].as<std::string>();
    w.body_json = row[3].as<std::string>();
    w.attempts = row[4].as<int>();
    w.max_attempts = row[5].as<int>();
    work.push_back(std::move(w));
  }
  return work;
}

void PgOperationsRepository::job_station_result(std::int64_t job_id, const std::string& station_id,
                                                const std::string& state,
                                                const std::optional<std::string>& status,
                                                const std::optional<std::string>& detail,
                                                std::optional<std::int64_t> file_transfer_id) {
  exec_cached(txn_,
              "UPDATE job_stations SET state = $3, status = $4, detail = $5, "
              "file_transfer_id = coalesce($6, file_transfer_id), updated_at = now() "
              "WHERE job_id = $1 AND station_id = $2 AND state = 'sending'",
              job_id, station_id, state, status, detail, file_transfer_id);
}

}  // namespace csms::store
