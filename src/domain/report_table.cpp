// Rendering of report tables (ReportTable) as JSON and CSV.
#include <string_view>

#include "csms/domain/analytics.hpp"
#include "csms/domain/csv.hpp"

namespace csms::domain {

namespace {

std::vector<int> positions(const ReportTable& table, const std::vector<std::string>& columns) {
  std::vector<int> at;
  at.reserve(columns.size());
  for (const auto& name : columns) {
    int found = -1;
    for (std::size_t i = 0; i < table.columns.size(); ++i)
      if (table.columns[i] == name) found = static_cast<int>(i);
    at.push_back(found);
  }
  return at;
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

bool is_finite_number(std::string_view text) {
  return !text.empty() && text != "NaN" && text.find("Infinity") == std::string_view::npos;
}

}  // namespace

std::string report_rows_json(const ReportTable& table, const std::vector<std::string>& columns) {
  const auto at = positions(table, columns);
  std::string out = "[";
  out.reserve(table.cells.size() * 16 + 2);
  for (std::size_t row = 0; row < table.rows(); ++row) {
    out += row ? ",{" : "{";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) out += ',';
      append_json_string(out, columns[i]);
      out += ':';
      if (at[i] < 0 || !table.cell(row, at[i])) {
        out += "null";
        continue;
      }
      const std::string& text = *table.cell(row, at[i]);
      switch (table.kinds[at[i]]) {
        case ReportTable::Kind::Number:
          out += is_finite_number(text) ? text : "null";
          break;
        case ReportTable::Kind::Boolean:
          out += text == "t" || text == "true" ? "true" : "false";
          break;
        case ReportTable::Kind::Text:
          append_json_string(out, text);
          break;
      }
    }
    out += '}';
  }
  out += ']';
  return out;
}

std::string report_rows_csv(const ReportTable& table, const std::vector<std::string>& columns) {
  const auto at = positions(table, columns);
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + columns[i];
  out += "\r\n";
  for (std::size_t row = 0; row < table.rows(); ++row) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) out += ',';
      if (at[i] < 0 || !table.cell(row, at[i])) continue;
      const std::string& text = *table.cell(row, at[i]);
      if (table.kinds[at[i]] == ReportTable::Kind::Boolean) {
        out += text == "t" || text == "true" ? "true" : "false";
      } else if (table.kinds[at[i]] == ReportTable::Kind::Number) {
        if (is_finite_number(text)) out += csv_field(text, false);  // else empty, as NULL
      } else {
        out += csv_field(text);
      }
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace csms::domain
