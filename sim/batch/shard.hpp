// Shards: a sweep split into N parts that run on different machines. Shard I of N runs the run-list positions
// I, I + N, I + 2N, ...; interleaving keeps the shards' sizes within one run of each other.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mixsim::batch {

struct Shard {
  uint64_t index = 0;  // 0-based
  uint64_t count = 1;  // 1 = the whole sweep

  bool is_whole() const { return count == 1; }
  bool contains(uint64_t position) const { return position % count == index; }
};

/// Maximum number of shards of one sweep.
inline constexpr uint64_t kMaxShards = 100'000;

/// Parses `I/N` (0 <= I < N <= kMaxShards) into `shard`. Returns an error message, or "" on success.
std::string parse_shard(std::string_view text, Shard& shard);

/// Looks up an environment variable; std::getenv in production, a table in tests.
using EnvironmentLookup = std::function<const char*(const char*)>;

/// Chooses the shard from a cluster scheduler's environment. A Slurm job array sets SLURM_ARRAY_TASK_ID and
/// SLURM_ARRAY_TASK_COUNT; the index counts from SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP, so
/// `--array=1-4` and `--array=0-6:2` work. A Kubernetes indexed job sets JOB_COMPLETION_INDEX, and `shard_count`
/// gives the job's completions, which Kubernetes does not put in the environment. Leaves `shard` empty when
/// neither is set. Returns an error message, or "" on success.
std::string shard_from_environment(const EnvironmentLookup& getenv, std::optional<uint64_t> shard_count,
                                   std::optional<Shard>& shard);

}  // namespace mixsim::batch
