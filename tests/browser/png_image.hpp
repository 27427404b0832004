// Decoding a PNG screenshot into RGB pixels (libpng), and simple statistics of a region of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mixsim::browser {

/// An image as 8-bit RGB triples, row by row from the top.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
};

/// Decodes PNG bytes; throws std::runtime_error with libpng's message when they are not a valid PNG.
RgbImage decode_png(const std::string& png);

/// What a region of an image holds.
struct RegionStatistics {
  int64_t pixels = 0;
  double luminance_sd = 0;      // standard deviation of luminance (0 to 255): 0 for a uniform region
  double colored_fraction = 0;  // share of pixels with saturated colour (the palette's, not grey text or grid)
};

/// Measures the region [x, x + width) x [y, y + height), clipped to the image.
RegionStatistics measure_region(const RgbImage& image, int x, int y, int width, int height);

/// Decodes standard base64 (as the DevTools protocol sends screenshots); throws on invalid characters.
std::string decode_base64(const std::string& text);

}  // namespace mixsim::browser
