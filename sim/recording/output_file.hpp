// Result files written under a temporary name and renamed into place only when complete, so that a reader never
// sees half a file.
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace mixsim {

/// A buffered output file. Text goes to `<path>.tmp` until commit() renames it to `<path>`; an OutputFile
/// destroyed without commit() removes its temporary file, so `<path>` is either absent, the earlier file, or
/// complete. The temporary file is created anew and never through a symbolic link. Throws std::runtime_error on
/// I/O errors.
class OutputFile {
 public:
  explicit OutputFile(std::string path);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  /// The buffer to format into; call maybe_flush() after each row.
  fmt::memory_buffer& buffer() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= kFlushBytes) {
      flush();
    }
  }
  void append(std::string_view text) {
    buffer_.append(text.data(), text.data() + text.size());
    maybe_flush();
  }
  void commit();
  const std::string& path() const { return path_; }

 private:
  static constexpr size_t kFlushBytes = 1 << 20;
  void flush();

  std::string path_;
  std::string temporary_path_;
  std::FILE* file_ = nullptr;
  fmt::memory_buffer buffer_;
};

}  // namespace mixsim
