#include "png_image.hpp"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mixsim::browser {

namespace {

// A pixel is coloured when its channels differ by more than this: grey text, grid lines and white differ by
// little, while every palette colour except black differs by at least 100.
constexpr int kColoredSpread = 60;

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

}  // namespace

std::string decode_base64(const std::string& text) {
  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  uint32_t accumulator = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r') {
      continue;
    }
    const int value = base64_value(c);
    if (value < 0) {
      throw std::runtime_error(std::string("invalid base64 character '") + c + "'");
    }
    accumulator = (accumulator << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((accumulator >> bits) & 0xFF));
    }
  }
  return bytes;
}

RgbImage decode_png(const std::string& png) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, png.data(), png.size())) {
    throw std::runtime_error(std::string("invalid PNG: ") + image.message);
  }
  image.format = PNG_FORMAT_RGB;
  RgbImage decoded;
  decoded.width = static_cast<int>(image.width);
  decoded.height = static_cast<int>(image.height);
  decoded.pixels.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, decoded.pixels.data(), 0, nullptr)) {
    throw std::runtime_error(std::string("invalid PNG: ") + image.message);
  }
  return decoded;
}

RegionStatistics measure_region(const RgbImage& image, int x, int y, int width, int height) {
  const int left = std::clamp(x, 0, image.width);
  const int right = std::clamp(x + width, 0, image.width);
  const int top = std::clamp(y, 0, image.height);
  const int bottom = std::clamp(y + height, 0, image.height);
  RegionStatistics statistics;
  double sum = 0;
  double squares = 0;
  int64_t colored = 0;
  for (int row = top; row < bottom; ++row) {
    for (int column = left; column < right; ++column) {
      const uint8_t* pixel = &image.pixels[(static_cast<size_t>(row) * image.width + column) * 3];
      const double luminance = 0.2126 * pixel[0] + 0.7152 * pixel[1] + 0.0722 * pixel[2];
      sum += luminance;
      squares += luminance * luminance;
      const int spread = std::max({pixel[0], pixel[1], pixel[2]}) - std::min({pixel[0], pixel[1], pixel[2]});
      colored += spread > kColoredSpread ? 1 : 0;
      ++statistics.pixels;
    }
  }
  if (statistics.pixels > 0) {
    const double n = static_cast<double>(statistics.pixels);
    const double mean = sum / n;
    statistics.luminance_sd = std::sqrt(std::max(0.0, squares / n - mean * mean));
    statistics.colored_fraction = static_cast<double>(colored) / n;
  }
  return statistics;
}

}  // namespace mixsim::browser
