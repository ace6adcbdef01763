// Firmware and logs through the server's own file endpoint (issue 16), against the real
// server, PostgreSQL and chargers answering as real ones do: an uploaded image downloaded by
// the station through the URL it was given (bytes and SHA-256 match; a wrong token 404, an
// expired one 403), status notifications driving the transfer (a failed install raising the
// charger_reported alert), and logs uploaded by PUT and by multipart POST, downloadable
// through REST byte for byte.

#include <gtest/gtest.h>

#include <thread>

#include "support/clients.hpp"
#include "support/csms_process.hpp"
#include "support/test_database.hpp"

namespace csms::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// 300,000 bytes with every byte value in it, and their SHA-256 (computed independently).
std::string image_bytes() {
  std::string data(300000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 7 + 3) % 256);
  return data;
}
constexpr const char* kImageSha256 = "75bd90773c8246d53fe62f66e08a3828e82632011be5f8c0836484ffd49ab819";

// The path and query of an http:// URL.
std::string path_of(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

std::string request(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& content_type, const std::string& token = "") {
  std::string raw = method + " " + target + " HTTP/1.1\r\nHost: csms\r\nConnection: close\r\n";
  if (!token.empty()) raw += "Authorization: Bearer " + token + "\r\n";
  if (!content_type.empty()) raw += "Content-Type: " + content_type + "\r\n";
  raw += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return raw;
}

class FileTransferE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("CSMS_TEST_DATABASE_URL") == nullptr) GTEST_SKIP() << "run through scripts/test.sh";
    url_ = fresh_database("csms_e2e_files");
    server_ = std::make_unique<CsmsProcess>(
        url_, std::map<std::string, std::string>{{"CSMS_FILES_MAX_UPLOAD_MIB", "2"}});
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "---- csms log ----\n" << server_->log() << "\n";
  }
  HttpResult api(const std::string& method, const std::string& target,
                 std::optional<json> body = std::nullopt) {
    return http(server_->api_port(), method, target, body);
  }
  HttpResult raw(const std::string& text) { return http_raw(server_->api_port(), text); }
  // A REST call that makes the server call `station`, which answers `answer`; the CALL in `call`.
  HttpResult through(OcppClient& station, const json& answer, const std::string& target, const json& body,
                     json* call) {
    std::thread charger([&] {
      try {
        auto frame = json::parse(station.receive());
        *call = frame;
        station.send_text(json::array({3, frame[1], answer}).dump());
      } catch (const std::exception& e) {
        ADD_FAILURE() << "the station got no call: " << e.what();
      }
    });
    auto result = api("POST", target, body);
    charger.join();
    return result;
  }
  json transfer(std::int64_t id) { return api("GET", "/api/v1/file-transfers/" + std::to_string(id)).body; }
  // Polls until the transfer is in `state` (~5 s).
  json wait_state(std::int64_t id, const std::string& state) {
    json doc;
    for (int i = 0; i < 50; ++i) {
      doc = transfer(id);
      if (doc.value("state", "") == state) break;
      std::this_thread::sleep_for(100ms);
    }
    return doc;
  }
  // An image with its bytes uploaded; its id.
  std::int64_t uploaded_image(const std::string& version) {
    auto created =
        api("POST", "/api/v1/firmware",
            json{{"version", version}, {"file_name", "fw-" + version + ".bin"}, {"sha256", kImageSha256}});
    EXPECT_EQ(created.status, 201) << created.raw;
    auto id = created.body["id"].get<std::int64_t>();
    auto put = raw(request("PUT", "/api/v1/firmware/" + std::to_string(id) + "/image", image_bytes(),
                           "application/octet-stream", CsmsProcess::kToken));
    EXPECT_EQ(put.status, 200) << put.raw;
    return id;
  }

  std::string url_;
  std::unique_ptr<CsmsProcess> server_;
};

TEST_F(FileTransferE2e, Firmware_ImageUploadedChecked_DownloadedThroughItsUrl_StatusesDriveTheTransfer) {
  // Metadata first; an upload whose SHA-256 differs from the one given is refused.
  auto wrong = api("POST", "/api/v1/firmware",
                   json{{"version", "0.9"}, {"file_name", "fw.bin"}, {"sha256", std::string(64, 'a')}});
  ASSERT_EQ(wrong.status, 201) << wrong.raw;
  auto refused =
      raw(request("PUT", "/api/v1/firmware/" + std::to_string(wrong.body["id"].get<int>()) + "/image",
                  image_bytes(), "application/octet-stream", CsmsProcess::kToken));
  EXPECT_EQ(refused.status, 422) << refused.raw;
  EXPECT_EQ(api("POST", "/api/v1/firmware", json{{"version", "0.9"}, {"file_name", "x.bin"}}).status, 409);
  EXPECT_EQ(api("POST", "/api/v1/firmware", json{{"version", "1.0"}, {"file_name", "../x"}}).status, 400);

  const auto image = uploaded_image("2.0.0");
  auto doc = api("GET", "/api/v1/firmware/" + std::to_string(image)).body;
  EXPECT_EQ(doc["sha256"], kImageSha256);
  EXPECT_EQ(doc["size_bytes"], 300000);

  OcppClient cp(server_->ocpp_port(), "FW-16", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}});
  json call;
  auto sent = through(cp, json::object(), "/api/v1/stations/FW-16/commands/update-firmware",
                      json{{"firmware_id", image}}, &call);
  ASSERT_EQ(sent.status, 200) << sent.raw;
  ASSERT_EQ(call[2], "UpdateFirmware") << call.dump();
  const auto location = call[3]["location"].get<std::string>();
  const auto id = sent.body["file_transfer"]["id"].get<std::int64_t>();
  EXPECT_EQ(sent.body["file_transfer"]["state"], "accepted");
  EXPECT_NE(location.find("/files/"), std::string::npos) << location;
  EXPECT_TRUE(location.ends_with("/fw-2.0.0.bin")) << location;

  // The station downloads the image through the URL it was given: the same bytes.
  auto download = raw(request("GET", path_of(location), "", ""));
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.raw.size(), 300000u);
  EXPECT_TRUE(download.raw == image_bytes()) << "the downloaded bytes differ from the uploaded image";
  EXPECT_EQ(transfer(id)["downloads"], 1);
  // A wrong token names nothing; the directory is not listed; a download URL takes no upload.
  auto token_at = location.find("/files/") + 7;
  auto forged = location;
  forged[token_at] = forged[token_at] == 'a' ? 'b' : 'a';
  EXPECT_EQ(raw(request("GET", path_of(forged), "", "")).status, 404);
  EXPECT_EQ(raw(request("GET", "/files/", "", "")).status, 404);
  EXPECT_EQ(raw(request("PUT", path_of(location), "x", "application/octet-stream")).status, 404);

  cp.call("FirmwareStatusNotification", {{"status", "Downloading"}});
  EXPECT_EQ(wait_state(id, "in_progress")["status"], "Downloading");
  cp.call("FirmwareStatusNotification", {{"status", "Installed"}});
  EXPECT_EQ(wait_state(id, "succeeded")["status"], "Installed");

  // Past its expiry the URL is refused.
  query_value(url_, "UPDATE file_transfers SET expires_at = now() - interval '1 second' WHERE id = " +
                        std::to_string(id) + " RETURNING id");
  EXPECT_EQ(raw(request("GET", path_of(location), "", "")).status, 403);

  // An image sent to stations stays as it is (their record refers to it).
  EXPECT_EQ(raw(request("PUT", "/api/v1/firmware/" + std::to_string(image) + "/image", "other bytes",
                        "application/octet-stream", CsmsProcess::kToken))
                .status,
            409);
  EXPECT_EQ(api("DELETE", "/api/v1/firmware/" + std::to_string(image)).status, 409);
  // The station answering the wrong way, or not there: the transfer says so.
  EXPECT_EQ(api("POST", "/api/v1/stations/FW-16/commands/update-firmware", json{{"firmware_id", 999}}).status,
            404);
}

TEST_F(FileTransferE2e, Firmware201_RejectedAndFailedInstall_RaiseTheAlert) {
  const auto image = uploaded_image("3.1.0");
  OcppClient cs(server_->ocpp_port(), "FW-201", {"ocpp2.0.1"});
  cs.call("BootNotification",
          {{"reason", "PowerUp"}, {"chargingStation", {{"vendorName", "V"}, {"model", "M"}}}});
  json call;
  auto refused = through(cs, json{{"status", "Rejected"}}, "/api/v1/stations/FW-201/commands/update-firmware",
                         json{{"firmware_id", image}}, &call);
  ASSERT_EQ(refused.status, 200) << refused.raw;
  EXPECT_EQ(refused.body["status"], "Rejected");
  EXPECT_EQ(refused.body["file_transfer"]["state"], "rejected");

  auto sent = through(cs, json{{"status", "Accepted"}}, "/api/v1/stations/FW-201/commands/update-firmware",
                      json{{"firmware_id", image}}, &call);
  ASSERT_EQ(sent.status, 200) << sent.raw;
  const auto id = sent.body["file_transfer"]["id"].get<std::int64_t>();
  EXPECT_EQ(call[3]["requestId"], 1000000000 + id) << "transfers have request ids of their own";
  EXPECT_EQ(transfer(id)["request_id"], 1000000000 + id);
  auto download = raw(request("GET", path_of(call[3]["firmware"]["location"]), "", ""));
  EXPECT_TRUE(download.status == 200 && download.raw == image_bytes());
  const auto request_id = 1000000000 + id;
  cs.call("FirmwareStatusNotification", {{"status", "Installing"}, {"requestId", request_id}});
  EXPECT_EQ(wait_state(id, "in_progress")["status"], "Installing");
  cs.call("FirmwareStatusNotification", {{"status", "InstallationFailed"}, {"requestId", request_id}});
  EXPECT_EQ(wait_state(id, "failed")["status"], "InstallationFailed");
  json alerts;
  for (int i = 0; i < 50; ++i) {
    alerts = api("GET", "/api/v1/alerts?station=FW-201&rule=charger_reported").body["items"];
    if (!alerts.empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(alerts.size(), 1u) << "a failed install raises charger_reported";
  // A late or repeated status does not undo the ending.
  cs.call("FirmwareStatusNotification", {{"status", "Downloading"}, {"requestId", request_id}});
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(transfer(id)["state"], "failed");
}

TEST_F(FileTransferE2e, Logs_UploadedByPutAndMultipart_AreDownloadableByteForByte_FtpOnlyIsRefused) {
  OcppClient cp(server_->ocpp_port(), "LOG-16", {"ocpp1.6"});
  cp.call("BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}});
  json call;
  auto sent = through(cp, json{{"fileName", "diag.zip"}}, "/api/v1/stations/LOG-16/commands/get-diagnostics",
                      json::object(), &call);
  ASSERT_EQ(sent.status, 200) << sent.raw;
  ASSERT_EQ(call[2], "GetDiagnostics");
  const auto id = sent.body["file_transfer"]["id"].get<std::int64_t>();
  const auto location = call[3]["location"].get<std::string>();
  // 1.6: a directory; the station puts its file in it by name.
  std::string log = image_bytes().substr(0, 70000);
  auto put = raw(request("PUT", path_of(location) + "diag.zip", log, "application/zip"));
  ASSERT_EQ(put.status, 201) << put.raw;
  EXPECT_EQ(put.body["file_name"], "diag.zip");
  cp.call("DiagnosticsStatusNotification", {{"status", "Uploaded"}});
  auto done = wait_state(id, "succeeded");
  EXPECT_EQ(done["size_bytes"], 70000);
  auto content = raw(request("GET", "/api/v1/file-transfers/" + std::to_string(id) + "/content", "", "",
                             CsmsProcess::kToken));
  ASSERT_EQ(content.status, 200);
  EXPECT_TRUE(content.raw == log) << "the log differs from what the station uploaded";
  EXPECT_EQ(raw(request("GET", "/api/v1/file-transfers/" + std::to_string(id) + "/content", "", "")).status,
            401)
      << "REST needs a token";

  // 2.0.1 GetLog, the file as a form's part.
  OcppClient cs(server_->ocpp_port(), "LOG-201", {"ocpp2.0.1"});
  cs.call("BootNotification",
          {{"reason", "PowerUp"}, {"chargingStation", {{"vendorName", "V"}, {"model", "M"}}}});
  auto logged = through(cs, json{{"status", "Accepted"}, {"filename", "station.log"}},
                        "/api/v1/stations/LOG-201/commands/get-diagnostics",
                        json{{"log_type", "DiagnosticsLog"}}, &call);
  ASSERT_EQ(logged.status, 200) << logged.raw;
  ASSERT_EQ(call[2], "GetLog");
  const auto log_id = logged.body["file_transfer"]["id"].get<std::int64_t>();
  std::string text = "line one\r\n--not the boundary\r\nline three\n";
  std::string form =
      "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"station.log\"\r\n"
      "Content-Type: text/plain\r\n\r\n" +
      text + "\r\n--XyZ--\r\n";
  auto posted = raw(
      request("POST", path_of(call[3]["log"]["remoteLocation"]), form, "multipart/form-data; boundary=XyZ"));
  ASSERT_EQ(posted.status, 201) << posted.raw;
  cs.call("LogStatusNotification", {{"status", "Uploaded"}, {"requestId", 1000000000 + log_id}});
  wait_state(log_id, "succeeded");
  auto form_content = raw(request("GET", "/api/v1/file-transfers/" + std::to_string(log_id) + "/content", "",
                                  "", CsmsProcess::kToken));
  EXPECT_EQ(form_content.raw, text);
  EXPECT_EQ(transfer(log_id)["file_name"], "station.log");

  // A station that uploads only by FTP (as its configuration says) is told so.
  auto keys = through(
      cp,
      json{{"configurationKey",
            json::array(
                {{{"key", "SupportedFileTransferProtocols"}, {"readonly", true}, {"value", "FTP,FTPS"}}})}},
      "/api/v1/stations/LOG-16/commands/get-configuration",
      json{{"keys", json::array({"SupportedFileTransferProtocols"})}}, &call);
  ASSERT_EQ(keys.status, 200);
  auto ftp = api("POST", "/api/v1/stations/LOG-16/commands/get-diagnostics", json::object());
  EXPECT_EQ(ftp.status, 409) << ftp.raw;
  EXPECT_NE(ftp.body.value("detail", "").find("FTP"), std::string::npos) << ftp.raw;
  EXPECT_EQ(api("GET", "/api/v1/file-transfers?station=LOG-16").body["items"].size(), 1u);
}

TEST_F(FileTransferE2e, LargeBodies_OnlyWhereUploadsGo_UpToTheirLimit) {
  auto created = api("POST", "/api/v1/firmware", json{{"version", "big"}, {"file_name", "big.bin"}});
  ASSERT_EQ(created.status, 201);
  const auto target = "/api/v1/firmware/" + std::to_string(created.body["id"].get<int>()) + "/image";
  const std::string one_and_a_half(1536 * 1024, 'x');
  auto fits = raw(request("PUT", target, one_and_a_half, "application/octet-stream", CsmsProcess::kToken));
  EXPECT_EQ(fits.status, 200) << "an image over 1 MiB and under files.max_upload_mib is taken";
  EXPECT_EQ(fits.body["size_bytes"], 1536 * 1024);
  auto over = raw(request("PUT", target, std::string(3 * 1024 * 1024, 'x'), "application/octet-stream",
                          CsmsProcess::kToken));
  EXPECT_EQ(over.status, 413) << over.raw;
  auto elsewhere =
      raw(request("POST", "/api/v1/id-tokens", one_and_a_half, "application/json", CsmsProcess::kToken));
  EXPECT_EQ(elsewhere.status, 413) << "other paths keep the 1 MiB limit";
  // A large body is read only for an admin's image or a well-formed transfer token.
  EXPECT_EQ(raw(request("PUT", target, one_and_a_half, "application/octet-stream")).status, 413)
      << "no token: not read beyond 1 MiB";
  EXPECT_EQ(raw(request("PUT", "/files/not-a-token/x", one_and_a_half, "application/octet-stream")).status,
            413);
  EXPECT_EQ(
      raw(request("PUT", "/files/" + std::string(64, 'a') + "/x", one_and_a_half, "application/octet-stream"))
          .status,
      404)
      << "a well-formed but unknown token: read, then refused";
  EXPECT_EQ(api("GET", "/healthz").status, 200);
  EXPECT_EQ(api("POST", "/api/v1/stations/NOBODY/commands/publish-firmware", json::object()).status, 501);
}

}  // namespace
}  // namespace csms::testing
