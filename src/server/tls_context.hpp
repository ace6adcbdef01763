#pragma once

// The wss:// listener's TLS: an OpenSSL context built from the configured files (RSA and
// ECDSA server certificates, the CA bundle client certificates must chain to), and the
// peer's certificate. Private to the server module.

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>

#include "csms/pki/certificate.hpp"
#include "csms/server/server.hpp"

namespace csms::server {

// TLS 1.2 and 1.3 only. TLS 1.2 suites: the four OCPP requires (ECDHE-ECDSA and RSA key
// exchange with AES-GCM) and ECDHE-RSA; no compression; session resumption by cache and
// tickets. Client certificates are asked for when a client CA is configured and checked
// against it; an expired one passes the handshake only with `accept_expired_clients` (the
// application decides then). Throws std::runtime_error naming the file that failed.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const TlsSettings& settings);

// The TLS 1.2 cipher list offered (OpenSSL names).
const char* tls12_ciphers();

// The verified certificate the peer of an established TLS connection sent, if any.
std::optional<pki::CertificateInfo> peer_certificate(SSL* ssl);

}  // namespace csms::server
