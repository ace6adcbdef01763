#pragma once

#include <filesystem>
#include <string_view>

namespace csms::app {

// Writes `content` to `path` readable and writable by its owner only (mode 0600): a new file
// beside it, synced, then renamed over `path`, so a reader never sees half a secret and a
// symbolic link planted at `path` is replaced, not followed. Throws std::runtime_error naming
// the path and the reason (never the content).
void write_secret_file(const std::filesystem::path& path, std::string_view content);

}  // namespace csms::app
