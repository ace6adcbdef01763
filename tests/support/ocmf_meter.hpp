#pragma once

// A calibration-law meter for tests: an EC P-256 key that signs OCMF payloads as meters do.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

namespace csms::testing {

inline std::string hex_of(const unsigned char* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

inline std::string base64_of(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

struct OcmfMeter {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"),
                                                          &EVP_PKEY_free};

  // Hex of the DER SubjectPublicKeyInfo.
  std::string public_key_hex() const {
    unsigned char* der = nullptr;
    int n = i2d_PUBKEY(key.get(), &der);
    std::string out = hex_of(der, static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
  }

  // "OCMF|<payload>|{"SA":"ECDSA-secp256r1-SHA256","SD":"<hex DER signature>"}"
  std::string sign(const std::string& payload) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get());
    std::size_t n = 0;
    EVP_DigestSign(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(payload.data()),
                   payload.size());
    std::vector<unsigned char> sig(n);
    EVP_DigestSign(ctx.get(), sig.data(), &n, reinterpret_cast<const unsigned char*>(payload.data()),
                   payload.size());
    return "OCMF|" + payload + R"(|{"SA":"ECDSA-secp256r1-SHA256","SD":")" + hex_of(sig.data(), n) + "\"}";
  }
};

}  // namespace csms::testing
