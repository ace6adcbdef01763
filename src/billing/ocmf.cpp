#include "csms/billing/ocmf.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace csms::billing {

namespace {

std::optional<std::vector<unsigned char>> from_hex(std::string_view text) {
  if (text.size() % 2 != 0 || text.empty()) return std::nullopt;
  std::vector<unsigned char> out;
  out.reserve(text.size() / 2);
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = digit(text[i]), lo = digit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return out;
}

std::optional<std::vector<unsigned char>> from_base64(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ') clean += c;
  }
  if (clean.empty() || clean.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(clean.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = 0;
  if (clean.ends_with("==")) {
    padding = 2;
  } else if (clean.ends_with("=")) {
    padding = 1;
  }
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Key load_key(std::string_view text) {
  if (text.find("-----BEGIN") != std::string_view::npos) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())),
                                                  &BIO_free);
    return Key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  }
  auto der = from_hex(text);
  if (!der) der = from_base64(text);
  if (!der) return Key(nullptr, &EVP_PKEY_free);
  const unsigned char* p = der->data();
  return Key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size())), &EVP_PKEY_free);
}

}  // namespace

bool is_public_key(std::string_view text) { return static_cast<bool>(load_key(text)); }

std::string_view to_string(OcmfCheck::Status status) {
  switch (status) {
    case OcmfCheck::Status::Verified:
      return "verified";
    case OcmfCheck::Status::Invalid:
      return "invalid";
    case OcmfCheck::Status::Unparseable:
      return "unparseable";
  }
  return "unparseable";
}

std::optional<std::string> ocmf_text(std::string_view signed_data) {
  if (signed_data.starts_with("OCMF|")) return std::string(signed_data);
  auto value = nlohmann::json::parse(signed_data, nullptr, false);
  if (value.is_discarded()) {
    // 1.6 chargers may base64-encode the string too.
    auto bytes = from_base64(signed_data);
    if (bytes) {
      std::string text(bytes->begin(), bytes->end());
      if (text.starts_with("OCMF|")) return text;
    }
    return std::nullopt;
  }
  if (!value.is_object() || !value.contains("signedMeterData") || !value["signedMeterData"].is_string())
    return std::nullopt;
  const auto data = value["signedMeterData"].get<std::string>();
  if (data.starts_with("OCMF|")) return data;
  auto bytes = from_base64(data);
  if (!bytes) return std::nullopt;
  std::string text(bytes->begin(), bytes->end());
  if (!text.starts_with("OCMF|")) return std::nullopt;
  return text;
}

OcmfCheck verify_ocmf(std::string_view ocmf, std::string_view public_key) {
  OcmfCheck check;
  if (!ocmf.starts_with("OCMF|")) {
    check.detail = "not an OCMF string";
    return check;
  }
  const auto last_bar = ocmf.rfind('|');
  if (last_bar <= 5) {
    check.detail = "no signature section";
    return check;
  }
  const std::string_view payload_text = ocmf.substr(5, last_bar - 5);
  auto payload = nlohmann::json::parse(payload_text, nullptr, false);
  auto signature = nlohmann::json::parse(ocmf.substr(last_bar + 1), nullptr, false);
  if (payload.is_discarded() || !payload.is_object() || signature.is_discarded() || !signature.is_object()) {
    check.detail = "payload or signature is not a JSON object";
    return check;
  }
  check.meter_serial = payload.value("MS", "");
  if (payload.contains("RD") && payload["RD"].is_array()) {
    for (const auto& r : payload["RD"]) {
      if (!r.is_object()) continue;
      OcmfReading reading;
      reading.time = r.value("TM", "");
      reading.type = r.value("TX", "");
      reading.value = r.contains("RV") && r["RV"].is_number() ? r["RV"].get<double>() : 0;
      reading.unit = r.value("RU", "");
      reading.id = r.value("RI", "");
      check.readings.push_back(reading);
    }
  }
  check.algorithm = signature.value("SA", "ECDSA-secp256r1-SHA256");
  if (check.algorithm != "ECDSA-secp256r1-SHA256" && check.algorithm != "ECDSA-secp384r1-SHA256" &&
      check.algorithm != "ECDSA-brainpool256r1-SHA256") {
    check.detail = "unsupported signature algorithm " + check.algorithm;
    return check;
  }
  if (signature.value("SE", "hex") != "hex" && signature.value("SE", "hex") != "base64") {
    check.detail = "unsupported signature encoding";
    return check;
  }
  const std::string sd = signature.value("SD", "");
  auto der = signature.value("SE", "hex") == "base64" ? from_base64(sd) : from_hex(sd);
  if (!der) {
    check.detail = "the signature (SD) is not " + signature.value("SE", std::string("hex"));
    return check;
  }
  Key key = load_key(public_key);
  if (!key) {
    check.detail = "the registered public key cannot be read";
    return check;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  const bool ok =
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), der->data(), der->size(),
                       reinterpret_cast<const unsigned char*>(payload_text.data()), payload_text.size()) == 1;
  check.status = ok ? OcmfCheck::Status::Verified : OcmfCheck::Status::Invalid;
  if (!ok) check.detail = "the signature does not match the payload and key";
  return check;
}

}  // namespace csms::billing
