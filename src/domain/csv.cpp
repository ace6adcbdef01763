#include "csms/domain/csv.hpp"

namespace csms::domain {
namespace {

// [+-]digits[.digits]: what a spreadsheet reads as a number and nothing else.
bool plain_decimal(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  auto digits = [&text, &i] {
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (!digits()) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

// OWASP "CSV Injection": cells starting with these are formulas to Excel, LibreOffice and
// Google Sheets (tab and carriage return because some of them skip leading white space).
bool formula_like(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return !plain_decimal(text);
    default:
      return false;
  }
}

}  // namespace

std::string csv_field(std::string_view value, bool text) {
  std::string cell;
  if (text && formula_like(value)) cell += '\'';
  cell += value;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace csms::domain
