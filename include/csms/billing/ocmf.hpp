#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Signed meter values in the Open Charge Metering Format (OCMF, S.A.F.E. e.V.):
// "OCMF|<payload JSON>|<signature JSON>", the signature an ECDSA over the payload's bytes.
// 1.6 chargers send the string as a sampled value with format SignedData; 2.0.1 chargers
// as signedMeterValue {signedMeterData (base64 of the string), signingMethod,
// encodingMethod "OCMF", publicKey}.
namespace csms::billing {

struct OcmfReading {
  std::string time;  // "TM" as the meter wrote it
  std::string type;  // "TX": B(egin), E(nd), C(harging), T(ariff change), ...
  double value = 0;  // "RV" in "RU"
  std::string unit;  // "RU": kWh or Wh
  std::string id;    // "RI": OBIS id, e.g. 1-b:1.8.0
};

struct OcmfCheck {
  enum class Status { Verified, Invalid, Unparseable };
  Status status = Status::Unparseable;
  std::string detail;  // why not verified
  std::string algorithm;
  std::string meter_serial;  // "MS"
  std::vector<OcmfReading> readings;
};

// The OCMF string inside what the station sent: the string itself, or a 2.0.1
// signedMeterValue JSON object (base64 signedMeterData). nullopt when it is neither.
std::optional<std::string> ocmf_text(std::string_view signed_data);

// Verifies an OCMF string with a public key (hex or base64 of DER SubjectPublicKeyInfo,
// or PEM). Algorithms: ECDSA-secp256r1-SHA256 (the default when SA is absent),
// ECDSA-secp384r1-SHA256, ECDSA-brainpool256r1-SHA256.
OcmfCheck verify_ocmf(std::string_view ocmf, std::string_view public_key);

std::string_view to_string(OcmfCheck::Status status);

// Whether `text` reads as a public key (hex or base64 DER SubjectPublicKeyInfo, or PEM).
bool is_public_key(std::string_view text);  // verified | invalid | unparseable

}  // namespace csms::billing
