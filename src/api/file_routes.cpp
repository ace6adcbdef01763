// Firmware images and file transfers through this server (issue 16).
//
// An operator uploads an image (POST /api/v1/firmware for its metadata, PUT
// /api/v1/firmware/{id}/image for its bytes: stored under files.dir with their SHA-256).
// `update-firmware` {"firmware_id"} and `get-diagnostics` without a "location" start a file
// transfer: the station gets a URL of this server's file endpoint, /files/{token}/..., whose
// random token only it was given and which works until the transfer's expiry. A station
// downloads the image from it (GET) or uploads its log to it (PUT, or POST with the file as
// the body or as multipart/form-data); an upload is downloadable at
// /api/v1/file-transfers/{id}/content. Wrong tokens get 404, expired ones 403.

#include <openssl/rand.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "command_support.hpp"
#include "csms/api/api.hpp"
#include "csms/domain/time.hpp"
#include "hex.hpp"
#include "http_support.hpp"

namespace csms::api {

using namespace detail;
namespace fs = std::filesystem;

namespace {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return to_hex(digest, sizeof digest);
}

std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness for a file token");
  return to_hex(bytes, sizeof bytes);
}

// Written whole or not at all: a reader never sees half a file.
void write_atomically(const fs::path& path, std::string_view data) {
  fs::create_directories(path.parent_path());
  auto partial = path;
  partial += ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out) throw std::runtime_error("could not write " + partial.string());
  }
  fs::rename(partial, path);
}

// A file name as given by a station, reduced to what is safe to show and store.
std::string safe_name(std::string_view name) {
  std::string out;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') out += c;
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  if (out.size() > 128) out.resize(128);
  return out.empty() ? "upload" : out;
}

std::string header(const HttpRequest& request, const std::string& name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? std::string() : it->second;
}

// Where a multipart/form-data body's first part that carries a file (or its first part) is:
// its file name (maybe empty) and the span of its bytes. nullopt: not multipart, or malformed.
struct FormFile {
  std::string name;
  std::size_t offset = 0;
  std::size_t size = 0;
};
std::optional<FormFile> multipart_file(const std::string& content_type, const std::string& body) {
  auto lower = content_type;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!lower.starts_with("multipart/form-data")) return std::nullopt;
  auto at = lower.find("boundary=");
  if (at == std::string::npos) return std::nullopt;
  std::string boundary = content_type.substr(at + 9);
  if (auto end = boundary.find(';'); end != std::string::npos) boundary.resize(end);
  if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"')
    boundary = boundary.substr(1, boundary.size() - 2);
  if (boundary.empty()) return std::nullopt;
  const std::string delimiter = "--" + boundary;
  std::optional<FormFile> first;
  std::size_t pos = body.find(delimiter);
  while (pos != std::string::npos) {
    pos += delimiter.size();
    if (body.compare(pos, 2, "--") == 0) break;  // the closing delimiter
    auto headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string::npos) return first;
    auto next = body.find("\r\n" + delimiter, headers_end + 4);
    if (next == std::string::npos) return first;
    std::string_view part_headers(body.data() + pos, headers_end - pos);
    FormFile part{{}, headers_end + 4, next - headers_end - 4};
    if (auto f = part_headers.find("filename=\""); f != std::string_view::npos) {
      auto close = part_headers.find('"', f + 10);
      if (close != std::string_view::npos)
        part.name = std::string(part_headers.substr(f + 10, close - f - 10));
      return part;
    }
    if (!first) first = part;
    pos = next + 2;
  }
  return first;
}

bool supports_http(const std::vector<std::string>& protocols) {
  for (const auto& value : protocols) {
    auto upper = value;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    if (upper.find("HTTP") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::size_t Api::upload_limit(const std::string& method, const std::string& target,
                              const std::string& authorization) const {
  if (method != "PUT" && method != "POST") return 0;
  // A station's upload: only to what looks like one of our tokens (the token itself is
  // checked once the body is there: that needs the database).
  if (target.starts_with("/files/")) {
    auto token = std::string_view(target).substr(7);
    token = token.substr(0, token.find('/'));
    return token.size() == 64 && token.find_first_not_of("0123456789abcdef") == std::string_view::npos
               ? settings_.max_upload_bytes
               : 0;
  }
  // An image: only from an admin token.
  if (target.starts_with("/api/v1/firmware/") && method == "PUT" && authorization.starts_with("Bearer ")) {
    auto found = find_token(settings_.tokens, std::string_view(authorization).substr(7));
    return found && found->role == Role::Admin ? settings_.max_upload_bytes : 0;
  }
  return 0;
}

fs::path Api::firmware_path(std::int64_t id) const {
  return fs::path(settings_.files_dir) / "firmware" / std::to_string(id);
}

fs::path Api::upload_path(std::int64_t id) const {
  return fs::path(settings_.files_dir) / "uploads" / std::to_string(id);
}

void Api::handle_file_endpoint(const std::vector<std::string>& seg, HttpRequest request,
                               std::function<void(HttpResponse)> respond) {
  if (seg.size() < 2 || seg.size() > 3) throw HttpError(404, "no such file");
  const auto& method = request.method;
  const bool upload = method == "PUT" || method == "POST";
  if (method != "GET" && !upload) throw HttpError(405, method + " is not allowed here");
  auto token_hash = sha256_hex(seg[1]);
  auto given_name = seg.size() == 3 ? seg[2] : std::string();
  auto found = std::make_shared<std::optional<domain::FileTransferAccess>>();
  // The body moves along, never copied (it may be hundreds of MiB).
  auto shared_request = std::make_shared<HttpRequest>(std::move(request));
  db_.run(
      [token_hash, found](domain::Repositories& repos) {
        *found = repos.operations().find_file_transfer(token_hash);
      },
      [this, found, upload, given_name, shared_request, respond](std::exception_ptr error) {
        if (error) return respond(problem(503, "the database is unavailable; try again later"));
        const auto& access = *found;
        if (!access || (upload != (access->kind == "log"))) return respond(problem(404, "no such file"));
        if (access->expires_at <= clock_.now()) return respond(problem(403, "this link has expired"));
        const auto id = access->id;
        if (!upload) {
          if (!access->image_ready || !access->firmware_id) return respond(problem(404, "no such file"));
          HttpResponse file{
              200, "application/octet-stream", {}, {}, nullptr, firmware_path(*access->firmware_id).string()};
          file.headers["Content-Disposition"] = "attachment; filename=\"" + access->file_name + "\"";
          return db_.run([id](domain::Repositories& repos) { repos.operations().count_download(id); },
                         [file = std::move(file), respond](std::exception_ptr) { respond(file); });
        }
        // An upload: the body, or the file part of a form.
        run_blocking(
            [this, id, given_name, shared_request, respond] {
              std::string name = given_name;
              std::string_view bytes = shared_request->body;
              if (auto form = multipart_file(header(*shared_request, "content-type"), shared_request->body)) {
                if (!form->name.empty()) name = form->name;
                bytes = bytes.substr(form->offset, form->size);
              }
              name = safe_name(name);
              auto digest = sha256_hex(bytes);
              auto size = static_cast<std::int64_t>(bytes.size());
              try {
                write_atomically(upload_path(id), bytes);
              } catch (const std::exception& e) {
                spdlog::error("file transfer {}: the upload could not be stored: {}", id, e.what());
                return respond(problem(500, "the upload could not be stored"));
              }
              db_.run(
                  [id, name, size, digest](domain::Repositories& repos) {
                    repos.operations().record_upload(id, name, size, digest);
                  },
                  [respond, name, size, digest](std::exception_ptr stored) {
                    if (stored)
                      return respond(problem(503, "the upload could not be recorded; send it again"));
                    respond(json_response(
                        201, json{{"file_name", name}, {"size_bytes", size}, {"sha256", digest}}.dump()));
                  });
            },
            respond);
      });
}

void Api::handle_firmware(const std::vector<std::string>& seg, const Target& target, HttpRequest request,
                          std::function<void(HttpResponse)> respond) {
  const auto& method = request.method;
  const auto depth = seg.size();
  auto ops = [this, respond](std::function<HttpResponse(domain::OperationsRepository&)> work) {
    run_unit([work = std::move(work)](domain::Repositories& repos) { return work(repos.operations()); },
             respond);
  };
  if (depth == 3 && method == "GET") {
    auto page = page_of(target);
    require_numeric_cursor(page);
    return ops(
        [page](domain::OperationsRepository& repo) { return json_response(200, repo.list_firmware(page)); });
  }
  if (depth == 3 && method == "POST") {
    auto body = parse_body(request);
    check_known(body,
                {"version", "file_name", "vendor", "model", "signing_certificate", "signature", "sha256"});
    for (const char* key : {"version", "file_name"})
      if (!body.contains(key) || !body[key].is_string() || body[key].get<std::string>().empty())
        throw HttpError(400, std::string(key) + " is required");
    expect_string(body, "version", 50);
    expect_string(body, "file_name", 128);
    if (safe_name(body["file_name"].get<std::string>()) != body["file_name"].get<std::string>())
      throw HttpError(400, "file_name may hold letters, digits, '.', '-' and '_' only");
    expect_string(body, "vendor", 50);
    expect_string(body, "model", 50);
    expect_string(body, "signing_certificate", 5500);
    expect_string(body, "signature", 800);
    expect_string(body, "sha256", 64);
    if (body.contains("signing_certificate") != body.contains("signature"))
      throw HttpError(400, "signing_certificate and signature go together");
    if (body.contains("sha256") && body["sha256"].is_string()) {
      auto text = body["sha256"].get<std::string>();
      if (text.size() != 64 || text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        throw HttpError(400, "sha256 must be 64 hexadecimal digits");
    }
    auto version = body["version"].get<std::string>();
    return ops([fields = body.dump(), version](domain::OperationsRepository& repo) {
      auto doc = repo.create_firmware(fields);
      return doc ? json_response(201, *doc) : problem(409, "firmware " + version + " exists");
    });
  }
  if (depth < 4) throw HttpError(405, method + " is not allowed here");
  const auto id = id_in_path(seg[3], "firmware image " + seg[3] + " not found");
  if (depth == 4 && method == "GET")
    return ops([id](domain::OperationsRepository& repo) {
      auto doc = repo.get_firmware(id);
      return doc ? json_response(200, *doc) : problem(404, "firmware image not found");
    });
  if (depth == 4 && method == "DELETE") {
    auto result = std::make_shared<domain::WriteResult>(domain::WriteResult::NotFound);
    return db_.run(
        [id, result](domain::Repositories& repos) { *result = repos.operations().delete_firmware(id); },
        [this, id, result, respond](std::exception_ptr error) {
          if (error) return respond(problem(503, "the database is unavailable; try again later"));
          if (*result == domain::WriteResult::Conflict)
            return respond(problem(409, "stations were sent this image; it stays for their record"));
          if (*result == domain::WriteResult::Done) {
            // Only once the row is gone for good.
            std::error_code ignored;
            fs::remove(firmware_path(id), ignored);
          }
          respond(write_result(*result, "firmware image", std::nullopt, 204));
        });
  }
  if (depth == 5 && seg[4] == "image" && method == "GET")
    return ops([this, id](domain::OperationsRepository& repo) {
      auto doc = repo.get_firmware(id);
      if (!doc) return problem(404, "firmware image not found");
      auto image = json::parse(*doc);
      if (!image.value("uploaded", false)) return problem(404, "the image's bytes are not uploaded yet");
      HttpResponse file{200, "application/octet-stream", {}, {}, nullptr, firmware_path(id).string()};
      file.headers["Content-Disposition"] =
          "attachment; filename=\"" + image["file_name"].get<std::string>() + "\"";
      return file;
    });
  if (depth == 5 && seg[4] == "image" && method == "PUT") {
    if (request.body.empty()) throw HttpError(400, "the body is the image's bytes; it is empty");
    auto expected = std::make_shared<std::optional<std::optional<std::string>>>();
    auto request_copy = std::make_shared<HttpRequest>(std::move(request));
    auto sent = std::make_shared<bool>(false);
    return db_.run(
        [id, expected, sent](domain::Repositories& repos) {
          *expected = repos.operations().firmware_expected_sha256(id);
          *sent = *expected && repos.operations().firmware_sent(id);
        },
        [this, id, expected, sent, request_copy, respond](std::exception_ptr error) {
          if (error) return respond(problem(503, "the database is unavailable; try again later"));
          if (!*expected) return respond(problem(404, "firmware image not found"));
          if (*sent)
            return respond(problem(409, "stations were sent this image; upload it as a new version"));
          run_blocking(
              [this, id, expected, request_copy, respond] {
                const auto& bytes = request_copy->body;
                auto digest = sha256_hex(bytes);
                if (**expected && ***expected != digest)
                  return respond(problem(422, "the image's SHA-256 is " + digest + ", not the " +
                                                  ***expected + " its metadata gave"));
                try {
                  write_atomically(firmware_path(id), bytes);
                } catch (const std::exception& e) {
                  spdlog::error("firmware {}: the image could not be stored: {}", id, e.what());
                  return respond(problem(500, "the image could not be stored"));
                }
                auto doc = std::make_shared<std::optional<std::string>>();
                db_.run(
                    [id, digest, size = static_cast<std::int64_t>(bytes.size()),
                     doc](domain::Repositories& repos) {
                      repos.operations().set_firmware_image(id, digest, size);
                      *doc = repos.operations().get_firmware(id);
                    },
                    [doc, respond](std::exception_ptr stored) {
                      if (stored || !*doc)
                        return respond(problem(503, "the image could not be recorded; send it again"));
                      respond(json_response(200, **doc));
                    });
              },
              respond);
        });
  }
  throw HttpError(depth <= 5 ? 405 : 404, method + " is not allowed here");
}

void Api::handle_file_transfers(const std::vector<std::string>& seg, const Target& target,
                                const HttpRequest& request, std::function<void(HttpResponse)> respond) {
  if (request.method != "GET") throw HttpError(405, request.method + " is not allowed here");
  auto ops = [this, respond](std::function<HttpResponse(domain::OperationsRepository&)> work) {
    run_unit([work = std::move(work)](domain::Repositories& repos) { return work(repos.operations()); },
             respond);
  };
  if (seg.size() == 3) {
    auto station = target.param("station");
    auto kind = target.param("kind");
    if (kind && *kind != "firmware" && *kind != "log") throw HttpError(400, "kind must be firmware or log");
    auto page = page_of(target);
    require_numeric_cursor(page);
    return ops([station, kind, page](domain::OperationsRepository& repo) {
      return json_response(200, repo.list_file_transfers(station, kind, page));
    });
  }
  const auto id = id_in_path(seg[3], "file transfer " + seg[3] + " not found");
  if (seg.size() == 4)
    return ops([id](domain::OperationsRepository& repo) {
      auto doc = repo.get_file_transfer(id);
      return doc ? json_response(200, *doc) : problem(404, "file transfer not found");
    });
  if (seg.size() == 5 && seg[4] == "content")
    return ops([this, id](domain::OperationsRepository& repo) {
      auto doc = repo.get_file_transfer(id);
      if (!doc) return problem(404, "file transfer not found");
      auto transfer = json::parse(*doc);
      if (transfer["kind"] != "log" || transfer["received_at"].is_null())
        return problem(404, "the station has not uploaded a file for this transfer");
      HttpResponse file{200, "application/octet-stream", {}, {}, nullptr, upload_path(id).string()};
      file.headers["Content-Disposition"] =
          "attachment; filename=\"" + transfer["file_name"].get<std::string>() + "\"";
      return file;
    });
  throw HttpError(404, "no such resource");
}

bool Api::is_file_command(const std::string& name, const json& body) {
  if (name == "update-firmware") return body.contains("firmware_id");
  return name == "get-diagnostics" && (!body.contains("location") || body["location"].is_null());
}

void Api::file_command(const std::string& station_id, const std::string& name, json body,
                       const std::string& actor, std::function<void(HttpResponse)> respond) {
  const bool firmware = name == "update-firmware";
  if (firmware) {
    if (!body["firmware_id"].is_number_integer()) throw HttpError(400, "firmware_id must be an image's id");
    if (body.contains("location")) throw HttpError(400, "give firmware_id or location, not both");
  }
  auto base = settings_.files_base_url;
  if (base.empty() && settings_.default_files_base_url) base = settings_.default_files_base_url();
  if (base.empty())
    throw HttpError(409,
                    "the file endpoint has no address stations can reach: set files.base_url (e.g. "
                    "http://csms.example.com:8080)");
  // The station fetches the image from the time given, else at once.
  if (firmware && (!body.contains("retrieve_at") || body["retrieve_at"].is_null()))
    body["retrieve_at"] = domain::format_timestamp(clock_.now());
  const auto firmware_id =
      firmware ? std::optional<std::int64_t>(body["firmware_id"].get<std::int64_t>()) : std::nullopt;
  auto token = random_token();
  auto now = clock_.now();
  auto starts = now;
  if (auto at = body.find("retrieve_at"); at != body.end() && at->is_string())
    starts = std::max(now, domain::parse_timestamp(at->get<std::string>(), false).value_or(now));
  domain::NewFileTransfer transfer{station_id,        firmware ? "firmware" : "log",   firmware_id,
                                   sha256_hex(token), starts + settings_.file_url_ttl, actor};
  struct Plan {
    std::optional<std::string> refusal;
    int status = 0;
    std::int64_t id = 0;
    std::string file_name;
    std::optional<std::string> certificate, signature;
  };
  auto plan = std::make_shared<Plan>();
  db_.run(
      [transfer, plan, firmware](domain::Repositories& repos) {
        if (!repos.admin().station_exists(transfer.station_id)) {
          plan->status = 404;
          plan->refusal = "station " + transfer.station_id + " not found";
          return;
        }
        if (firmware) {
          auto doc = repos.operations().get_firmware(*transfer.firmware_id);
          if (!doc) {
            plan->status = 404;
            plan->refusal = "firmware image " + std::to_string(*transfer.firmware_id) + " not found";
            return;
          }
          auto image = json::parse(*doc);
          if (!image.value("uploaded", false)) {
            plan->status = 409;
            plan->refusal = "the image's bytes are not uploaded yet (PUT /api/v1/firmware/{id}/image)";
            return;
          }
          plan->file_name = image["file_name"].get<std::string>();
          if (image["signing_certificate"].is_string()) plan->certificate = image["signing_certificate"];
          if (image["signature"].is_string()) plan->signature = image["signature"];
        } else {
          // 1.6 SupportedFileTransferProtocols, 2.0.1 OCPPCommCtrlr.FileTransferProtocols.
          auto protocols =
              repos.operations().variable_values(transfer.station_id, "SupportedFileTransferProtocols");
          for (auto& value : repos.operations().variable_values(transfer.station_id, "FileTransferProtocols"))
            protocols.push_back(value);
          if (!protocols.empty() && !supports_http(protocols)) {
            plan->status = 409;
            std::string listed;
            for (const auto& value : protocols) listed += (listed.empty() ? "" : ", ") + value;
            plan->refusal = "the station uploads only by " + listed +
                            "; this server receives uploads by HTTP(S): give a \"location\" on a server of "
                            "yours that speaks it";
            return;
          }
        }
        plan->id = repos.operations().create_file_transfer(transfer);
      },
      [this, station_id, name, body, token, plan, base, respond](std::exception_ptr error) mutable {
        if (error) return respond(problem(503, "the database is unavailable; try again later"));
        if (plan->refusal) return respond(problem(plan->status, *plan->refusal));
        const auto id = plan->id;
        body.erase("firmware_id");
        body["request_id"] = domain::kFileTransferRequestIds + id;
        while (!base.empty() && base.back() == '/') base.pop_back();
        body["location"] = base + "/files/" + token + "/" + plan->file_name;
        if (plan->certificate && !body.contains("signing_certificate")) {
          body["signing_certificate"] = *plan->certificate;
          body["signature"] = *plan->signature;
        }
        commands_.send(station_id, name, body, [this, id, respond](CommandResult result) {
          const bool answered = result.kind == CommandResult::Kind::Answered;
          // AcceptedCanceled: taken, and an earlier transfer of the station's was stopped for it.
          const bool took = result.status == "Accepted" || result.status == "AcceptedCanceled";
          const std::string state = !answered ? "failed_to_send" : took ? "accepted" : "rejected";
          auto doc = std::make_shared<std::optional<std::string>>();
          db_.run(
              [id, state, result, answered, doc](domain::Repositories& repos) {
                repos.operations().file_transfer_sent(id, state,
                                                      answered ? std::optional(result.status) : std::nullopt);
                *doc = repos.operations().get_file_transfer(id);
              },
              [result, answered, doc, respond](std::exception_ptr stored) {
                if (!answered) return respond(unanswered(result));
                json answer = {{"status", result.status}, {"response", result.response}};
                if (!stored && *doc) answer["file_transfer"] = json::parse(**doc);
                respond(json_response(200, answer.dump()));
              });
        });
      });
}

}  // namespace csms::api
