#include "batch/shard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace mixsim::batch {

namespace {

std::optional<uint64_t> parse_count(std::string_view text) {
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  return std::strtoull(std::string(text).c_str(), nullptr, 10);
}

std::string check_range(uint64_t index, uint64_t count, std::string_view what) {
  if (count == 0 || count > kMaxShards) {
    return fmt::format("{}: the shard count {} is out of range; valid: 1 to {}", what, count, kMaxShards);
  }
  if (index >= count) {
    return fmt::format("{}: shard {} does not exist; with {} shards the index is 0 to {}", what, index, count,
                       count - 1);
  }
  return {};
}

std::string shard_from_slurm(const EnvironmentLookup& getenv, std::optional<Shard>& shard) {
  const char* id_text = getenv("SLURM_ARRAY_TASK_ID");
  const char* count_text = getenv("SLURM_ARRAY_TASK_COUNT");
  const auto id = parse_count(id_text);
  const auto count = parse_count(count_text == nullptr ? "" : count_text);
  if (!id || !count) {
    return fmt::format(
        "SLURM_ARRAY_TASK_ID={} with SLURM_ARRAY_TASK_COUNT={} does not name a shard; run the "
        "sweep in a job array, or pass --shard I/N",
        id_text, count_text == nullptr ? "(unset)" : count_text);
  }
  const char* min_text = getenv("SLURM_ARRAY_TASK_MIN");
  const char* step_text = getenv("SLURM_ARRAY_TASK_STEP");
  const uint64_t min = min_text == nullptr ? 0 : parse_count(min_text).value_or(0);
  const uint64_t step = std::max<uint64_t>(1, step_text == nullptr ? 1 : parse_count(step_text).value_or(1));
  if (*id < min || (*id - min) % step != 0) {
    return fmt::format(
        "SLURM_ARRAY_TASK_ID={} is not SLURM_ARRAY_TASK_MIN={} plus a multiple of "
        "SLURM_ARRAY_TASK_STEP={}; pass --shard I/N",
        *id, min, step);
  }
  const Shard chosen{(*id - min) / step, *count};
  if (std::string error = check_range(chosen.index, chosen.count, "SLURM_ARRAY_TASK_ID"); !error.empty()) {
    return error + "; use --array=0-N with N + 1 tasks, or pass --shard I/N";
  }
  shard = chosen;
  return {};
}

}  // namespace

std::string parse_shard(std::string_view text, Shard& shard) {
  const size_t slash = text.find('/');
  const auto index = slash == std::string_view::npos ? std::nullopt : parse_count(text.substr(0, slash));
  const auto count = slash == std::string_view::npos ? std::nullopt : parse_count(text.substr(slash + 1));
  if (!index || !count) {
    return fmt::format("--shard {}: expected I/N with whole numbers, e.g. 0/4 for the first of four shards", text);
  }
  if (std::string error = check_range(*index, *count, fmt::format("--shard {}", text)); !error.empty()) {
    return error;
  }
  shard = Shard{*index, *count};
  return {};
}

std::string shard_from_environment(const EnvironmentLookup& getenv, std::optional<uint64_t> shard_count,
                                   std::optional<Shard>& shard) {
  shard.reset();
  if (getenv("SLURM_ARRAY_TASK_ID") != nullptr) {
    return shard_from_slurm(getenv, shard);
  }
  const char* index_text = getenv("JOB_COMPLETION_INDEX");
  if (index_text == nullptr) {
    return {};
  }
  const auto index = parse_count(index_text);
  if (!index) {
    return fmt::format("JOB_COMPLETION_INDEX={} is not a whole number", index_text);
  }
  if (!shard_count) {
    return fmt::format(
        "JOB_COMPLETION_INDEX={} is set but the number of shards is not; pass --shard-count N with "
        "the job's completions, or --shard I/N",
        index_text);
  }
  if (std::string error = check_range(*index, *shard_count, "JOB_COMPLETION_INDEX"); !error.empty()) {
    return error + " (--shard-count)";
  }
  shard = Shard{*index, *shard_count};
  return {};
}

}  // namespace mixsim::batch
