#include "output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mixsim {

OutputFile::OutputFile(std::string path) : path_(std::move(path)), temporary_path_(path_ + ".tmp") {
  // A leftover temporary file, or a symbolic link in its place, is removed, and the new one must not exist yet:
  // a link planted under the temporary name would otherwise lead the writes outside the result folder.
  if (::unlink(temporary_path_.c_str()) != 0 && errno != ENOENT) {
    throw std::runtime_error("cannot remove " + temporary_path_ + ": " + std::strerror(errno));
  }
  const int fd = ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw std::runtime_error("cannot create " + temporary_path_ + ": " + std::strerror(errno));
  }
  file_ = ::fdopen(fd, "wb");
  if (file_ == nullptr) {
    const int error = errno;
    ::close(fd);
    std::remove(temporary_path_.c_str());
    throw std::runtime_error("cannot create " + temporary_path_ + ": " + std::strerror(error));
  }
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::remove(temporary_path_.c_str());
  }
}

void OutputFile::flush() {
  if (buffer_.size() == 0) {
    return;
  }
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    throw std::runtime_error("cannot write " + temporary_path_ + ": " + std::strerror(errno));
  }
  buffer_.clear();
}

void OutputFile::commit() {
  flush();
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!closed) {
    std::remove(temporary_path_.c_str());
    throw std::runtime_error("cannot write " + temporary_path_ + ": " + std::strerror(errno));
  }
  if (std::rename(temporary_path_.c_str(), path_.c_str()) != 0) {
    std::remove(temporary_path_.c_str());
    throw std::runtime_error("cannot rename " + temporary_path_ + " to " + path_ + ": " + std::strerror(errno));
  }
}

}  // namespace mixsim
