#pragma once

#include <string>

namespace csms::domain {

// One page of a list (DESIGN.md section 2): at most `limit` items after `cursor`.
struct Page {
  int limit = 50;
  std::string cursor;  // opaque; empty for the first page
};

}  // namespace csms::domain
