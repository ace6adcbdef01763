#include "csms/billing/invoice.hpp"

#include <algorithm>
#include <map>

#include "csms/billing/money.hpp"
#include "csms/domain/csv.hpp"

namespace csms::billing {

namespace {

std::string money_text(const std::string& currency, std::int64_t micros) {
  return format_money(Money{currency, micros});
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string text_of(const nlohmann::json& value) {
  if (value.is_null()) return "";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

nlohmann::json build_invoice(const InvoiceInput& input) {
  std::string currency = input.plan
                             ? input.plan->monthly_fee.currency
                             : (input.sessions.empty() ? "EUR" : input.sessions.front().priced.currency);
  std::vector<PricedSession> priced;
  std::vector<const InvoiceSession*> billed;
  nlohmann::json excluded = nlohmann::json::array();
  for (const auto& s : input.sessions) {
    if (s.priced.currency != currency) {
      excluded.push_back({{"transaction_id", s.transaction_id},
                          {"currency", s.priced.currency},
                          {"reason", "priced in " + s.priced.currency + ", the invoice is in " + currency}});
      continue;
    }
    priced.push_back(s.priced);
    billed.push_back(&s);
  }
  std::int64_t included_used = 0;
  if (input.plan) {
    PlanMonth month = apply_plan(priced, *input.plan);
    priced = std::move(month.sessions);
    included_used = month.included_energy_used_wh;
  }

  std::map<std::int64_t, std::int64_t> base_by_rate;  // micro-percent -> micros excl. VAT
  nlohmann::json items = nlohmann::json::array();
  std::int64_t total_excl = 0;
  if (input.plan) {
    const auto fee = input.plan->monthly_fee.micros;
    base_by_rate[input.fee_vat_percent] += round_to_minor(input.plan->monthly_fee).micros;
    total_excl += round_to_minor(input.plan->monthly_fee).micros;
    items.push_back({{"kind", "plan_fee"},
                     {"description", "Monthly fee, plan " + input.plan->name + " (" + input.plan->id + ")"},
                     {"total_excl_vat", money_text(currency, fee)},
                     {"vat_percent", format_decimal(input.fee_vat_percent)}});
  }
  for (std::size_t i = 0; i < priced.size(); ++i) {
    const PricedSession& p = priced[i];
    nlohmann::json cost;
    to_json(cost, p);
    base_by_rate[p.vat_percent] += p.total_excl_vat.micros;
    total_excl += p.total_excl_vat.micros;
    items.push_back({{"kind", "session"},
                     {"transaction_id", billed[i]->transaction_id},
                     {"station_id", billed[i]->station_id},
                     {"id_token", billed[i]->id_token},
                     {"started_at", domain::format_timestamp(p.start)},
                     {"stopped_at", domain::format_timestamp(p.stop)},
                     {"energy_wh", p.energy_mwh / 1000},
                     {"tariff_id", p.tariff_id},
                     {"tariff_version", p.tariff_version},
                     {"lines", cost["lines"]},
                     {"total_excl_vat", cost["total_excl_vat"]},
                     {"vat_percent", cost["vat_percent"]},
                     {"flags", cost["flags"]},
                     {"signed_meter_values", billed[i]->signed_meter_values}});
  }
  nlohmann::json vat = nlohmann::json::array();
  std::int64_t total_vat = 0;
  for (const auto& [rate, base] : base_by_rate) {
    const Money amount = percent_of(Money{currency, base}, rate);
    total_vat += amount.micros;
    vat.push_back({{"vat_percent", format_decimal(rate)},
                   {"base_excl_vat", money_text(currency, base)},
                   {"vat", money_text(currency, amount.micros)}});
  }
  nlohmann::json invoice{{"customer_id", input.customer_id},
                         {"customer_name", input.customer_name},
                         {"period",
                          {{"month", input.month},
                           {"time_zone", input.time_zone},
                           {"from", domain::format_timestamp(input.from)},
                           {"to", domain::format_timestamp(input.to)}}},
                         {"currency", currency},
                         {"items", items},
                         {"vat", vat},
                         {"total_excl_vat", money_text(currency, total_excl)},
                         {"total_vat", money_text(currency, total_vat)},
                         {"total_incl_vat", money_text(currency, total_excl + total_vat)},
                         {"excluded_sessions", excluded}};
  if (input.plan) {
    invoice["plan"] = {{"id", input.plan->id},
                       {"name", input.plan->name},
                       {"included_energy_wh", input.plan->included_energy_wh},
                       {"included_energy_used_wh", included_used},
                       {"discount_percent", format_decimal(input.plan->discount_percent)}};
  } else {
    invoice["plan"] = nullptr;
  }
  return invoice;
}

std::string invoice_csv(const nlohmann::json& invoice) {
  std::string out =
      "number,item,transaction_id,station_id,started_at,dimension,basis,quantity,unit_price,amount,vat_"
      "percent,"
      "currency\r\n";
  const std::string number = text_of(invoice.value("number", nlohmann::json()));
  const std::string currency = text_of(invoice["currency"]);
  auto row = [&](std::initializer_list<std::string> cells) {
    bool first = true;
    for (const auto& c : cells) {
      // Every cell is text here; money is a decimal string, which csv_field leaves a number.
      out += (first ? "" : ",") + domain::csv_field(c);
      first = false;
    }
    out += "\r\n";
  };
  for (const auto& item : invoice["items"]) {
    if (item["kind"] == "plan_fee") {
      row({number, "plan_fee", "", "", "", "", "", "1", text_of(item["total_excl_vat"]),
           text_of(item["total_excl_vat"]), text_of(item["vat_percent"]), currency});
      continue;
    }
    for (const auto& line : item["lines"]) {
      row({number, "session", text_of(item["transaction_id"]), text_of(item["station_id"]),
           text_of(item["started_at"]), text_of(line["dimension"]), text_of(line["basis"]),
           text_of(line["quantity"]), text_of(line["unit_price"]), text_of(line["amount"]),
           text_of(item["vat_percent"]), currency});
    }
  }
  for (const auto& v : invoice["vat"]) {
    row({number, "vat", "", "", "", "", "", text_of(v["base_excl_vat"]), text_of(v["vat_percent"]),
         text_of(v["vat"]), text_of(v["vat_percent"]), currency});
  }
  row({number, "total_excl_vat", "", "", "", "", "", "", "", text_of(invoice["total_excl_vat"]), "",
       currency});
  row({number, "total_incl_vat", "", "", "", "", "", "", "", text_of(invoice["total_incl_vat"]), "",
       currency});
  return out;
}

std::string invoice_html(const nlohmann::json& invoice) {
  const std::string currency = html_escape(text_of(invoice["currency"]));
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Invoice " +
      html_escape(text_of(invoice.value("number", nlohmann::json()))) +
      "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
      "td,th{border-bottom:1px solid #ccc;padding:4px;text-align:left}td.n{text-align:right}"
      "</style></head><body>\n";
  out += "<h1>Invoice " + html_escape(text_of(invoice.value("number", nlohmann::json()))) + "</h1>\n";
  out += "<p>Customer: " + html_escape(text_of(invoice["customer_name"])) + " (" +
         html_escape(text_of(invoice["customer_id"])) +
         ")<br>Period: " + html_escape(text_of(invoice["period"]["month"])) + " (" +
         html_escape(text_of(invoice["period"]["time_zone"])) +
         ")<br>Issued: " + html_escape(text_of(invoice.value("issued_at", nlohmann::json()))) + "</p>\n";
  out += "<table><tr><th>Item</th><th>Quantity</th><th>Unit price</th><th>Amount (" + currency +
         ")</th><th>VAT %</th></tr>\n";
  for (const auto& item : invoice["items"]) {
    if (item["kind"] == "plan_fee") {
      out += "<tr><td>" + html_escape(text_of(item["description"])) + "</td><td class=n>1</td><td class=n>" +
             html_escape(text_of(item["total_excl_vat"])) + "</td><td class=n>" +
             html_escape(text_of(item["total_excl_vat"])) + "</td><td class=n>" +
             html_escape(text_of(item["vat_percent"])) + "</td></tr>\n";
      continue;
    }
    out += "<tr><th colspan=5>Session " + html_escape(text_of(item["transaction_id"])) + " at " +
           html_escape(text_of(item["station_id"])) + ", " + html_escape(text_of(item["started_at"])) +
           " to " + html_escape(text_of(item["stopped_at"])) + ", " +
           html_escape(text_of(item["energy_wh"])) + " Wh</th></tr>\n";
    for (const auto& line : item["lines"]) {
      const std::string unit = line["dimension"] == "ENERGY" ? " Wh"
                               : line["dimension"] == "FLAT" ? ""
                                                             : " s";
      out += "<tr><td>" + html_escape(text_of(line["dimension"])) + " (" +
             html_escape(text_of(line["basis"])) + ")</td><td class=n>" +
             html_escape(text_of(line["quantity"])) + unit + "</td><td class=n>" +
             html_escape(text_of(line["unit_price"])) + "</td><td class=n>" +
             html_escape(text_of(line["amount"])) + "</td><td class=n>" +
             html_escape(text_of(item["vat_percent"])) + "</td></tr>\n";
    }
  }
  out += "</table>\n<table>";
  for (const auto& v : invoice["vat"]) {
    out += "<tr><td>VAT " + html_escape(text_of(v["vat_percent"])) + " % on " +
           html_escape(text_of(v["base_excl_vat"])) + "</td><td class=n>" + html_escape(text_of(v["vat"])) +
           "</td></tr>\n";
  }
  out += "<tr><th>Total excl. VAT</th><td class=n>" + html_escape(text_of(invoice["total_excl_vat"])) +
         "</td></tr><tr><th>Total incl. VAT</th><td class=n>" +
         html_escape(text_of(invoice["total_incl_vat"])) + " " + currency +
         "</td></tr></table>\n</body></html>\n";
  return out;
}

}  // namespace csms::billing
