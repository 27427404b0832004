#include "batch/text_file.hpp"

#include <fstream>
#include <sstream>

#include "recording/output_file.hpp"

namespace mixsim::batch {

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text_atomically(const std::filesystem::path& path, const std::string& text) {
  OutputFile file(path.string());
  file.append(text);
  file.commit();
}

}  // namespace mixsim::batch
