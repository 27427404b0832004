#include "batch/sweep_merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>

#include "batch/run_table.hpp"
#include "batch/shard.hpp"
#include "batch/sweep_file.hpp"
#include "batch/sweep_folder.hpp"
#include "batch/text_file.hpp"
#include "mixsim/diagnostics.hpp"

namespace fs = std::filesystem;

namespace mixsim::batch {

namespace {

/// A shard folder as read from disk.
struct ShardFolder {
  fs::path dir;
  nlohmann::ordered_json manifest;  // sweep.json
  uint64_t index = 0;
  uint64_t count = 1;
  uint64_t total_runs = 0;
  CsvTable runs;
};

[[noreturn]] void fail(const fs::path& dir, const std::string& message) {
  throw InputError(Diagnostic{Origin{dir.string(), 0, 0, {}}, {}, message});
}

nlohmann::ordered_json read_json(const fs::path& dir, const char* name) {
  const fs::path path = dir / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fail(dir, fmt::format("no {}; expected the folder of a mixsim sweep or of one of its shards", name));
  }
  nlohmann::ordered_json value = nlohmann::ordered_json::parse(in, nullptr, false);
  if (value.is_discarded() || !value.is_object()) {
    fail(dir, fmt::format("{} is not a JSON object", name));
  }
  return value;
}

uint64_t read_count(const fs::path& dir, const nlohmann::ordered_json& object, const char* file, const char* key) {
  if (!object.contains(key) || !object[key].is_number_unsigned()) {
    fail(dir, fmt::format("{} has no whole number '{}'", file, key));
  }
  return object[key].get<uint64_t>();
}

ShardFolder read_shard_folder(const fs::path& dir) {
  ShardFolder shard;
  shard.dir = dir;
  shard.manifest = read_json(dir, kSweepManifest);
  shard.total_runs = read_count(dir, shard.manifest, kSweepManifest, "runs");
  if (fs::exists(dir / kShardManifest)) {
    const nlohmann::ordered_json manifest = read_json(dir, kShardManifest);
    shard.index = read_count(dir, manifest, kShardManifest, "shard");
    shard.count = read_count(dir, manifest, kShardManifest, "shards");
    shard.total_runs = read_count(dir, manifest, kShardManifest, "totalRuns");
  }
  if (shard.count == 0 || shard.count > kMaxShards || shard.total_runs > kMaxRuns) {
    fail(dir, fmt::format("shard.json gives {} shards of {} runs; valid: 1 to {} shards of at most {} runs",
                          shard.count, shard.total_runs, kMaxShards, kMaxRuns));
  }
  if (!fs::exists(dir / kRunsCsv)) {
    fail(dir, "no runs.csv: the shard did not run to its end; run its sweep command again, then merge");
  }
  shard.runs = parse_csv_table(read_text(dir / kRunsCsv).value_or(""), (dir / kRunsCsv).string());
  return shard;
}

// sweep.json without "runs", which differs between shards of one sweep.
nlohmann::ordered_json identity_of(nlohmann::ordered_json manifest) {
  manifest.erase("runs");
  return manifest;
}

// Puts the shards in index order and checks that they are the shards of one sweep, each once.
std::vector<const ShardFolder*> order_shards(const std::vector<ShardFolder>& shards) {
  const ShardFolder& first = shards.front();
  std::vector<const ShardFolder*> ordered(first.count, nullptr);
  for (const ShardFolder& shard : shards) {
    if (identity_of(shard.manifest) != identity_of(first.manifest)) {
      fail(shard.dir, fmt::format("sweep.json describes another sweep than {}", first.dir.string()));
    }
    if (shard.count != first.count || shard.total_runs != first.total_runs) {
      fail(shard.dir, fmt::format("is shard {} of {} of {} runs, but {} is one of {} of {} runs", shard.index,
                                  shard.count, shard.total_runs, first.dir.string(), first.count, first.total_runs));
    }
    if (shard.index >= shard.count) {
      fail(shard.dir, fmt::format("shard.json names shard {} of only {}", shard.index, shard.count));
    }
    if (ordered[shard.index] != nullptr) {
      fail(shard.dir, fmt::format("is shard {}/{}, and so is {}; give each shard once", shard.index, shard.count,
                                  ordered[shard.index]->dir.string()));
    }
    ordered[shard.index] = &shard;
  }
  for (uint64_t index = 0; index < ordered.size(); ++index) {
    if (ordered[index] == nullptr) {
      fail(first.dir, fmt::format("shard {}/{} of this sweep is missing; give the folders of all {} shards", index,
                                  first.count, first.count));
    }
  }
  return ordered;
}

void check_out_folder(const fs::path& out, const std::vector<ShardFolder>& shards) {
  std::error_code error;
  for (const ShardFolder& shard : shards) {
    if (fs::exists(out, error) && fs::equivalent(out, shard.dir, error)) {
      fail(out, "is one of the shard folders; merge into another folder");
    }
  }
  if (!fs::exists(out, error) || (fs::is_directory(out, error) && fs::is_empty(out, error))) {
    return;
  }
  if (!fs::is_directory(out, error)) {
    fail(out, "exists and is not a folder");
  }
  if (!fs::exists(out / kSweepManifest) || fs::exists(out / kShardManifest) ||
      identity_of(read_json(out, kSweepManifest)) != identity_of(shards.front().manifest)) {
    fail(out, "holds files that are not an earlier merge of this sweep; choose another folder");
  }
}

void copy_runs(const fs::path& out, const ShardFolder& shard) {
  const size_t id_column = shard.runs.find_column("run_id").value_or(0);
  for (const auto& row : shard.runs.rows) {
    const fs::path source = run_folder(shard.dir, row[id_column]);
    const fs::path target = run_folder(out, row[id_column]);
    fs::remove_all(target);
    fs::create_directories(target.parent_path());
    fs::copy(source, target, fs::copy_options::recursive);
  }
}

void check_run_folders(const ShardFolder& shard) {
  const auto id_column = shard.runs.find_column("run_id");
  if (!id_column || !shard.runs.find_column("status")) {
    fail(shard.dir, "runs.csv has no run_id or no status column; it is not a sweep's runs.csv");
  }
  for (const auto& row : shard.runs.rows) {
    const std::string& id = row[*id_column];
    const bool safe = !id.empty() && id != "." && id != ".." && std::all_of(id.begin(), id.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
    });
    if (!safe) {
      fail(shard.dir, fmt::format("runs.csv lists run '{}', which is not a run id", id));
    }
    if (!fs::is_directory(run_folder(shard.dir, row[*id_column]))) {
      fail(shard.dir, fmt::format("runs.csv lists run {} but runs/{} is missing", row[*id_column], row[*id_column]));
    }
  }
}

}  // namespace

MergeSummary merge_shards(const fs::path& out, const std::vector<fs::path>& shard_dirs) {
  std::vector<ShardFolder> shards;
  for (const fs::path& dir : shard_dirs) {
    shards.push_back(read_shard_folder(dir));
  }
  if (shards.empty()) {
    throw InputError(Diagnostic{Origin{}, {}, "no shard folders given"});
  }
  const std::vector<const ShardFolder*> ordered = order_shards(shards);
  std::vector<CsvTable> tables;
  for (const ShardFolder* shard : ordered) {
    check_run_folders(*shard);
    tables.push_back(shard->runs);
  }
  CsvTable merged;
  if (const std::string problem = interleave_shards(tables, shards.front().total_runs, merged); !problem.empty()) {
    fail(shards.front().dir, problem);
  }
  check_out_folder(out, shards);

  fs::create_directories(out / kRunsFolder);
  for (const ShardFolder* shard : ordered) {
    copy_runs(out, *shard);
  }
  nlohmann::ordered_json manifest = shards.front().manifest;
  manifest["runs"] = shards.front().total_runs;
  write_text_atomically(out / kSweepManifest, manifest.dump(2) + "\n");
  write_text_atomically(out / kRunsCsv, format_csv_table(merged));

  MergeSummary summary;
  summary.shards = ordered.size();
  summary.runs = merged.rows.size();
  summary.name = manifest.value("name", "");
  const size_t status_column = merged.find_column("status").value_or(0);
  for (const auto& row : merged.rows) {
    summary.not_ok += row[status_column] == "ok" ? 0 : 1;
  }
  return summary;
}

}  // namespace mixsim::batch
