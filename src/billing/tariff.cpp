#include "csms/billing/tariff.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace csms::billing {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxIdLength = 36;  // OCPI CiString(36)

constexpr std::array<std::string_view, 7> kDayNames{"MONDAY", "TUESDAY",  "WEDNESDAY", "THURSDAY",
                                                    "FRIDAY", "SATURDAY", "SUNDAY"};

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw std::invalid_argument(path + ": " + why);
}

std::string at(const std::string& path, std::string_view key) { return path + "." + std::string(key); }
std::string at(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// Absent and null mean the same: OCPI writes optional fields either way.
const json* find(const json& object, std::string_view key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

const json& require(const json& object, std::string_view key, const std::string& path) {
  const json* value = find(object, key);
  if (value == nullptr) {
    fail(at(path, key), "is required");
  }
  return *value;
}

void expect_object(const json& value, const std::string& path) {
  if (!value.is_object()) {
    fail(path, "expected an object, got " + value.dump());
  }
}

void reject_unknown_keys(const json& object, std::initializer_list<std::string_view> known,
                         const std::string& path) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      fail(at(path, key), "unknown key");
    }
  }
}

std::string string_of(const json& value, const std::string& path) {
  if (!value.is_string()) {
    fail(path, "expected a string, got " + value.dump());
  }
  return value.get<std::string>();
}

std::int64_t integer_of(const json& value, const std::string& path) {
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    fail(path, "out of range");
  }
  if (!value.is_number_integer()) {
    fail(path, "expected an integer, got " + value.dump());
  }
  return value.get<std::int64_t>();
}

bool bool_of(const json& value, const std::string& path) {
  if (!value.is_boolean()) {
    fail(path, "expected true or false, got " + value.dump());
  }
  return value.get<bool>();
}

int two_digits(std::string_view text, std::size_t pos) {
  const char a = text[pos], b = text[pos + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') {
    return -1;
  }
  return (a - '0') * 10 + (b - '0');
}

std::chrono::minutes time_of_day_of(const json& value, const std::string& path) {
  const std::string text = string_of(value, path);
  // OCPI: ([0-1][0-9]|2[0-3]):[0-5][0-9]
  if (text.size() == 5 && text[2] == ':') {
    const int hours = two_digits(text, 0), minutes = two_digits(text, 3);
    if (hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59) {
      return std::chrono::minutes{hours * 60 + minutes};
    }
  }
  fail(path, "expected HH:MM, got \"" + text + "\"");
}

std::chrono::year_month_day date_of(const json& value, const std::string& path) {
  const std::string text = string_of(value, path);
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    const int century = two_digits(text, 0), year = two_digits(text, 2);
    const int month = two_digits(text, 5), day = two_digits(text, 8);
    if (century >= 0 && year >= 0 && month >= 0 && day >= 0) {
      const std::chrono::year_month_day date{std::chrono::year{century * 100 + year},
                                             std::chrono::month{static_cast<unsigned>(month)},
                                             std::chrono::day{static_cast<unsigned>(day)}};
      if (date.ok()) {
        return date;
      }
    }
  }
  fail(path, "expected a date YYYY-MM-DD, got \"" + text + "\"");
}

std::string hhmm(std::chrono::minutes value) {
  const auto count = value.count();
  std::string text = std::to_string(count / 60);
  text.insert(0, 2 - text.size(), '0');
  std::string minutes = std::to_string(count % 60);
  minutes.insert(0, 2 - minutes.size(), '0');
  return text + ":" + minutes;
}

std::string iso_date(std::chrono::year_month_day date) {
  std::string year = std::to_string(static_cast<int>(date.year()));
  year.insert(0, year.size() < 4 ? 4 - year.size() : 0, '0');
  std::string month = std::to_string(static_cast<unsigned>(date.month()));
  month.insert(0, 2 - month.size(), '0');
  std::string day = std::to_string(static_cast<unsigned>(date.day()));
  day.insert(0, 2 - day.size(), '0');
  return year + "-" + month + "-" + day;
}

// An OCPI 2.2.1 Price object {"excl_vat", "incl_vat"} or a plain decimal; we keep excl. VAT.
std::int64_t price_bound_of(const json& value, const std::string& path) {
  if (value.is_object()) {
    return decimal_from_json(require(value, "excl_vat", path), at(path, "excl_vat"));
  }
  return decimal_from_json(value, path);
}

PriceComponent component_of(const json& value, const std::string& path, const std::string& currency) {
  expect_object(value, path);
  reject_unknown_keys(value, {"type", "price", "step_size", "grace_s", "vat"}, path);
  if (find(value, "vat") != nullptr) {
    fail(at(path, "vat"), "a VAT rate per component is not supported; set the tariff's vat_percent");
  }
  PriceComponent component;
  const std::string type = string_of(require(value, "type", path), at(path, "type"));
  const auto dimension = dimension_from_string(type);
  if (!dimension) {
    fail(at(path, "type"), "expected ENERGY, TIME, PARKING_TIME or FLAT, got \"" + type + "\"");
  }
  component.type = *dimension;
  component.price = {currency, decimal_from_json(require(value, "price", path), at(path, "price"))};
  if (const json* step = find(value, "step_size")) {
    component.step_size = integer_of(*step, at(path, "step_size"));
  }
  if (const json* grace = find(value, "grace_s")) {
    component.grace_s = integer_of(*grace, at(path, "grace_s"));
  }
  return component;
}

Restrictions restrictions_of(const json& value, const std::string& path) {
  expect_object(value, path);
  reject_unknown_keys(
      value,
      {"start_time", "end_time", "start_date", "end_date", "day_of_week", "min_kwh", "max_kwh", "min_power",
       "max_power", "min_current", "max_current", "min_duration", "max_duration"},
      path);
  Restrictions r;
  if (const json* v = find(value, "start_time")) {
    r.start_time = time_of_day_of(*v, at(path, "start_time"));
  }
  if (const json* v = find(value, "end_time")) {
    r.end_time = time_of_day_of(*v, at(path, "end_time"));
  }
  if (const json* v = find(value, "start_date")) {
    r.start_date = date_of(*v, at(path, "start_date"));
  }
  if (const json* v = find(value, "end_date")) {
    r.end_date = date_of(*v, at(path, "end_date"));
  }
  if (const json* v = find(value, "day_of_week")) {
    const std::string days_path = at(path, "day_of_week");
    if (!v->is_array()) {
      fail(days_path, "expected an array of day names, got " + v->dump());
    }
    std::array<bool, 7> seen{};
    for (std::size_t i = 0; i < v->size(); ++i) {
      const std::string name = string_of((*v)[i], at(days_path, i));
      const auto it = std::find(kDayNames.begin(), kDayNames.end(), name);
      if (it == kDayNames.end()) {
        fail(at(days_path, i), "expected MONDAY to SUNDAY, got \"" + name + "\"");
      }
      seen[static_cast<std::size_t>(it - kDayNames.begin())] = true;
    }
    for (unsigned iso = 1; iso <= 7; ++iso) {
      if (seen[iso - 1]) {
        r.day_of_week.emplace_back(iso);  // weekday{7} is Sunday
      }
    }
    if (r.day_of_week.empty()) {
      fail(days_path, "must name at least one day (omit it for every day)");
    }
  }
  const auto decimal = [&](std::string_view key, std::optional<std::int64_t>& out) {
    if (const json* v = find(value, key)) {
      out = decimal_from_json(*v, at(path, key));
    }
  };
  decimal("min_kwh", r.min_kwh);
  decimal("max_kwh", r.max_kwh);
  decimal("min_power", r.min_power);
  decimal("max_power", r.max_power);
  decimal("min_current", r.min_current);
  decimal("max_current", r.max_current);
  if (const json* v = find(value, "min_duration")) {
    r.min_duration = std::chrono::seconds{integer_of(*v, at(path, "min_duration"))};
  }
  if (const json* v = find(value, "max_duration")) {
    r.max_duration = std::chrono::seconds{integer_of(*v, at(path, "max_duration"))};
  }
  return r;
}

void validate_restrictions(const Restrictions& r, const std::string& path) {
  const auto non_negative = [&](std::string_view key, const std::optional<std::int64_t>& v) {
    if (v && *v < 0) {
      fail(at(path, key), "must not be negative, got " + format_decimal(*v));
    }
  };
  const auto ordered = [&](std::string_view min_key, std::string_view max_key, const auto& min,
                           const auto& max) {
    if (min && max && !(*min < *max)) {
      fail(path, std::string(min_key) + " must be less than " + std::string(max_key));
    }
  };
  non_negative("min_kwh", r.min_kwh);
  non_negative("max_kwh", r.max_kwh);
  non_negative("min_power", r.min_power);
  non_negative("max_power", r.max_power);
  non_negative("min_current", r.min_current);
  non_negative("max_current", r.max_current);
  if (r.min_duration && r.min_duration->count() < 0) {
    fail(at(path, "min_duration"), "must not be negative");
  }
  if (r.max_duration && r.max_duration->count() < 0) {
    fail(at(path, "max_duration"), "must not be negative");
  }
  if (r.start_time && (*r.start_time < std::chrono::minutes{0} || *r.start_time >= std::chrono::hours{24})) {
    fail(at(path, "start_time"), "out of range");
  }
  if (r.end_time && (*r.end_time < std::chrono::minutes{0} || *r.end_time >= std::chrono::hours{24})) {
    fail(at(path, "end_time"), "out of range");
  }
  if (r.start_date && !r.start_date->ok()) {
    fail(at(path, "start_date"), "not a valid date");
  }
  if (r.end_date && !r.end_date->ok()) {
    fail(at(path, "end_date"), "not a valid date");
  }
  ordered("min_kwh", "max_kwh", r.min_kwh, r.max_kwh);
  ordered("min_power", "max_power", r.min_power, r.max_power);
  ordered("min_current", "max_current", r.min_current, r.max_current);
  ordered("min_duration", "max_duration", r.min_duration, r.max_duration);
  if (r.start_date && r.end_date &&
      !(std::chrono::sys_days{*r.start_date} < std::chrono::sys_days{*r.end_date})) {
    fail(path, "start_date must be before end_date");
  }
  for (std::size_t i = 0; i < r.day_of_week.size(); ++i) {
    if (!r.day_of_week[i].ok()) {
      fail(at(at(path, "day_of_week"), i), "not a valid day");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (r.day_of_week[j] == r.day_of_week[i]) {
        fail(at(at(path, "day_of_week"), i), "duplicate day");
      }
    }
  }
}

json decimal_json(std::int64_t micros) { return format_decimal(micros); }

}  // namespace

std::string_view to_string(Dimension dimension) {
  switch (dimension) {
    case Dimension::Energy:
      return "ENERGY";
    case Dimension::Time:
      return "TIME";
    case Dimension::ParkingTime:
      return "PARKING_TIME";
    case Dimension::Flat:
      return "FLAT";
  }
  return "?";
}

std::optional<Dimension> dimension_from_string(std::string_view text) {
  for (const Dimension d : {Dimension::Energy, Dimension::Time, Dimension::ParkingTime, Dimension::Flat}) {
    if (to_string(d) == text) {
      return d;
    }
  }
  return std::nullopt;
}

void validate(const Tariff& tariff) {
  const std::string path = "tariff";
  if (tariff.id.empty() || tariff.id.size() > kMaxIdLength) {
    fail(at(path, "id"), "must be 1 to 36 characters");
  }
  if (tariff.version < 1) {
    fail(at(path, "version"), "must be at least 1");
  }
  if (!is_currency_code(tariff.currency)) {
    fail(at(path, "currency"), "expected an ISO 4217 code such as EUR, got \"" + tariff.currency + "\"");
  }
  if (tariff.vat_percent < 0 || tariff.vat_percent > kMicroPercentPerWhole) {
    fail(at(path, "vat_percent"), "must be between 0 and 100, got " + format_decimal(tariff.vat_percent));
  }
  const std::pair<std::string_view, const std::optional<Money>*> bounds[] = {
      {"min_price", &tariff.min_price}, {"max_price", &tariff.max_price}};
  for (const auto& [key, bound] : bounds) {
    if (*bound && (*bound)->micros < 0) {
      fail(at(path, key), "must not be negative");
    }
    if (*bound && (*bound)->currency != tariff.currency) {
      fail(at(path, key), "currency differs from the tariff's");
    }
  }
  if (tariff.min_price && tariff.max_price && tariff.min_price->micros > tariff.max_price->micros) {
    fail(path, "min_price must not exceed max_price");
  }
  if (tariff.start_date_time && tariff.end_date_time && *tariff.end_date_time <= *tariff.start_date_time) {
    fail(at(path, "end_date_time"), "must be after start_date_time");
  }
  if (tariff.elements.empty()) {
    fail(at(path, "elements"), "must hold at least one element");
  }
  for (std::size_t e = 0; e < tariff.elements.size(); ++e) {
    const TariffElement& element = tariff.elements[e];
    const std::string element_path = at(at(path, "elements"), e);
    const std::string components_path = at(element_path, "price_components");
    if (element.price_components.empty()) {
      fail(components_path, "must hold at least one price component");
    }
    for (std::size_t c = 0; c < element.price_components.size(); ++c) {
      const PriceComponent& component = element.price_components[c];
      const std::string component_path = at(components_path, c);
      for (std::size_t other = 0; other < c; ++other) {
        if (element.price_components[other].type == component.type) {
          fail(component_path, "a second " + std::string(to_string(component.type)) +
                                   " component in the same element (OCPI allows one per type)");
        }
      }
      if (component.price.currency != tariff.currency) {
        fail(at(component_path, "price"), "currency differs from the tariff's");
      }
      if (component.price.micros < 0) {
        fail(at(component_path, "price"),
             "must not be negative, got " + format_decimal(component.price.micros));
      }
      if (component.step_size < 1) {
        fail(at(component_path, "step_size"),
             "must be at least 1, got " + std::to_string(component.step_size));
      }
      if (component.grace_s != 0 && component.type != Dimension::ParkingTime) {
        fail(at(component_path, "grace_s"), "only a PARKING_TIME component has a grace period");
      }
      if (component.grace_s < 0) {
        fail(at(component_path, "grace_s"), "must not be negative, got " + std::to_string(component.grace_s));
      }
    }
    if (element.restrictions) {
      validate_restrictions(*element.restrictions, at(element_path, "restrictions"));
    }
  }
}

void from_json(const json& value, Tariff& tariff) {
  const std::string path = "tariff";
  expect_object(value, path);
  Tariff parsed;
  parsed.id = string_of(require(value, "id", path), at(path, "id"));
  if (const json* version = find(value, "version")) {
    parsed.version = integer_of(*version, at(path, "version"));
  }
  parsed.currency = string_of(require(value, "currency", path), at(path, "currency"));
  if (!is_currency_code(parsed.currency)) {
    fail(at(path, "currency"), "expected an ISO 4217 code such as EUR, got \"" + parsed.currency + "\"");
  }
  parsed.vat_percent = decimal_from_json(require(value, "vat_percent", path), at(path, "vat_percent"));
  if (const json* bound = find(value, "min_price")) {
    parsed.min_price = Money{parsed.currency, price_bound_of(*bound, at(path, "min_price"))};
  }
  if (const json* bound = find(value, "max_price")) {
    parsed.max_price = Money{parsed.currency, price_bound_of(*bound, at(path, "max_price"))};
  }
  if (const json* is_default = find(value, "is_default")) {
    parsed.is_default = bool_of(*is_default, at(path, "is_default"));
  }
  for (auto [key, field] : {std::pair{"start_date_time", &parsed.start_date_time},
                            std::pair{"end_date_time", &parsed.end_date_time}}) {
    const json* time = find(value, key);
    if (time == nullptr) continue;
    const std::string text = string_of(*time, at(path, key));
    *field = domain::parse_timestamp(text);
    if (!*field) {
      fail(at(path, key),
           "expected an RFC 3339 time with an offset such as 2026-11-01T00:00:00Z, got \"" + text + "\"");
    }
  }
  const std::string elements_path = at(path, "elements");
  const json& elements = require(value, "elements", path);
  if (!elements.is_array()) {
    fail(elements_path, "expected an array, got " + elements.dump());
  }
  for (std::size_t e = 0; e < elements.size(); ++e) {
    const std::string element_path = at(elements_path, e);
    const json& element_json = elements[e];
    expect_object(element_json, element_path);
    reject_unknown_keys(element_json, {"price_components", "restrictions"}, element_path);
    TariffElement element;
    const std::string components_path = at(element_path, "price_components");
    const json& components = require(element_json, "price_components", element_path);
    if (!components.is_array()) {
      fail(components_path, "expected an array, got " + components.dump());
    }
    for (std::size_t c = 0; c < components.size(); ++c) {
      element.price_components.push_back(
          component_of(components[c], at(components_path, c), parsed.currency));
    }
    if (const json* restrictions = find(element_json, "restrictions")) {
      element.restrictions = restrictions_of(*restrictions, at(element_path, "restrictions"));
    }
    parsed.elements.push_back(std::move(element));
  }
  validate(parsed);
  tariff = std::move(parsed);
}

void to_json(json& out, const Tariff& tariff) {
  out = json{{"id", tariff.id},
             {"version", tariff.version},
             {"currency", tariff.currency},
             {"vat_percent", decimal_json(tariff.vat_percent)},
             {"is_default", tariff.is_default},
             {"min_price", nullptr},
             {"max_price", nullptr},
             {"start_date_time", nullptr},
             {"end_date_time", nullptr},
             {"elements", json::array()}};
  if (tariff.start_date_time) {
    out["start_date_time"] = domain::format_timestamp(*tariff.start_date_time);
  }
  if (tariff.end_date_time) {
    out["end_date_time"] = domain::format_timestamp(*tariff.end_date_time);
  }
  const int digits = minor_unit_digits(tariff.currency);
  if (tariff.min_price) {
    out["min_price"] = format_decimal(tariff.min_price->micros, digits);
  }
  if (tariff.max_price) {
    out["max_price"] = format_decimal(tariff.max_price->micros, digits);
  }
  for (const TariffElement& element : tariff.elements) {
    json element_json{{"price_components", json::array()}};
    for (const PriceComponent& component : element.price_components) {
      json component_json{{"type", to_string(component.type)},
                          {"price", format_decimal(component.price.micros, digits)},
                          {"step_size", component.step_size}};
      if (component.type == Dimension::ParkingTime) {
        component_json["grace_s"] = component.grace_s;
      }
      element_json["price_components"].push_back(std::move(component_json));
    }
    if (element.restrictions) {
      const Restrictions& r = *element.restrictions;
      json restrictions = json::object();
      if (r.start_time) {
        restrictions["start_time"] = hhmm(*r.start_time);
      }
      if (r.end_time) {
        restrictions["end_time"] = hhmm(*r.end_time);
      }
      if (r.start_date) {
        restrictions["start_date"] = iso_date(*r.start_date);
      }
      if (r.end_date) {
        restrictions["end_date"] = iso_date(*r.end_date);
      }
      if (!r.day_of_week.empty()) {
        json days = json::array();
        for (const auto day : r.day_of_week) {
          days.push_back(kDayNames[day.iso_encoding() - 1]);
        }
        restrictions["day_of_week"] = std::move(days);
      }
      const auto decimal = [&](std::string_view key, const std::optional<std::int64_t>& v) {
        if (v) {
          restrictions[std::string(key)] = decimal_json(*v);
        }
      };
      decimal("min_kwh", r.min_kwh);
      decimal("max_kwh", r.max_kwh);
      decimal("min_power", r.min_power);
      decimal("max_power", r.max_power);
      decimal("min_current", r.min_current);
      decimal("max_current", r.max_current);
      if (r.min_duration) {
        restrictions["min_duration"] = r.min_duration->count();
      }
      if (r.max_duration) {
        restrictions["max_duration"] = r.max_duration->count();
      }
      element_json["restrictions"] = std::move(restrictions);
    }
    out["elements"].push_back(std::move(element_json));
  }
}

}  // namespace csms::billing
