// Whole-file reads and atomic writes of the small text files of a batch (sweep.json, runs.csv, baselines).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace mixsim::batch {

/// Returns the content of the file at `path`, or empty when it cannot be opened.
std::optional<std::string> read_text(const std::filesystem::path& path);

/// Writes `text` to `path` under a temporary name and renames it into place, so that a reader, or a batch
/// killed mid-write, never leaves half a file. Throws std::runtime_error on I/O errors.
void write_text_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace mixsim::batch
