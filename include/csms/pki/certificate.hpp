#pragma once

// X.509 for security profile 3 and certificate management, without OpenSSL types in the
// interface: what a certificate says, and signing a station's CSR with the CSMS's CA.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csms::pki {

struct CertificateInfo {
  std::string subject_cn;
  std::string subject_o;
  std::string issuer_cn;
  std::string serial;  // upper-case hex, as OCPP's CertificateHashData.serialNumber (no leading zeros)
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  std::string sha256_fingerprint;  // lower-case hex of the DER
  std::string pem;
};

// nullopt when the text holds no parsable certificate (the first one is read).
std::optional<CertificateInfo> inspect_pem(std::string_view pem);
std::optional<CertificateInfo> inspect_der(const unsigned char* der, std::size_t size);

}  // namespace csms::pki
