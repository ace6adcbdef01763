#pragma once

// libpqxx helpers shared by the repositories; only src/store includes libpqxx.

#include <cstdint>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "csms/domain/ports.hpp"
#include "csms/domain/time.hpp"

// libpqxx 6.4 binds an empty std::optional as NULL and reads NULL into one.

namespace csms::store {

inline std::string ts(domain::Timestamp t) { return domain::format_timestamp(t); }
inline std::optional<std::string> ts(const std::optional<domain::Timestamp>& t) {
  if (!t) return std::nullopt;
  return domain::format_timestamp(*t);
}

// Reads a nullable column (libpqxx 6.4 cannot make an empty std::optional itself here).
template <typename T>
std::optional<T> opt(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<T>();
}

// Reads a column selected as epoch milliseconds (`csms_ms(col)`).
inline std::optional<domain::Timestamp> ms(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return domain::Timestamp(std::chrono::milliseconds(field.as<long long>()));
}

// A statement of the charger message path, prepared on this connection the first time it
// runs (named by a hash of its text): PostgreSQL then parses it once per connection and,
// after a few runs, reuses its plan, instead of parsing and planning it at every message.
template <typename... Args>
pqxx::result exec_cached(pqxx::transaction_base& txn, const std::string& sql, Args&&... args) {
  auto name = "c" + std::to_string(std::hash<std::string>{}(sql));
  txn.conn().prepare(name, sql);  // declares it once; the same text again is a no-op
  return txn.exec_prepared(name, std::forward<Args>(args)...);
}

template <typename... Args>
pqxx::row exec_cached1(pqxx::transaction_base& txn, const std::string& sql, Args&&... args) {
  auto result = exec_cached(txn, sql, std::forward<Args>(args)...);
  if (result.size() != 1)
    throw pqxx::unexpected_rows("expected 1 row from a statement, got " + std::to_string(result.size()));
  return result[0];
}

// A text[] literal for a parameter cast with ::text[].
std::string text_array(const std::vector<std::string>& values);

// One column of a multi-row statement, sent as an array literal and read back with
// unnest($n::type[]): PostgreSQL reads these far faster than the same rows as JSON
// (jsonb_to_recordset), and building them needs no JSON document here either.
class ArrayColumn {
 public:
  void add_text(std::string_view value);
  void add_int(std::int64_t value);
  void add_real(double value);  // shortest text that reads back as the same double
  void add_null();
  template <typename T>
  void add_int(const std::optional<T>& value) {
    value ? add_int(static_cast<std::int64_t>(*value)) : add_null();
  }
  void add_text(const std::string& value) { add_text(std::string_view(value)); }
  void add_text(const std::optional<std::string>& value) { value ? add_text(*value) : add_null(); }
  void add_real(const std::optional<double>& value) { value ? add_real(*value) : add_null(); }
  void add_bool(bool value) { add_raw(value ? "t" : "f"); }
  // The literal, e.g. {"a",NULL,"b"}.
  std::string literal() const { return text_ + '}'; }

 private:
  void add_raw(std::string_view value);
  std::string text_ = "{";
};

// A station's variables as one message reports them (station_variables), in one statement.
// `at`: when the message came (absent: now).
void upsert_variables(pqxx::transaction_base& txn, const std::string& station_id,
                      const domain::VariableReport& report, std::optional<domain::Timestamp> at);

// A page's cursor where it is an id (the api checked it is digits); none on the first page.
inline std::optional<long long> numeric_cursor(const domain::Page& page) {
  if (page.cursor.empty()) return std::nullopt;
  return std::stoll(page.cursor);
}

// A REST page {"items": [...], "next_cursor": ...} from rows carrying `doc` (the item's JSON)
// and `cursor`, fetched with one row more than the limit to know whether a next page exists.
std::string page_json(const pqxx::result& rows, const domain::Page& page);

}  // namespace csms::store
