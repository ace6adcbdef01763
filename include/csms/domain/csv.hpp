#pragma once

#include <string>
#include <string_view>

namespace csms::domain {

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
// `text` is a text value (anything a charger, customer or operator may have chosen): when it
// starts with = + - @, a tab or a carriage return a spreadsheet would read it as a formula, so
// it gets a leading single quote (OWASP "CSV Injection"). A plain decimal number such as
// "-12.50" cannot be a formula and is left as it is, so money written as decimal strings
// stays a number. Numbers we wrote ourselves are passed with `text` false and never changed.
std::string csv_field(std::string_view value, bool text = true);

}  // namespace csms::domain
