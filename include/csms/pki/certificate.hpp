#pragma once

// X.509 for security profile 3 and certificate management, without OpenSSL types in the
// interface: what a certificate says, and signing a station's CSR with the CSMS's CA.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// A station's certificate signing request (PEM, RFC 2986) as far as the CSMS checks it.
struct CsrInfo {
  std::string subject_cn;
  std::string subject_o;
  bool signature_valid = false;  // signed with the key it carries
};
std::optional<CsrInfo> inspect_csr(std::string_view pem);

// The CA that signs stations' CSRs (tls.signing_ca_cert_file / _key_file), as PEM text.
struct SigningCa {
  std::string cert_pem;
  std::string key_pem;
};
// A client certificate for the CSR's subject and key, signed by `ca`, valid from now for
// `validity` (a random 127-bit serial, CA:FALSE, digitalSignature and keyAgreement,
// clientAuth). Returns its PEM followed by the CA certificate's (the chain to send in
// CertificateSigned). Throws std::runtime_error saying what is wrong.
std::string sign_csr(std::string_view csr_pem, const SigningCa& ca, std::chrono::hours validity);

// A key pair and its certificate, as PEM.
struct Issued {
  std::string cert_pem;
  std::string key_pem;
};
enum class KeyType { Rsa2048, EcP256 };
// A self-signed CA (CN `cn`, O `organization`) for a lab or a small network.
Issued make_ca(const std::string& cn, const std::string& organization, std::chrono::hours validity);
// A server certificate for `hosts` (the first is the CN; each is a DNS name or, when it
// parses as one, an IP address in subjectAltName), signed by `ca`.
Issued make_server_certificate(const SigningCa& ca, const std::vector<std::string>& hosts, KeyType key,
                               std::chrono::hours validity);
// A station's client certificate (CN its identity, O the CSO), signed by `ca` (profile 3).
Issued make_client_certificate(const SigningCa& ca, const std::string& cn, const std::string& organization,
                               std::chrono::hours validity);

// nullopt when the text holds no parsable certificate (the first one is read).
std::optional<CertificateInfo> inspect_pem(std::string_view pem);
std::optional<CertificateInfo> inspect_der(const unsigned char* der, std::size_t size);

}  // namespace csms::pki
