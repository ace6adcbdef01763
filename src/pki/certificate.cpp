#include "csms/pki/certificate.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace csms::pki {

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

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
  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  if (out && PEM_write_bio_X509(out.get(), cert) == 1) {
    char* data = nullptr;
    long size = BIO_get_mem_data(out.get(), &data);
    if (size > 0) info.pem.assign(data, static_cast<std::size_t>(size));
  }
  return info;
}

}  // namespace

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

}  // namespace csms::pki
