// Merging the folders of a sweep's shards into one sweep folder, as if the sweep had run in one place.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mixsim::batch {

/// Summary of a merge by merge_shards().
struct MergeSummary {
  uint64_t shards = 0;
  uint64_t runs = 0;
  uint64_t not_ok = 0;  // runs whose status is not ok
  std::string name;     // the sweep's name
};

/// Combines the shard folders into `out`: runs.csv rows in run-list order (so the file equals that of an
/// unsharded sweep), every run folder copied, and sweep.json with the total run count. The shards must all be of
/// one sweep (same sweep.json but for "runs"), cover every shard index exactly once and have finished (runs.csv
/// present). A folder without shard.json counts as the single shard of an unsharded sweep. Checks all of this
/// before writing anything; throws InputError naming the folder at fault.
MergeSummary merge_shards(const std::filesystem::path& out, const std::vector<std::filesystem::path>& shard_dirs);

}  // namespace mixsim::batch
