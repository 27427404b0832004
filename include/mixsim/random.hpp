// Seeded random streams. Each purpose (capacity evictions, rate evictions, ...) draws from its own stream derived
// from the scenario seed, so adding draws for one purpose does not change the others. The generators and
// distributions are written out here rather than taken from <random>, whose distributions may differ between
// standard libraries: the same seed must give the same results everywhere.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace mixsim {

/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64.
class RandomStream {
 public:
  RandomStream(uint64_t seed, std::string_view purpose) {
    // FNV-1a of the purpose separates the streams of one seed.
    uint64_t hash = 0xcbf29ce484222325ull;
    for (char c : purpose) {
      hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    }
    uint64_t state = seed ^ hash;
    for (uint64_t& word : state_) {
      word = split_mix(state);
    }
  }

  uint64_t next() {
    const uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  /// Uniform in [0, 1), with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [0, bound), without modulo bias. Requires bound > 0.
  uint64_t below(uint64_t bound) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t value = next();
    while (value >= limit) {
      value = next();
    }
    return value % bound;
  }

  /// Exponentially distributed with the given rate (events per unit of time). Requires rate > 0.
  double exponential(double rate) { return -std::log1p(-uniform()) / rate; }

  /// Standard normal, by the Box-Muller transform (one value per call; the second is discarded so that each
  /// call consumes the same number of draws).
  double normal() {
    const double u1 = 1.0 - uniform();  // in (0, 1], so the logarithm is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static uint64_t rotate_left(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t split_mix(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
};

}  // namespace mixsim
