// The CSMS's own X.509 work: a lab CA and certificates (csms pki), a station's CSR checked
// and signed (SignCertificate), and what a certificate says.

#include "csms/pki/certificate.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace csms::pki {
namespace {

using std::chrono::hours;

// A CSR as a station makes one: an EC key, CN and O, signed with that key.
std::string make_csr(const std::string& cn, const std::string& o) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> req(X509_REQ_new(), X509_REQ_free);
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(o.c_str()), -1, -1, 0);
  X509_REQ_set_pubkey(req.get(), key.get());
  X509_REQ_sign(req.get(), key.get(), EVP_sha256());
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509_REQ(out.get(), req.get());
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

TEST(Pki, LabCa_SignsServerAndStationCertificatesThatSayWhatTheyAre) {
  auto ca = make_ca("ACME CSMS CA", "ACME", hours(24 * 3650));
  auto ca_info = inspect_pem(ca.cert_pem);
  ASSERT_TRUE(ca_info);
  EXPECT_EQ(ca_info->subject_cn, "ACME CSMS CA");
  EXPECT_EQ(ca_info->issuer_cn, "ACME CSMS CA");
  SigningCa signing{ca.cert_pem, ca.key_pem};
  auto station = make_client_certificate(signing, "CP-7", "ACME", hours(24 * 825));
  auto info = inspect_pem(station.cert_pem);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->subject_cn, "CP-7");
  EXPECT_EQ(info->subject_o, "ACME");
  EXPECT_EQ(info->issuer_cn, "ACME CSMS CA");
  EXPECT_EQ(info->sha256_fingerprint.size(), 64u);
  EXPECT_EQ(info->serial.find_first_not_of("0123456789ABCDEF"), std::string::npos) << info->serial;
  auto days =
      std::chrono::duration_cast<hours>(info->not_after - std::chrono::system_clock::now()).count() / 24;
  EXPECT_GE(days, 824);
  EXPECT_LE(days, 825);
  auto server =
      make_server_certificate(signing, {"csms.example.com", "127.0.0.1"}, KeyType::EcP256, hours(24));
  EXPECT_EQ(inspect_pem(server.cert_pem)->subject_cn, "csms.example.com");
  EXPECT_THROW(make_server_certificate(signing, {}, KeyType::Rsa2048, hours(24)), std::runtime_error);
}

TEST(Pki, Csr_IsInspectedAndSigned_ABrokenOneRefused) {
  auto ca = make_ca("ACME CSMS CA", "ACME", hours(24 * 3650));
  auto csr = make_csr("CP-9", "ACME");
  auto info = inspect_csr(csr);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->subject_cn, "CP-9");
  EXPECT_EQ(info->subject_o, "ACME");
  EXPECT_TRUE(info->signature_valid);
  auto chain = sign_csr(csr, {ca.cert_pem, ca.key_pem}, hours(24 * 365));
  auto leaf = inspect_pem(chain);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->subject_cn, "CP-9");
  EXPECT_EQ(leaf->issuer_cn, "ACME CSMS CA");
  EXPECT_NE(chain.find(ca.cert_pem), std::string::npos) << "the chain ends with the CA";
  EXPECT_FALSE(inspect_csr("not a CSR"));
  EXPECT_THROW(sign_csr("not a CSR", {ca.cert_pem, ca.key_pem}, hours(1)), std::runtime_error);
  auto other = make_ca("Other", "Other", hours(24));
  EXPECT_THROW(sign_csr(csr, {ca.cert_pem, other.key_pem}, hours(1)), std::runtime_error)
      << "a key that is not the CA certificate's";
}

}  // namespace
}  // namespace csms::pki
