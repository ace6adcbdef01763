// OCMF signed meter values: a key made here signs a payload the way a meter does; the
// verifier accepts it, and refuses a changed reading, another key and broken input.
#include "csms/billing/ocmf.hpp"

#include <gtest/gtest.h>
#include "support/ocmf_meter.hpp"

namespace csms::billing {
namespace {

using Meter = testing::OcmfMeter;
using testing::base64_of;

const std::string kPayload =
    R"({"FV":"1.0","GI":"SEED","MS":"METER-0042","PG":"T1","RD":[{"TM":"2026-11-03T10:00:00,000+0000 S","TX":"B","RV":1.234,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]})";

TEST(Ocmf, AMetersSignatureVerifiesAndItsReadingIsRead) {
  Meter meter;
  auto check = verify_ocmf(meter.sign(kPayload), meter.public_key_hex());
  EXPECT_EQ(check.status, OcmfCheck::Status::Verified) << check.detail;
  EXPECT_EQ(check.meter_serial, "METER-0042");
  ASSERT_EQ(check.readings.size(), 1u);
  EXPECT_EQ(check.readings[0].type, "B");
  EXPECT_DOUBLE_EQ(check.readings[0].value, 1.234);
  EXPECT_EQ(check.readings[0].unit, "kWh");
}

TEST(Ocmf, AChangedReadingOrAnotherKeyIsInvalid) {
  Meter meter, other;
  std::string signed_text = meter.sign(kPayload);
  std::string tampered = signed_text;
  tampered.replace(tampered.find("1.234"), 5, "9.234");
  EXPECT_EQ(verify_ocmf(tampered, meter.public_key_hex()).status, OcmfCheck::Status::Invalid);
  EXPECT_EQ(verify_ocmf(signed_text, other.public_key_hex()).status, OcmfCheck::Status::Invalid);
}

TEST(Ocmf, TwoZeroOneSignedMeterValueCarriesBase64Ocmf) {
  Meter meter;
  const std::string wrapped = R"({"signedMeterData":")" + base64_of(meter.sign(kPayload)) +
                              R"(","signingMethod":"","encodingMethod":"OCMF","publicKey":""})";
  auto text = ocmf_text(wrapped);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(verify_ocmf(*text, meter.public_key_hex()).status, OcmfCheck::Status::Verified);
}

TEST(Ocmf, BrokenInputIsUnparseableNotVerified) {
  Meter meter;
  EXPECT_FALSE(ocmf_text("12.5").has_value());
  EXPECT_EQ(verify_ocmf("OCMF|{not json}|{}", meter.public_key_hex()).status, OcmfCheck::Status::Unparseable);
  EXPECT_EQ(verify_ocmf(meter.sign(kPayload), "zz-not-a-key").status, OcmfCheck::Status::Unparseable);
  auto odd = meter.sign(kPayload);
  odd.replace(odd.find("ECDSA-secp256r1-SHA256"), 22, "RSA-2048-SHA256-xxxxxx");
  EXPECT_EQ(verify_ocmf(odd, meter.public_key_hex()).status, OcmfCheck::Status::Unparseable);
}

}  // namespace
}  // namespace csms::billing
