#include "csms/billing/pricing.hpp"

#include <gtest/gtest.h>

#include "billing_test_util.hpp"

namespace csms::billing {
namespace {

using test::describe;
using test::tariff;
using test::utc;
using test::wh;

struct Case {
  std::string name;
  std::string tariff;  // JSON
  SessionInput input;
  std::vector<std::string>
      lines;  // describe(line): "DIMENSION e<element> <quantity> @<unit price> = <amount>"
  std::string total_excl_vat;
  std::string vat;
  std::string total_incl_vat;
  std::vector<std::string> flags = {};  // "no_readings" for the cases that only bill time
};

// The tariffs below are written for the case at hand; each case's comment works out the
// expected figures by hand from the rules in issue 3 and the choices in pricing.cpp.
std::vector<Case> cases() {
  return {
      // Europe/Berlin in January is UTC+1: 17:00 local is 16:00Z. The reading interval
      // 15:30Z–16:30Z (7000 Wh) is split in half at 16:00Z.
      //   off-peak (e1): 5000 + 3500 = 8500 Wh × 0.25 = 2.125  → 2.13
      //   peak (e0):     3500 + 3000 = 6500 Wh × 0.40 = 2.60
      //   total 4.73; VAT 19 % = 0.8987 → 0.90; incl. 5.63
      {"PeakOffPeak_SplitAt1700Local",
       R"({"id": "t", "currency": "EUR", "vat_percent": "19", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.40"}],
            "restrictions": {"start_time": "17:00", "end_time": "21:00"}},
           {"price_components": [{"type": "ENERGY", "price": "0.25"}]}]})",
       {.start = utc("2026-01-14 15:00"),
        .stop = utc("2026-01-14 17:00"),
        .readings = {wh("2026-01-14 15:00", 0), wh("2026-01-14 15:30", 5000), wh("2026-01-14 16:30", 12000),
                     wh("2026-01-14 17:00", 15000)},
        .time_zone = "Europe/Berlin"},
       {"ENERGY e1 8500 @0.25 = 2.13", "ENERGY e0 6500 @0.40 = 2.60"},
       "4.73",
       "0.90",
       "5.63"},

      // Night 22:00–06:00 wraps midnight. 21:00Z–07:00Z (UTC): night 8 h, day 1 h + 1 h.
      //   day (e1):   7200 s × 2.40/h = 4.80
      //   night (e0): 28800 s × 1.20/h = 9.60      total 14.40
      {"StartEndTime_WrapsMidnight",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "TIME", "price": "1.20"}],
            "restrictions": {"start_time": "22:00", "end_time": "06:00"}},
           {"price_components": [{"type": "TIME", "price": "2.40"}]}]})",
       {.start = utc("2026-01-14 21:00"), .stop = utc("2026-01-15 07:00")},
       {"TIME e1 7200 @2.40 = 4.80", "TIME e0 28800 @1.20 = 9.60"},
       "14.40",
       "0.00",
       "14.40",
       {"no_readings"}},

      // end_time 00:00 means "until midnight". 19:00Z–01:00Z: evening 20:00–24:00 = 4 h.
      //   e1: 2 h = 7200 s × 2.00 = 4.00;  e0: 14400 s × 1.00 = 4.00      total 8.00
      {"EndTimeMidnight_MeansUntilTheEndOfTheDay",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "TIME", "price": "1.00"}],
            "restrictions": {"start_time": "20:00", "end_time": "00:00"}},
           {"price_components": [{"type": "TIME", "price": "2.00"}]}]})",
       {.start = utc("2026-01-14 19:00"), .stop = utc("2026-01-15 01:00")},
       {"TIME e1 7200 @2.00 = 4.00", "TIME e0 14400 @1.00 = 4.00"},
       "8.00",
       "0.00",
       "8.00",
       {"no_readings"}},

      // 2026-03-29, Europe/Berlin springs forward at 02:00 CET (01:00Z) to 03:00 CEST.
      // Local 00:00–08:00 is 23:00Z–06:00Z: 7 real hours, 1000 Wh each.
      // Night (local 00:00–06:00) = 23:00Z–04:00Z = 5 h; day 04:00Z–06:00Z = 2 h.
      //   ENERGY night 5000 × 0.20 = 1.00; day 2000 × 0.30 = 0.60
      //   TIME   night 18000 s × 1.00 = 5.00; day 7200 s × 2.00 = 4.00      total 10.60
      {"DstSpringForward_NightHasFiveRealHours",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.20"}, {"type": "TIME", "price": "1.00"}],
            "restrictions": {"start_time": "00:00", "end_time": "06:00"}},
           {"price_components": [{"type": "ENERGY", "price": "0.30"}, {"type": "TIME", "price": "2.00"}]}]})",
       {.start = utc("2026-03-28 23:00"),
        .stop = utc("2026-03-29 06:00"),
        .readings = {wh("2026-03-28 23:00", 0), wh("2026-03-29 06:00", 7000)},
        .time_zone = "Europe/Berlin"},
       {"ENERGY e0 5000 @0.20 = 1.00", "ENERGY e1 2000 @0.30 = 0.60", "TIME e0 18000 @1.00 = 5.00",
        "TIME e1 7200 @2.00 = 4.00"},
       "10.60",
       "0.00",
       "10.60"},

      // 2026-10-25, Europe/Berlin falls back at 03:00 CEST (01:00Z) to 02:00 CET.
      // Local 00:00–08:00 is 22:00Z–07:00Z: 9 real hours, 1000 Wh each.
      // Night (local 00:00–06:00 CET = 05:00Z) = 7 h; day 05:00Z–07:00Z = 2 h.
      //   ENERGY night 7000 × 0.20 = 1.40; day 2000 × 0.30 = 0.60
      //   TIME   night 25200 s × 1.00 = 7.00; day 7200 s × 2.00 = 4.00      total 13.00
      {"DstFallBack_NightHasSevenRealHours",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.20"}, {"type": "TIME", "price": "1.00"}],
            "restrictions": {"start_time": "00:00", "end_time": "06:00"}},
           {"price_components": [{"type": "ENERGY", "price": "0.30"}, {"type": "TIME", "price": "2.00"}]}]})",
       {.start = utc("2026-10-24 22:00"),
        .stop = utc("2026-10-25 07:00"),
        .readings = {wh("2026-10-24 22:00", 0), wh("2026-10-25 07:00", 9000)},
        .time_zone = "Europe/Berlin"},
       {"ENERGY e0 7000 @0.20 = 1.40", "ENERGY e1 2000 @0.30 = 0.60", "TIME e0 25200 @1.00 = 7.00",
        "TIME e1 7200 @2.00 = 4.00"},
       "13.00",
       "0.00",
       "13.00"},

      // Sunday 2026-03-29 in Berlin lasts 23 h: local 00:00 CET = 28th 23:00Z to Monday
      // 00:00 CEST = 29th 22:00Z. Session Sat 23:00 local (22:00Z) – Mon 01:00 local (23:00Z).
      //   Sunday (e0): 82800 s × 3.00 = 69.00; Saturday + Monday (e1): 1 h + 1 h × 1.00 = 2.00
      {"DayOfWeek_SundayWithSpringForwardHas23Hours",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "TIME", "price": "3.00"}], "restrictions": {"day_of_week": ["SUNDAY"]}},
           {"price_components": [{"type": "TIME", "price": "1.00"}]}]})",
       {.start = utc("2026-03-28 22:00"), .stop = utc("2026-03-29 23:00"), .time_zone = "Europe/Berlin"},
       {"TIME e1 7200 @1.00 = 2.00", "TIME e0 82800 @3.00 = 69.00"},
       "71.00",
       "0.00",
       "71.00",
       {"no_readings"}},

      // Sunday 2026-10-25 lasts 25 h: local 00:00 CEST = 24th 22:00Z to Monday 00:00 CET =
      // 25th 23:00Z. Session Sat 23:00 local (21:00Z) – Mon 01:00 local (26th 00:00Z).
      //   Sunday (e0): 90000 s × 3.00 = 75.00; the two edge hours (e1): 2.00
      {"DayOfWeek_SundayWithFallBackHas25Hours",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "TIME", "price": "3.00"}], "restrictions": {"day_of_week": ["SUNDAY"]}},
           {"price_components": [{"type": "TIME", "price": "1.00"}]}]})",
       {.start = utc("2026-10-24 21:00"), .stop = utc("2026-10-26 00:00"), .time_zone = "Europe/Berlin"},
       {"TIME e1 7200 @1.00 = 2.00", "TIME e0 90000 @3.00 = 75.00"},
       "77.00",
       "0.00",
       "77.00",
       {"no_readings"}},

      // On 2026-10-25 the local hour 02:00–03:00 happens twice in Berlin (00:00Z–01:00Z in
      // CEST, 01:00Z–02:00Z in CET). Session 23:00Z–03:00Z = local 01:00 CEST – 04:00 CET.
      //   e0 (02:00–03:00): both passes, 7200 s × 2.00 = 4.00
      //   e1: 23:00Z–00:00Z and 02:00Z–03:00Z, 7200 s × 1.00 = 2.00      total 6.00
      {"DstFallBack_RepeatedHourCountsTwice",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "TIME", "price": "2.00"}],
            "restrictions": {"start_time": "02:00", "end_time": "03:00"}},
           {"price_components": [{"type": "TIME", "price": "1.00"}]}]})",
       {.start = utc("2026-10-24 23:00"), .stop = utc("2026-10-25 03:00"), .time_zone = "Europe/Berlin"},
       {"TIME e1 7200 @1.00 = 2.00", "TIME e0 7200 @2.00 = 4.00"},
       "6.00",
       "0.00",
       "6.00",
       {"no_readings"}},

      // On 2026-03-29 the local hour 02:00–03:00 does not exist in Berlin. Session
      // 00:00Z–03:00Z = local 01:00 CET – 05:00 CEST: 3 real hours, none of them in e0.
      //   e1: 10800 s × 1.00 = 3.00
      {"DstSpringForward_SkippedHourNeverApplies",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "TIME", "price": "2.00"}],
            "restrictions": {"start_time": "02:00", "end_time": "03:00"}},
           {"price_components": [{"type": "TIME", "price": "1.00"}]}]})",
       {.start = utc("2026-03-29 00:00"), .stop = utc("2026-03-29 03:00"), .time_zone = "Europe/Berlin"},
       {"TIME e1 10800 @1.00 = 3.00"},
       "3.00",
       "0.00",
       "3.00",
       {"no_readings"}},

      // A promotion from 2026-02-01 local. Berlin midnight is 23:00Z on 31 January; the
      // session 22:30Z–23:30Z (2000 Wh evenly) is half before it, half after.
      //   e1: 1000 × 0.30 = 0.30;  e0: 1000 × 0.10 = 0.10      total 0.40
      {"StartDate_LocalMidnight",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.10"}], "restrictions": {"start_date": "2026-02-01"}},
           {"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-31 22:30"),
        .stop = utc("2026-01-31 23:30"),
        .readings = {wh("2026-01-31 22:30", 0), wh("2026-01-31 23:30", 2000)},
        .time_zone = "Europe/Berlin"},
       {"ENERGY e1 1000 @0.30 = 0.30", "ENERGY e0 1000 @0.10 = 0.10"},
       "0.40",
       "0.00",
       "0.40"},

      // 6 minutes of charging in 5-minute steps: 600 s × 6.00/h = 1.00
      {"TimeStep_RoundsUpToWholeSteps",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "TIME", "price": "6.00", "step_size": 300}]}]})",
       {.start = utc("2026-01-14 10:00"), .stop = utc("2026-01-14 10:06")},
       {"TIME e0 600 @6.00 = 1.00"},
       "1.00",
       "0.00",
       "1.00",
       {"no_readings"}},

      // First 10 min at 6.00/h (step 60), then 12.00/h (step 300); 12:30 min of charging.
      // Total 750 s, rounded with the last element's step 300 → 900 s; e0 keeps its 600 s,
      // the last period (e1) gets 900 − 600 = 300 s (150 s used + 150 s extra).
      //   e0: 600 s × 6.00 = 1.00;  e1: 300 s × 12.00 = 1.00      total 2.00
      {"TimeStep_OfTheLastElement_RoundsTheTotal_ExtraAtItsPrice",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "TIME", "price": "6.00", "step_size": 60}],
            "restrictions": {"max_duration": 600}},
           {"price_components": [{"type": "TIME", "price": "12.00", "step_size": 300}]}]})",
       {.start = utc("2026-01-14 10:00"), .stop = utc("2026-01-14 10:12:30")},
       {"TIME e0 600 @6.00 = 1.00", "TIME e1 300 @12.00 = 1.00"},
       "2.00",
       "0.00",
       "2.00",
       {"no_readings"}},

      // 60.4 s of charging, step 1 s → 61 s × 3.60/h = 0.061 → 0.06
      {"TimeStep_MillisecondsRoundUpToTheSecond",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "TIME", "price": "3.60"}]}]})",
       {.start = utc("2026-01-14 10:00"), .stop = utc("2026-01-14 10:01:00.400")},
       {"TIME e0 61 @3.60 = 0.06"},
       "0.06",
       "0.00",
       "0.06",
       {"no_readings"}},

      // 12 345 Wh in whole-kWh steps → 13 000 Wh × 0.30 = 3.90
      {"EnergyStep_RoundsUpToWholeSteps",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.30", "step_size": 1000}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 12345)}},
       {"ENERGY e0 13000 @0.30 = 3.90"},
       "3.90",
       "0.00",
       "3.90"},

      // 10 050 Wh evenly over 16:00–18:00 (UTC); 17:00 splits it 5025 / 5025. The last
      // period is e0 (step 100): total 10 050 → 10 100; e1's own step (1000) plays no part.
      //   e1: 5025 × 0.20 = 1.005 → 1.01;  e0: 10100 − 5025 = 5075 × 0.40 = 2.03    total 3.04
      {"EnergyStep_OfTheLastPeriod_AppliesToTheSessionTotal",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.40", "step_size": 100}],
            "restrictions": {"start_time": "17:00"}},
           {"price_components": [{"type": "ENERGY", "price": "0.20", "step_size": 1000}]}]})",
       {.start = utc("2026-01-14 16:00"),
        .stop = utc("2026-01-14 18:00"),
        .readings = {wh("2026-01-14 16:00", 0), wh("2026-01-14 18:00", 10050)}},
       {"ENERGY e1 5025 @0.20 = 1.01", "ENERGY e0 5075 @0.40 = 2.03"},
       "3.04",
       "0.00",
       "3.04"},

      // 1000 Wh over 16:59–17:02: a third (333.33 Wh) before 17:00, two thirds after.
      // Each line is rounded down to whole Wh (333, 666) and the remaining 1 Wh goes to the
      // last period: 333 + 667 = 1000.
      //   e1: 333 × 0.30 = 0.0999 → 0.10;  e0: 667 × 0.30 = 0.2001 → 0.20      total 0.30
      {"FractionalWhOfASplit_GoToTheLastPeriod",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.30"}], "restrictions": {"start_time": "17:00"}},
           {"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 16:59"),
        .stop = utc("2026-01-14 17:02"),
        .readings = {wh("2026-01-14 16:59", 0), wh("2026-01-14 17:02", 1000)}},
       {"ENERGY e1 333 @0.30 = 0.10", "ENERGY e0 667 @0.30 = 0.20"},
       "0.30",
       "0.00",
       "0.30"},

      // A register in milli-Wh: 1500.5 Wh rounds up to 1501 Wh × 0.30 = 0.4503 → 0.45
      {"FractionalWh_RoundUpToWholeWh",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {{utc("2026-01-14 10:00"), 0}, {utc("2026-01-14 11:00"), 1'500'500}}},
       {"ENERGY e0 1501 @0.30 = 0.45"},
       "0.45",
       "0.00",
       "0.45"},

      // 1 kWh × 0.30 = 0.30 < min 2.00 → 2.00; VAT 19 % = 0.38; incl. 2.38
      {"MinPrice_RaisesTheTotal",
       R"({"id": "t", "currency": "EUR", "vat_percent": "19", "min_price": "2.00", "max_price": "10.00",
           "elements": [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 1000)}},
       {"ENERGY e0 1000 @0.30 = 0.30"},
       "2.00",
       "0.38",
       "2.38",
       {"min_price_applied"}},

      // 50 kWh × 0.30 = 15.00 > max 10.00 → 10.00; VAT 1.90; incl. 11.90
      {"MaxPrice_CapsTheTotal",
       R"({"id": "t", "currency": "EUR", "vat_percent": "19", "min_price": "2.00", "max_price": "10.00",
           "elements": [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 50000)}},
       {"ENERGY e0 50000 @0.30 = 15.00"},
       "10.00",
       "1.90",
       "11.90",
       {"max_price_applied"}},

      // 20 kWh × 0.30 = 6.00, between the bounds; VAT 1.14; incl. 7.14
      {"MinMaxPrice_BetweenTheBounds_Unchanged",
       R"({"id": "t", "currency": "EUR", "vat_percent": "19", "min_price": "2.00", "max_price": "10.00",
           "elements": [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 20000)}},
       {"ENERGY e0 20000 @0.30 = 6.00"},
       "6.00",
       "1.14",
       "7.14"},

      // 2.5 kWh × 1.00 = 2.50; VAT 19 % = 0.475 → 0.48 (half-up); incl. 2.98
      {"Vat_RoundsHalfUp",
       R"({"id": "t", "currency": "EUR", "vat_percent": "19",
           "elements": [{"price_components": [{"type": "ENERGY", "price": "1.00"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 2500)}},
       {"ENERGY e0 2500 @1.00 = 2.50"},
       "2.50",
       "0.48",
       "2.98"},

      // 8.35 kWh × 0.30 = 2.505 → 2.51; VAT 19 % of 2.51 = 0.4769 → 0.48; incl. 2.99
      // (VAT is computed on the rounded total, not on 2.505.)
      {"Vat_OnTheRoundedTotal",
       R"({"id": "t", "currency": "EUR", "vat_percent": "19",
           "elements": [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 8350)}},
       {"ENERGY e0 8350 @0.30 = 2.51"},
       "2.51",
       "0.48",
       "2.99"},

      // CHF at 7.7 %: 1 kWh × 1.30 = 1.30; VAT 0.1001 → 0.10; incl. 1.40
      {"Vat_DecimalRate",
       R"({"id": "t", "currency": "CHF", "vat_percent": "7.7",
           "elements": [{"price_components": [{"type": "ENERGY", "price": "1.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 1000)}},
       {"ENERGY e0 1000 @1.30 = 1.30"},
       "1.30",
       "0.10",
       "1.40"},

      // Yen has no minor unit: 1.234 kWh × 35 = 43.19 → 43; VAT 10 % = 4.3 → 4; incl. 47
      {"Vat_Yen",
       R"({"id": "t", "currency": "JPY", "vat_percent": "10",
           "elements": [{"price_components": [{"type": "ENERGY", "price": "35"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 1234)}},
       {"ENERGY e0 1234 @35 = 43"},
       "43",
       "4",
       "47"},

      // Charging 10:00–11:00 (11 kWh), then parked 1 h. Grace 600 s → 3000 s billed.
      //   ENERGY 11000 × 0.30 = 3.30;  PARKING 3000 s × 6.00/h = 5.00      total 8.30
      {"ParkingTime_AfterGrace",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.30"},
                                 {"type": "PARKING_TIME", "price": "6.00", "step_size": 60, "grace_s": 600}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 12:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 11000), wh("2026-01-14 12:00", 11000)},
        .periods = {{utc("2026-01-14 10:00"), utc("2026-01-14 11:00"), true},
                    {utc("2026-01-14 11:00"), utc("2026-01-14 12:00"), false}}},
       {"ENERGY e0 11000 @0.30 = 3.30", "PARKING_TIME e0 3000 @6.00 = 5.00"},
       "8.30",
       "0.00",
       "8.30"},

      // The grace is the session's parking time: a 5-minute pause uses 300 s of it, the
      // final 20 minutes use the other 300 s and 900 s are billed.
      //   ENERGY 9000 × 0.30 = 2.70
      //   TIME   charging 30 + 25 min = 3300 s × 1.20 = 1.10
      //   PARKING 900 s × 6.00 = 1.50                                      total 5.30
      {"ParkingTime_GraceSpansParkingPeriods",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.30"}, {"type": "TIME", "price": "1.20"},
                                 {"type": "PARKING_TIME", "price": "6.00", "step_size": 60, "grace_s": 600}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:20"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 10:30", 5000), wh("2026-01-14 10:35", 5000),
                     wh("2026-01-14 11:00", 9000), wh("2026-01-14 11:20", 9000)},
        .periods = {{utc("2026-01-14 10:00"), utc("2026-01-14 10:30"), true},
                    {utc("2026-01-14 10:30"), utc("2026-01-14 10:35"), false},
                    {utc("2026-01-14 10:35"), utc("2026-01-14 11:00"), true},
                    {utc("2026-01-14 11:00"), utc("2026-01-14 11:20"), false}}},
       {"ENERGY e0 9000 @0.30 = 2.70", "TIME e0 3300 @1.20 = 1.10", "PARKING_TIME e0 900 @6.00 = 1.50"},
       "5.30",
       "0.00",
       "5.30"},

      // Starts Friday 23:00 (UTC), ends Saturday 01:00. FLAT is taken once, from the
      // element holding at the start (e1, 0.50), although e0 applies from midnight on.
      //   FLAT 0.50; ENERGY Fri 1000 × 0.30 = 0.30, Sat 1000 × 0.35 = 0.35   total 1.15
      {"Flat_OncePerSession_FromTheElementAtTheStart",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "FLAT", "price": "1.00"}, {"type": "ENERGY", "price": "0.35"}],
            "restrictions": {"day_of_week": ["SATURDAY", "SUNDAY"]}},
           {"price_components": [{"type": "FLAT", "price": "0.50"}, {"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-16 23:00"),
        .stop = utc("2026-01-17 01:00"),
        .readings = {wh("2026-01-16 23:00", 0), wh("2026-01-17 01:00", 2000)}},
       {"FLAT e1 1 @0.50 = 0.50", "ENERGY e1 1000 @0.30 = 0.30", "ENERGY e0 1000 @0.35 = 0.35"},
       "1.15",
       "0.00",
       "1.15"},

      // Half-hour intervals at 60 kW, 20 kW and exactly 50 kW; min_power 50 is inclusive.
      //   e0: 30000 + 25000 = 55000 × 0.50 = 27.50;  e1: 10000 × 0.30 = 3.00   total 30.50
      {"MinPower_AverageOfEachInterval_Inclusive",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.50"}], "restrictions": {"min_power": 50}},
           {"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:30"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 10:30", 30000), wh("2026-01-14 11:00", 40000),
                     wh("2026-01-14 11:30", 65000)}},
       {"ENERGY e0 55000 @0.50 = 27.50", "ENERGY e1 10000 @0.30 = 3.00"},
       "30.50",
       "0.00",
       "30.50"},

      // max_power 22 is exclusive: an hour at exactly 22 kW is not below it, an hour at
      // 21.999 kW is.   e1: 22000 × 0.40 = 8.80;  e0: 21999 × 0.20 = 4.3998 → 4.40   total 13.20
      {"MaxPower_Exclusive",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.20"}], "restrictions": {"max_power": "22"}},
           {"price_components": [{"type": "ENERGY", "price": "0.40"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 12:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 22000),
                     wh("2026-01-14 12:00", 43999)}},
       {"ENERGY e1 22000 @0.40 = 8.80", "ENERGY e0 21999 @0.20 = 4.40"},
       "13.20",
       "0.00",
       "13.20"},

      // First hour cheaper (max_duration 3600). The interval 10:30–11:30 (12 kWh) is split
      // at 11:00: 6000 / 6000.
      //   ENERGY first hour 6000 + 6000 = 12000 × 0.25 = 3.00; after 6000 × 0.35 = 2.10
      //   TIME   3600 s × 1.00 = 1.00; 1800 s × 3.00 = 1.50                 total 7.60
      {"MaxDuration_FirstHourCheaper",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.25"}, {"type": "TIME", "price": "1.00"}],
            "restrictions": {"max_duration": 3600}},
           {"price_components": [{"type": "ENERGY", "price": "0.35"}, {"type": "TIME", "price": "3.00"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:30"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 10:30", 6000), wh("2026-01-14 11:30", 18000)}},
       {"ENERGY e0 12000 @0.25 = 3.00", "ENERGY e1 6000 @0.35 = 2.10", "TIME e0 3600 @1.00 = 1.00",
        "TIME e1 1800 @3.00 = 1.50"},
       "7.60",
       "0.00",
       "7.60"},

      // 15 kWh evenly over an hour; 10 kWh are reached at 10:40. Below 10 kWh e0 prices
      // energy; from 10 kWh on e1 prices energy and time.
      //   e0 10000 × 0.20 = 2.00; e1 5000 × 0.40 = 2.00; TIME 1200 s × 6.00 = 2.00   total 6.00
      {"MinMaxKwh_SplitExactlyAtTheThreshold",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.20"}], "restrictions": {"max_kwh": 10}},
           {"price_components": [{"type": "ENERGY", "price": "0.40"}, {"type": "TIME", "price": "6.00"}],
            "restrictions": {"min_kwh": "10"}}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 15000)}},
       {"ENERGY e0 10000 @0.20 = 2.00", "ENERGY e1 5000 @0.40 = 2.00", "TIME e1 1200 @6.00 = 2.00"},
       "6.00",
       "0.00",
       "6.00"},

      // 10 A until 10:30, 32 A after; max_current 16 (exclusive).
      //   e0: 5500 × 0.25 = 1.375 → 1.38;  e1: 5500 × 0.30 = 1.65      total 3.03
      {"MaxCurrent_FromTheLatestSample",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.25"}], "restrictions": {"max_current": 16}},
           {"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 11000)},
        .current = {{utc("2026-01-14 10:30"), 32'000'000}, {utc("2026-01-14 10:00"), 10'000'000}}},
       {"ENERGY e0 5500 @0.25 = 1.38", "ENERGY e1 5500 @0.30 = 1.65"},
       "3.03",
       "0.00",
       "3.03"},

      // Without current samples a current restriction cannot hold: 11000 × 0.30 = 3.30
      {"MaxCurrent_WithoutSamples_DoesNotHold",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.25"}], "restrictions": {"max_current": 16}},
           {"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 11000)}},
       {"ENERGY e1 11000 @0.30 = 3.30"},
       "3.30",
       "0.00",
       "3.30"},

      // Shuffled readings with a duplicate: sorted, deduplicated, 9000 Wh × 0.30 = 2.70
      {"Messy_ReadingsOutOfOrderAndDuplicated",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0",
           "elements": [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:30", 5000), wh("2026-01-14 10:00", 0), wh("2026-01-14 11:00", 9000),
                     wh("2026-01-14 10:30", 5000)}},
       {"ENERGY e0 9000 @0.30 = 2.70"},
       "2.70",
       "0.00",
       "2.70",
       {"readings_out_of_order"}},

      // 1000 → 3000 → 500 (backwards) → 1500: 2000 + 0 + 1000 = 3000 Wh × 0.30 = 0.90
      {"Messy_MeterRegression_NegativeStepNotBilled",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0",
           "elements": [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 1000), wh("2026-01-14 10:20", 3000), wh("2026-01-14 10:40", 500),
                     wh("2026-01-14 11:00", 1500)}},
       {"ENERGY e0 3000 @0.30 = 0.90"},
       "0.90",
       "0.00",
       "0.90",
       {"meter_regression"}},

      // No energy: the energy line stays, at 0; an hour of TIME × 1.00 = 1.00
      {"Messy_ZeroEnergy",
       R"({"id": "t", "currency": "EUR", "vat_percent": "19", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.30"}, {"type": "TIME", "price": "1.00"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 5000), wh("2026-01-14 11:00", 5000)}},
       {"ENERGY e0 0 @0.30 = 0.00", "TIME e0 3600 @1.00 = 1.00"},
       "1.00",
       "0.19",
       "1.19"},

      // No stop: the last reading (10:45) ends the session.
      //   ENERGY 4500 × 0.30 = 1.35; TIME 2700 s × 2.00 = 1.50      total 2.85
      {"Messy_MissingStop_IsTheLastReading",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.30"}, {"type": "TIME", "price": "2.00"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 10:45", 4500)}},
       {"ENERGY e0 4500 @0.30 = 1.35", "TIME e0 2700 @2.00 = 1.50"},
       "2.85",
       "0.00",
       "2.85",
       {"stop_from_last_reading"}},

      // No readings at all: time is still billed, energy is 0.
      {"Messy_NoReadings",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.30"}, {"type": "TIME", "price": "1.00"}]}]})",
       {.start = utc("2026-01-14 10:00"), .stop = utc("2026-01-14 11:00")},
       {"ENERGY e0 0 @0.30 = 0.00", "TIME e0 3600 @1.00 = 1.00"},
       "1.00",
       "0.00",
       "1.00",
       {"no_readings"}},

      // Same instant, two values: the higher one stays; 6000 Wh in all × 0.30 = 1.80
      {"Messy_ConflictingReadings",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0",
           "elements": [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 10:30", 3100), wh("2026-01-14 10:30", 3000),
                     wh("2026-01-14 11:00", 6000)}},
       {"ENERGY e0 6000 @0.30 = 1.80"},
       "1.80",
       "0.00",
       "1.80",
       {"conflicting_readings"}},

      // Readings straddle the session: half of 09:30–10:30 and half of 10:30–11:30 fall
      // inside 10:00–11:00: 3000 + 3000 = 6000 Wh × 0.30 = 1.80
      {"Messy_ReadingsOutsideTheSession_OnlyTheInsideIsBilled",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0",
           "elements": [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})",
       {.start = utc("2026-01-14 10:00"),
        .stop = utc("2026-01-14 11:00"),
        .readings = {wh("2026-01-14 09:30", 0), wh("2026-01-14 10:30", 6000), wh("2026-01-14 11:30", 12000)}},
       {"ENERGY e0 6000 @0.30 = 1.80"},
       "1.80",
       "0.00",
       "1.80",
       {"readings_outside_session"}},

      // A stop before the start: a session of length zero, nothing to bill.
      {"Messy_StopBeforeStart",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "ENERGY", "price": "0.30"}, {"type": "TIME", "price": "1.00"}]}]})",
       {.start = utc("2026-01-14 11:00"), .stop = utc("2026-01-14 10:00")},
       {},
       "0.00",
       "0.00",
       "0.00",
       {"no_readings", "stop_before_start"}},

      // Three days, 20 kWh a day, nights (00:00–06:00) cheaper:
      //   ENERGY 60000 × 0.30 = 18.00
      //   TIME night 3 × 6 h = 64800 s × 0.50 = 9.00; day 3 × 18 h = 194400 s × 1.00 = 54.00
      //   total 81.00
      {"Messy_SessionOfManyDays",
       R"({"id": "t", "currency": "EUR", "vat_percent": "0", "elements": [
           {"price_components": [{"type": "TIME", "price": "0.50"}],
            "restrictions": {"start_time": "00:00", "end_time": "06:00"}},
           {"price_components": [{"type": "ENERGY", "price": "0.30"}, {"type": "TIME", "price": "1.00"}]}]})",
       {.start = utc("2026-01-10 00:00"),
        .stop = utc("2026-01-13 00:00"),
        .readings = {wh("2026-01-10 00:00", 0), wh("2026-01-11 00:00", 20000), wh("2026-01-12 00:00", 40000),
                     wh("2026-01-13 00:00", 60000)}},
       {"ENERGY e1 60000 @0.30 = 18.00", "TIME e0 64800 @0.50 = 9.00", "TIME e1 194400 @1.00 = 54.00"},
       "81.00",
       "0.00",
       "81.00"},
  };
}

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

class PriceSession : public ::testing::TestWithParam<Case> {};

TEST_P(PriceSession, MatchesTheHandWorkedFigures) {
  const Case& c = GetParam();
  const PricedSession priced = price_session(tariff(c.tariff), c.input);
  EXPECT_EQ(describe(priced), c.lines);
  EXPECT_EQ(format_money(priced.total_excl_vat), c.total_excl_vat);
  EXPECT_EQ(format_money(priced.vat), c.vat);
  EXPECT_EQ(format_money(priced.total_incl_vat), c.total_incl_vat);
  EXPECT_EQ(priced.flags, c.flags);
  // Explainable line by line: the lines add up to lines_total.
  std::int64_t sum = 0;
  for (const PricedLine& line : priced.lines) {
    sum += line.amount.micros;
  }
  EXPECT_EQ(priced.lines_total.micros, sum);
}

INSTANTIATE_TEST_SUITE_P(Billing, PriceSession, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return param_info.param.name;
                         });

const char* const kSimpleTariff = R"({"id": "t", "version": 4, "currency": "EUR", "vat_percent": "19",
    "elements": [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]})";

TEST(PriceSession, UnknownTimeZone_Throws) {
  SessionInput input{.start = utc("2026-01-14 10:00"), .time_zone = "Mars/Olympus_Mons"};
  EXPECT_THROW(price_session(tariff(kSimpleTariff), input), std::invalid_argument);
}

TEST(PriceSession, CarriesTariffAndWindow) {
  const SessionInput input{.start = utc("2026-01-14 10:00"),
                           .readings = {wh("2026-01-14 10:00", 100), wh("2026-01-14 10:30", 1334)}};
  const PricedSession priced = price_session(tariff(kSimpleTariff), input);
  EXPECT_EQ(priced.tariff_id, "t");
  EXPECT_EQ(priced.tariff_version, 4);
  EXPECT_EQ(priced.currency, "EUR");
  EXPECT_EQ(priced.start, utc("2026-01-14 10:00"));
  EXPECT_EQ(priced.stop, utc("2026-01-14 10:30"));
  EXPECT_EQ(priced.energy_mwh, 1'234'000);
  EXPECT_EQ(priced.vat_percent, 19'000'000);
}

TEST(PriceSession, IsPure_SameInputSameResult) {
  const Case c = cases()[0];
  const PricedSession a = price_session(tariff(c.tariff), c.input);
  const PricedSession b = price_session(tariff(c.tariff), c.input);
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_EQ(a.total_incl_vat, b.total_incl_vat);
}

TEST(PricedSessionJson, CostShape) {
  // 1234 Wh × 0.30 = 0.3702 → 0.37; VAT 19 % = 0.0703 → 0.07; incl. 0.44
  const SessionInput input{.start = utc("2026-01-14 10:00"),
                           .stop = utc("2026-01-14 10:30"),
                           .readings = {wh("2026-01-14 10:00", 0), wh("2026-01-14 10:30", 1234)}};
  const nlohmann::json cost = price_session(tariff(kSimpleTariff), input);
  EXPECT_EQ(cost, nlohmann::json::parse(R"({
    "currency": "EUR", "tariff_id": "t", "tariff_version": 4, "energy_wh": 1234,
    "lines": [{"dimension": "ENERGY", "element_index": 0, "quantity": 1234, "unit_price": "0.30",
               "amount": "0.37", "basis": "TARIFF"}],
    "lines_total": "0.37", "total_excl_vat": "0.37", "vat_percent": "19", "vat": "0.07",
    "total_incl_vat": "0.44", "flags": []})"));
}

}  // namespace
}  // namespace csms::billing
