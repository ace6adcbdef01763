#include "csms/pki/certificate.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace csms::pki {

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
struct ReqFree {
  void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using ReqPtr = std::unique_ptr<X509_REQ, ReqFree>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

std::unique_ptr<BIO, BioFree> memory_bio(std::string_view text) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string pem_of(X509* cert) {
  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509(out.get(), cert) != 1) return "";
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : "";
}

std::string name_entry(const X509_NAME* name, int nid) {
  if (name == nullptr) return "";
  int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return "";
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return out;
}

std::chrono::system_clock::time_point time_of(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string serial_of(X509* cert) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  if (bn == nullptr) return "";
  char* hex = BN_bn2hex(bn);
  std::string out = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  // BN_bn2hex pads to whole bytes: "0A1B" → "A1B" (OCPP's serialNumber has no leading zeros).
  auto first = out.find_first_not_of('0');
  return first == std::string::npos ? "0" : out.substr(first);
}

CertificateInfo info_of(X509* cert) {
  CertificateInfo info;
  info.subject_cn = name_entry(X509_get_subject_name(cert), NID_commonName);
  info.subject_o = name_entry(X509_get_subject_name(cert), NID_organizationName);
  info.issuer_cn = name_entry(X509_get_issuer_name(cert), NID_commonName);
  info.serial = serial_of(cert);
  info.not_before = time_of(X509_get0_notBefore(cert));
  info.not_after = time_of(X509_get0_notAfter(cert));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) == 1) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < length; ++i) {
      info.sha256_fingerprint += kHex[digest[i] >> 4];
      info.sha256_fingerprint += kHex[digest[i] & 15];
    }
  }
  info.pem = pem_of(cert);
  return info;
}

}  // namespace

std::optional<CsrInfo> inspect_csr(std::string_view pem) {
  auto in = memory_bio(pem);
  if (!in) return std::nullopt;
  ReqPtr request(PEM_read_bio_X509_REQ(in.get(), nullptr, nullptr, nullptr));
  if (!request) return std::nullopt;
  CsrInfo info;
  info.subject_cn = name_entry(X509_REQ_get_subject_name(request.get()), NID_commonName);
  info.subject_o = name_entry(X509_REQ_get_subject_name(request.get()), NID_organizationName);
  EVP_PKEY* key = X509_REQ_get0_pubkey(request.get());
  info.signature_valid = key != nullptr && X509_REQ_verify(request.get(), key) == 1;
  return info;
}

std::string sign_csr(std::string_view csr_pem, const SigningCa& ca, std::chrono::hours validity) {
  auto fail = [](const std::string& what) { throw std::runtime_error(what); };
  auto csr_in = memory_bio(csr_pem);
  ReqPtr request(csr_in ? PEM_read_bio_X509_REQ(csr_in.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!request) fail("the CSR is not a PEM certificate request");
  EVP_PKEY* subject_key = X509_REQ_get0_pubkey(request.get());
  if (subject_key == nullptr || X509_REQ_verify(request.get(), subject_key) != 1)
    fail("the CSR's signature does not verify with its key");
  auto cert_in = memory_bio(ca.cert_pem);
  X509Ptr ca_cert(cert_in ? PEM_read_bio_X509(cert_in.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!ca_cert) fail("the signing CA certificate cannot be read");
  auto key_in = memory_bio(ca.key_pem);
  KeyPtr ca_key(key_in ? PEM_read_bio_PrivateKey(key_in.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!ca_key) fail("the signing CA key cannot be read");
  if (X509_check_private_key(ca_cert.get(), ca_key.get()) != 1)
    fail("the signing CA key does not match its certificate");

  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) fail("no randomness for the serial");
  random[0] &= 0x7f;  // positive
  BIGNUM* serial = BN_bin2bn(random, sizeof random, nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  X509_set_subject_name(cert.get(), X509_REQ_get_subject_name(request.get()));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
  X509_set_pubkey(cert.get(), subject_key);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);  // a station clock a little behind
  X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                  static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(validity).count()));
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, ca_cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] :
       {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
        std::pair{NID_key_usage, "critical,digitalSignature,keyAgreement"},
        std::pair{NID_ext_key_usage, "clientAuth"}, std::pair{NID_subject_key_identifier, "hash"},
        std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    if (extension == nullptr) fail("cannot add a certificate extension");
    X509_add_ext(cert.get(), extension, -1);
    X509_EXTENSION_free(extension);
  }
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) <= 0) fail("signing failed");
  return pem_of(cert.get()) + pem_of(ca_cert.get());
}

std::optional<CertificateInfo> inspect_pem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!in) return std::nullopt;
  X509Ptr cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
  if (!cert) return std::nullopt;
  return info_of(cert.get());
}

std::optional<CertificateInfo> inspect_der(const unsigned char* der, std::size_t size) {
  const unsigned char* p = der;
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(size)));
  if (!cert) return std::nullopt;
  return info_of(cert.get());
}

namespace {

std::string key_pem_of(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error("cannot write a private key");
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

KeyPtr new_key(KeyType type) {
  KeyPtr key(type == KeyType::Rsa2048 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
  if (!key) throw std::runtime_error("cannot generate a key");
  return key;
}

// A certificate for `key` with the subject's CN and O, signed by `issuer_key` (and named
// after `issuer`; none: self-signed), carrying the extensions given (OpenSSL's text form).
X509Ptr build(EVP_PKEY* key, const std::string& cn, const std::string& organization, X509* issuer,
              EVP_PKEY* issuer_key, std::chrono::hours validity,
              const std::vector<std::pair<int, std::string>>& extensions) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("no randomness for a serial");
  random[0] &= 0x7f;
  BIGNUM* serial = BN_bin2bn(random, sizeof random, nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  if (!organization.empty())
    X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(organization.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(cert.get(), key);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                  static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(validity).count()));
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer != nullptr ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
    if (extension == nullptr) throw std::runtime_error("bad certificate extension " + value);
    X509_add_ext(cert.get(), extension, -1);
    X509_EXTENSION_free(extension);
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) throw std::runtime_error("signing failed");
  return cert;
}

std::pair<X509Ptr, KeyPtr> load_ca(const SigningCa& ca) {
  auto cert_in = memory_bio(ca.cert_pem);
  X509Ptr cert(cert_in ? PEM_read_bio_X509(cert_in.get(), nullptr, nullptr, nullptr) : nullptr);
  auto key_in = memory_bio(ca.key_pem);
  KeyPtr key(key_in ? PEM_read_bio_PrivateKey(key_in.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert || !key) throw std::runtime_error("the CA certificate or key cannot be read");
  return {std::move(cert), std::move(key)};
}

bool is_ip_address(const std::string& host) {
  unsigned char buffer[16];
  return host.find_first_not_of("0123456789.") == std::string::npos
             ? inet_pton(AF_INET, host.c_str(), buffer) == 1
             : inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

}  // namespace

Issued make_ca(const std::string& cn, const std::string& organization, std::chrono::hours validity) {
  auto key = new_key(KeyType::Rsa2048);
  auto cert = build(key.get(), cn, organization, nullptr, key.get(), validity,
                    {{NID_basic_constraints, "critical,CA:TRUE"},
                     {NID_key_usage, "critical,keyCertSign,cRLSign"},
                     {NID_subject_key_identifier, "hash"}});
  return {pem_of(cert.get()), key_pem_of(key.get())};
}

Issued make_server_certificate(const SigningCa& ca, const std::vector<std::string>& hosts, KeyType type,
                               std::chrono::hours validity) {
  if (hosts.empty()) throw std::runtime_error("a server certificate needs at least one host name");
  auto [ca_cert, ca_key] = load_ca(ca);
  std::string names;
  for (const auto& host : hosts)
    names += (names.empty() ? "" : ",") + std::string(is_ip_address(host) ? "IP:" : "DNS:") + host;
  auto key = new_key(type);
  auto cert = build(key.get(), hosts.front(), "", ca_cert.get(), ca_key.get(), validity,
                    {{NID_basic_constraints, "critical,CA:FALSE"},
                     {NID_key_usage, type == KeyType::Rsa2048 ? "critical,digitalSignature,keyEncipherment"
                                                              : "critical,digitalSignature"},
                     {NID_ext_key_usage, "serverAuth"},
                     {NID_subject_alt_name, names},
                     {NID_authority_key_identifier, "keyid:always"}});
  return {pem_of(cert.get()) + pem_of(ca_cert.get()), key_pem_of(key.get())};
}

Issued make_client_certificate(const SigningCa& ca, const std::string& cn, const std::string& organization,
                               std::chrono::hours validity) {
  auto [ca_cert, ca_key] = load_ca(ca);
  auto key = new_key(KeyType::EcP256);
  auto cert = build(key.get(), cn, organization, ca_cert.get(), ca_key.get(), validity,
                    {{NID_basic_constraints, "critical,CA:FALSE"},
                     {NID_key_usage, "critical,digitalSignature,keyAgreement"},
                     {NID_ext_key_usage, "clientAuth"},
                     {NID_authority_key_identifier, "keyid:always"}});
  return {pem_of(cert.get()), key_pem_of(key.get())};
}

}  // namespace csms::pki
