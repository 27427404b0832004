#include "output_file.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mixsim {

OutputFile::OutputFile(std::string path) : path_(std::move(path)), temporary_path_(path_ + ".tmp") {
  file_ = std::fopen(temporary_path_.c_str(), "wb");
  if (file_ == nullptr) {
    throw std::runtime_error("cannot create " + temporary_path_ + ": " + std::strerror(errno));
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
