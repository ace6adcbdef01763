#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <stdexcept>
#include <string>

namespace csms::server {

namespace ssl = boost::asio::ssl;

const char* tls12_ciphers() {
  // OCPP (1.6 security whitepaper, 2.0.1 Part 2 A00.FR.318): TLS_ECDHE_ECDSA_WITH_AES_128/
  // 256_GCM_SHA256/384 and TLS_RSA_WITH_AES_128/256_GCM_SHA256/384; ECDHE-RSA for clients
  // that prefer forward secrecy with an RSA certificate.
  return "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
         "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
         "AES128-GCM-SHA256:AES256-GCM-SHA384";
}

namespace {

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

void load_pair(ssl::context& context, const std::string& cert_file, const std::string& key_file,
               const char* what) {
  if (SSL_CTX_use_certificate_chain_file(context.native_handle(), cert_file.c_str()) != 1)
    throw std::runtime_error(std::string("TLS: cannot use the ") + what + " certificate " + cert_file + ": " +
                             openssl_error());
  if (SSL_CTX_use_PrivateKey_file(context.native_handle(), key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    throw std::runtime_error(std::string("TLS: cannot use the ") + what + " key " + key_file + ": " +
                             openssl_error());
  if (SSL_CTX_check_private_key(context.native_handle()) != 1)
    throw std::runtime_error(std::string("TLS: the ") + what + " key " + key_file + " does not match " +
                             cert_file);
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const TlsSettings& settings) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native,
                      SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  // Chargers are idle most of the time: OpenSSL's record buffers (about 34 KB a connection)
  // are given back between records instead of held for the connection's life.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_cipher_list(native, tls12_ciphers()) != 1)
    throw std::runtime_error("TLS: cipher list refused: " + openssl_error());
  if (settings.cert_file.empty() && settings.ecdsa_cert_file.empty())
    throw std::runtime_error("TLS: tls.cert_file (or tls.ecdsa_cert_file) is required for ocpp.tls_listen");
  if (!settings.cert_file.empty()) load_pair(*context, settings.cert_file, settings.key_file, "server");
  if (!settings.ecdsa_cert_file.empty())
    load_pair(*context, settings.ecdsa_cert_file, settings.ecdsa_key_file, "ECDSA server");
  // Resumption: a server-side cache (a station reconnecting skips the full handshake) and
  // RFC 5077 tickets (OpenSSL's default). A context id is needed once peers are verified.
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_SERVER);
  static const unsigned char kSessionContext[] = "csms-ocpp";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  if (!settings.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(native, settings.client_ca_file.c_str(), nullptr) != 1)
      throw std::runtime_error("TLS: cannot read the client CA file " + settings.client_ca_file + ": " +
                               openssl_error());
    // The CA names go into the CertificateRequest, so that stations pick the right certificate.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(settings.client_ca_file.c_str());
    if (names == nullptr)
      throw std::runtime_error("TLS: no CA certificate in " + settings.client_ca_file + ": " +
                               openssl_error());
    SSL_CTX_set_client_CA_list(native, names);
    // Asked for, not required: profile-2 stations send none (the application decides).
    const bool accept_expired = settings.accept_expired_clients;
    context->set_verify_mode(ssl::verify_peer);
    context->set_verify_callback([accept_expired](bool preverified, ssl::verify_context& verify) {
      if (preverified) return true;
      // Only the station's own certificate may have expired: never a CA above it.
      int error = X509_STORE_CTX_get_error(verify.native_handle());
      int depth = X509_STORE_CTX_get_error_depth(verify.native_handle());
      return accept_expired && error == X509_V_ERR_CERT_HAS_EXPIRED && depth == 0;
    });
  }
  return context;
}

std::optional<pki::CertificateInfo> peer_certificate(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return std::nullopt;
  unsigned char* der = nullptr;
  int size = i2d_X509(cert, &der);
  X509_free(cert);
  if (size <= 0) return std::nullopt;
  auto info = pki::inspect_der(der, static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return info;
}

}  // namespace csms::server
