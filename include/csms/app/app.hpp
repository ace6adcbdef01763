#pragma once

#include <string>
#include <vector>

namespace csms::app {

// Runs the command line (`csms serve|migrate|version [--config FILE] [--section.key=value]`)
// and returns the process exit code.
int main(const std::vector<std::string>& args);

}  // namespace csms::app
