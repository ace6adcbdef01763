#include "csms/billing/tariff.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace csms::billing {
namespace {

using nlohmann::json;
using namespace std::chrono;

// A time-of-day tariff as an operator would POST it, in OCPI 2.2.1 shape with our
// vat_percent and grace_s, and OCPI metadata we do not use.
const char* const kTimeOfDayTariff = R"({
  "country_code": "DE", "party_id": "CSM", "last_updated": "2026-01-01T00:00:00Z",
  "id": "tod-1", "version": 3, "currency": "EUR", "vat_percent": "19",
  "min_price": {"excl_vat": 1.5, "incl_vat": 1.79}, "max_price": "80", "is_default": true,
  "elements": [
    {"price_components": [{"type": "ENERGY", "price": 0.4, "step_size": 1}],
     "restrictions": {"start_time": "17:00", "end_time": "21:00",
                      "day_of_week": ["FRIDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY"]}},
    {"price_components": [{"type": "ENERGY", "price": "0.2975", "step_size": 1},
                          {"type": "PARKING_TIME", "price": "6", "step_size": 60, "grace_s": 600},
                          {"type": "FLAT", "price": "0.50", "step_size": 1}],
     "restrictions": {"start_date": "2026-01-01", "end_date": "2027-01-01", "min_kwh": 0.5, "max_kwh": "100",
                      "min_power": "3.7", "max_power": 50, "min_current": "6", "max_current": 32,
                      "min_duration": 0, "max_duration": 86400}},
    {"price_components": [{"type": "TIME", "price": "1.20", "step_size": 300}]}
  ]
})";

TEST(TariffJson, OcpiShape_IsReadExactly) {
  const Tariff t = json::parse(kTimeOfDayTariff).get<Tariff>();
  EXPECT_EQ(t.id, "tod-1");
  EXPECT_EQ(t.version, 3);
  EXPECT_EQ(t.currency, "EUR");
  EXPECT_EQ(t.vat_percent, 19'000'000);
  EXPECT_EQ(t.min_price, (Money{"EUR", 1'500'000}));  // excl_vat of the OCPI Price object
  EXPECT_EQ(t.max_price, (Money{"EUR", 80'000'000}));
  EXPECT_TRUE(t.is_default);
  ASSERT_EQ(t.elements.size(), 3u);

  const TariffElement& peak = t.elements[0];
  ASSERT_EQ(peak.price_components.size(), 1u);
  EXPECT_EQ(peak.price_components[0], (PriceComponent{Dimension::Energy, {"EUR", 400'000}, 1, 0}));
  ASSERT_TRUE(peak.restrictions);
  EXPECT_EQ(peak.restrictions->start_time, minutes{17 * 60});
  EXPECT_EQ(peak.restrictions->end_time, minutes{21 * 60});
  // Sorted Monday first.
  EXPECT_EQ(peak.restrictions->day_of_week,
            (std::vector<weekday>{Monday, Tuesday, Wednesday, Thursday, Friday}));

  const TariffElement& base = t.elements[1];
  ASSERT_EQ(base.price_components.size(), 3u);
  EXPECT_EQ(base.price_components[0].price.micros, 297'500);
  EXPECT_EQ(base.price_components[1], (PriceComponent{Dimension::ParkingTime, {"EUR", 6'000'000}, 60, 600}));
  EXPECT_EQ(base.price_components[2].type, Dimension::Flat);
  const Restrictions& r = *base.restrictions;
  EXPECT_EQ(r.start_date, 2026y / January / 1);
  EXPECT_EQ(r.end_date, 2027y / January / 1);
  EXPECT_EQ(r.min_kwh, 500'000);  // 0.5 kWh in micro-kWh
  EXPECT_EQ(r.max_kwh, 100'000'000);
  EXPECT_EQ(r.min_power, 3'700'000);
  EXPECT_EQ(r.max_power, 50'000'000);
  EXPECT_EQ(r.min_current, 6'000'000);
  EXPECT_EQ(r.max_current, 32'000'000);
  EXPECT_EQ(r.min_duration, seconds{0});
  EXPECT_EQ(r.max_duration, seconds{86400});

  EXPECT_FALSE(t.elements[2].restrictions);
  EXPECT_EQ(t.elements[2].price_components[0].step_size, 300);
}

TEST(TariffJson, Written_WithDecimalStringsAndTheCurrencysDigits) {
  const json out = json::parse(kTimeOfDayTariff).get<Tariff>();
  EXPECT_EQ(out["vat_percent"], "19");
  EXPECT_EQ(out["min_price"], "1.50");
  EXPECT_EQ(out["max_price"], "80.00");
  EXPECT_EQ(out["elements"][0]["price_components"][0],
            json::parse(R"({"type": "ENERGY", "price": "0.40", "step_size": 1})"));
  EXPECT_EQ(out["elements"][0]["restrictions"], json::parse(R"({"start_time": "17:00", "end_time": "21:00",
                            "day_of_week": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]})"));
  EXPECT_EQ(out["elements"][1]["price_components"][0]["price"], "0.2975");
  EXPECT_EQ(out["elements"][1]["price_components"][1],
            json::parse(R"({"type": "PARKING_TIME", "price": "6.00", "step_size": 60, "grace_s": 600})"));
  EXPECT_EQ(out["elements"][1]["restrictions"],
            json::parse(R"({"start_date": "2026-01-01", "end_date": "2027-01-01", "min_kwh": "0.5",
                            "max_kwh": "100", "min_power": "3.7", "max_power": "50", "min_current": "6",
                            "max_current": "32", "min_duration": 0, "max_duration": 86400})"));
  EXPECT_FALSE(out.contains("country_code"));
}

TEST(TariffJson, RoundTrip_IsLossless) {
  const Tariff t = json::parse(kTimeOfDayTariff).get<Tariff>();
  const json written = t;
  EXPECT_EQ(written.get<Tariff>(), t);
}

TEST(TariffJson, Defaults_VersionOneStepOneNoBounds) {
  const Tariff t = json::parse(R"({"id": "t", "currency": "JPY", "vat_percent": 10, "elements": [
                       {"price_components": [{"type": "ENERGY", "price": 35}], "restrictions": null}]})")
                       .get<Tariff>();
  EXPECT_EQ(t.version, 1);
  EXPECT_EQ(t.elements[0].price_components[0].step_size, 1);
  EXPECT_FALSE(t.elements[0].restrictions);
  EXPECT_FALSE(t.min_price);
  EXPECT_FALSE(t.is_default);
  const json out = t;
  EXPECT_EQ(out["elements"][0]["price_components"][0]["price"], "35");  // yen: no decimals
}

struct InvalidCase {
  std::string name;
  std::string patch;  // JSON merge patch applied to a valid tariff
  std::string message;
};

// merge_patch replaces arrays whole, so the cases spell out the one element they break.
std::string element(const std::string& components, const std::string& restrictions) {
  return R"({"elements": [{"price_components": [)" + components + R"(], "restrictions": )" + restrictions +
         "}]}";
}

const std::string kEnergy = R"({"type": "ENERGY", "price": "0.30"})";

class TariffJson_Invalid : public testing::TestWithParam<InvalidCase> {};

TEST_P(TariffJson_Invalid, NamesTheField) {
  json tariff = json::parse(R"({"id": "t", "currency": "EUR", "vat_percent": "19", "elements": [
      {"price_components": [{"type": "ENERGY", "price": "0.30", "step_size": 1}]}]})");
  tariff.merge_patch(json::parse(GetParam().patch));
  try {
    tariff.get<Tariff>();
    FAIL() << "accepted " << tariff.dump();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(e.what(), GetParam().message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Tariff, TariffJson_Invalid,
    testing::Values(
        InvalidCase{"MissingCurrency", R"({"currency": null})", "tariff.currency: is required"},
        InvalidCase{"LowerCaseCurrency", R"({"currency": "eur"})",
                    "tariff.currency: expected an ISO 4217 code such as EUR, got \"eur\""},
        InvalidCase{"EmptyId", R"({"id": ""})", "tariff.id: must be 1 to 36 characters"},
        InvalidCase{"NumericId", R"({"id": 7})", "tariff.id: expected a string, got 7"},
        InvalidCase{"VatOver100", R"({"vat_percent": "120"})",
                    "tariff.vat_percent: must be between 0 and 100, got 120"},
        InvalidCase{"VatWithExponent", R"({"vat_percent": "1.9e1"})",
                    "tariff.vat_percent: \"1.9e1\" is not a decimal: unexpected 'e'"},
        InvalidCase{"MinAboveMax", R"({"min_price": "5", "max_price": "4.99"})",
                    "tariff: min_price must not exceed max_price"},
        InvalidCase{"MinPriceObjectWithoutExclVat", R"({"min_price": {"incl_vat": 1}})",
                    "tariff.min_price.excl_vat: is required"},
        InvalidCase{"NoElements", R"({"elements": []})", "tariff.elements: must hold at least one element"},
        InvalidCase{"NoComponents", element("", "null"),
                    "tariff.elements[0].price_components: must hold at least one price component"},
        InvalidCase{
            "UnknownType", element(R"({"type": "KWH", "price": 1})", "null"),
            "tariff.elements[0].price_components[0].type: expected ENERGY, TIME, PARKING_TIME or FLAT, "
            "got \"KWH\""},
        InvalidCase{
            "SevenDecimals", element(R"({"type": "ENERGY", "price": "0.1234567"})", "null"),
            "tariff.elements[0].price_components[0].price: \"0.1234567\" is not a decimal: more than 6 "
            "decimals"},
        InvalidCase{
            "InexactDouble", element(R"({"type": "ENERGY", "price": 0.30000000000000004})", "null"),
            "tariff.elements[0].price_components[0].price: \"0.30000000000000004\" is not a decimal: more "
            "than 6 decimals"},
        InvalidCase{"NegativePrice", element(R"({"type": "ENERGY", "price": "-0.10"})", "null"),
                    "tariff.elements[0].price_components[0].price: must not be negative, got -0.1"},
        InvalidCase{"StepZero", element(R"({"type": "TIME", "price": 1, "step_size": 0})", "null"),
                    "tariff.elements[0].price_components[0].step_size: must be at least 1, got 0"},
        InvalidCase{"StepFraction", element(R"({"type": "TIME", "price": 1, "step_size": 1.5})", "null"),
                    "tariff.elements[0].price_components[0].step_size: expected an integer, got 1.5"},
        InvalidCase{
            "GraceOnEnergy", element(R"({"type": "ENERGY", "price": 1, "grace_s": 60})", "null"),
            "tariff.elements[0].price_components[0].grace_s: only a PARKING_TIME component has a grace "
            "period"},
        InvalidCase{
            "ComponentVat", element(R"({"type": "ENERGY", "price": 1, "vat": 19})", "null"),
            "tariff.elements[0].price_components[0].vat: a VAT rate per component is not supported; set "
            "the tariff's vat_percent"},
        InvalidCase{
            "TwoEnergyComponents", element(kEnergy + "," + kEnergy, "null"),
            "tariff.elements[0].price_components[1]: a second ENERGY component in the same element (OCPI "
            "allows one per type)"},
        InvalidCase{"BadStartTime", element(kEnergy, R"({"start_time": "25:00"})"),
                    "tariff.elements[0].restrictions.start_time: expected HH:MM, got \"25:00\""},
        InvalidCase{"StartTimeWithSeconds", element(kEnergy, R"({"start_time": "17:00:00"})"),
                    "tariff.elements[0].restrictions.start_time: expected HH:MM, got \"17:00:00\""},
        InvalidCase{
            "BadDate", element(kEnergy, R"({"start_date": "2026-02-30"})"),
            "tariff.elements[0].restrictions.start_date: expected a date YYYY-MM-DD, got \"2026-02-30\""},
        InvalidCase{"DatesReversed",
                    element(kEnergy, R"({"start_date": "2026-02-01", "end_date": "2026-01-01"})"),
                    "tariff.elements[0].restrictions: start_date must be before end_date"},
        InvalidCase{
            "BadDay", element(kEnergy, R"({"day_of_week": ["MONDAY", "FUNDAY"]})"),
            "tariff.elements[0].restrictions.day_of_week[1]: expected MONDAY to SUNDAY, got \"FUNDAY\""},
        InvalidCase{
            "NoDays", element(kEnergy, R"({"day_of_week": []})"),
            "tariff.elements[0].restrictions.day_of_week: must name at least one day (omit it for every "
            "day)"},
        InvalidCase{"MisspeltRestriction", element(kEnergy, R"({"min_kW": 11})"),
                    "tariff.elements[0].restrictions.min_kW: unknown key"},
        InvalidCase{"MinKwhNotBelowMax", element(kEnergy, R"({"min_kwh": 20, "max_kwh": "20.0"})"),
                    "tariff.elements[0].restrictions: min_kwh must be less than max_kwh"},
        InvalidCase{"NegativePower", element(kEnergy, R"({"min_power": -1})"),
                    "tariff.elements[0].restrictions.min_power: must not be negative, got -1"},
        InvalidCase{"FractionalDuration", element(kEnergy, R"({"max_duration": 60.5})"),
                    "tariff.elements[0].restrictions.max_duration: expected an integer, got 60.5"},
        InvalidCase{"RestrictionsNotObject", element(kEnergy, "[]"),
                    "tariff.elements[0].restrictions: expected an object, got []"}),
    [](const testing::TestParamInfo<InvalidCase>& param_info) { return param_info.param.name; });

TEST(TariffValidate, ProgrammaticTariff_IsCheckedToo) {
  Tariff t{"t",          1,
           "EUR",        19'000'000,
           std::nullopt, std::nullopt,
           false,        {{{{Dimension::Energy, {"USD", 300'000}, 1, 0}}, std::nullopt}}};
  EXPECT_THROW(validate(t), std::invalid_argument);  // price in another currency
  t.elements[0].price_components[0].price.currency = "EUR";
  EXPECT_NO_THROW(validate(t));
}

TEST(TariffJson, ValidityDates_RoundTripAndAreChecked) {
  const auto base = nlohmann::json::parse(
      R"({"id":"V","currency":"EUR","vat_percent":"0","elements":[{"price_components":[{"type":"FLAT","price":"1"}]}]})");
  auto doc = base;
  doc["start_date_time"] = "2026-11-01T00:00:00+01:00";
  doc["end_date_time"] = "2026-12-01T00:00:00Z";
  const auto tariff = doc.get<Tariff>();
  ASSERT_TRUE(tariff.start_date_time);
  EXPECT_EQ(domain::format_timestamp(*tariff.start_date_time), "2026-10-31T23:00:00Z");
  nlohmann::json out = tariff;
  EXPECT_EQ(out["start_date_time"], "2026-10-31T23:00:00Z");
  EXPECT_EQ(out["end_date_time"], "2026-12-01T00:00:00Z");
  EXPECT_TRUE(nlohmann::json(base.get<Tariff>())["start_date_time"].is_null());

  doc["end_date_time"] = "2026-10-31T23:00:00Z";
  try {
    (void)doc.get<Tariff>();
    ADD_FAILURE() << "an end at the start was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "tariff.end_date_time: must be after start_date_time");
  }
  doc = base;
  doc["start_date_time"] = "2026-11-01";
  try {
    (void)doc.get<Tariff>();
    ADD_FAILURE() << "a date without a time was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("tariff.start_date_time: expected an RFC 3339 time"),
              std::string::npos)
        << e.what();
  }
}

TEST(Dimension, OcpiLiterals) {
  for (const Dimension d : {Dimension::Energy, Dimension::Time, Dimension::ParkingTime, Dimension::Flat}) {
    EXPECT_EQ(dimension_from_string(to_string(d)), d);
  }
  EXPECT_EQ(to_string(Dimension::ParkingTime), "PARKING_TIME");
  EXPECT_EQ(dimension_from_string("energy"), std::nullopt);
}

}  // namespace
}  // namespace csms::billing
