#include "csms/app/app.hpp"

int main(int argc, char** argv) { return csms::app::main(std::vector<std::string>(argv + 1, argv + argc)); }
