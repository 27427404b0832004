#include "out_dir.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <vector>

#include "recording/recorder.hpp"

namespace fs = std::filesystem;

namespace mixsim::cli {

namespace {

constexpr std::string_view kTemporarySuffix = ".tmp";

bool is_run_folder_file(const std::string& name) {
  return std::find(std::begin(kRunFolderFiles), std::end(kRunFolderFiles), name) != std::end(kRunFolderFiles);
}

std::string list_files(const std::vector<std::string>& names) {
  constexpr size_t kMaxListed = 5;
  std::string text;
  for (size_t i = 0; i < names.size() && i < kMaxListed; ++i) {
    text += (i > 0 ? ", " : "") + names[i];
  }
  if (names.size() > kMaxListed) {
    text += fmt::format(" and {} more", names.size() - kMaxListed);
  }
  return text;
}

// The folder's files, sorted into those of a run, the temporary ones an interrupted run left, and the others.
struct FolderContent {
  std::vector<std::string> results;
  std::vector<std::string> temporary;
  std::vector<std::string> foreign;
  std::vector<std::string> not_regular;  // a run's file names used by something that is not a regular file
};

FolderContent read_folder(const fs::path& out) {
  FolderContent content;
  for (const auto& entry : fs::directory_iterator(out)) {
    const std::string name = entry.path().filename().string();
    const bool temporary = name.ends_with(kTemporarySuffix);
    const std::string base = temporary ? name.substr(0, name.size() - kTemporarySuffix.size()) : name;
    if (!is_run_folder_file(base)) {
      content.foreign.push_back(name);
    } else if (temporary) {
      content.temporary.push_back(name);
    } else if (!entry.is_regular_file() || entry.is_symlink()) {
      content.not_regular.push_back(name);
    } else {
      content.results.push_back(name);
    }
  }
  for (auto* names : {&content.results, &content.temporary, &content.foreign, &content.not_regular}) {
    std::sort(names->begin(), names->end());
  }
  return content;
}

// Returns why the results in `out` are not a run of `scenario_name`, or "".
std::string other_run(const fs::path& out, const FolderContent& content, const std::string& scenario_name) {
  if (std::find(content.results.begin(), content.results.end(), "summary.json") == content.results.end()) {
    return fmt::format("the folder holds results without summary.json ({}), so their scenario is unknown",
                       list_files(content.results));
  }
  std::ifstream in(out / "summary.json");
  const auto summary = nlohmann::json::parse(in, nullptr, false);
  if (summary.is_discarded() || !summary.is_object() || !summary.contains("scenario") ||
      !summary["scenario"].is_string()) {
    return "the folder's summary.json is not a mixsim summary";
  }
  const std::string previous = summary["scenario"].get<std::string>();
  if (previous != scenario_name) {
    return fmt::format("the folder holds the results of scenario '{}', not of '{}'", previous, scenario_name);
  }
  return {};
}

}  // namespace

std::string prepare_out_dir(const fs::path& out, const std::string& scenario_name, bool force) {
  const std::string where = "mixsim run: --out " + out.string() + ": ";
  std::error_code error;
  const auto status = fs::symlink_status(out, error);
  if (fs::exists(status) && !fs::is_directory(fs::status(out, error))) {
    return where + "exists and is not a folder";
  }
  if (!fs::exists(status)) {
    fs::create_directories(out, error);
    return error ? where + "cannot create the folder: " + error.message() : std::string();
  }

  FolderContent content;
  try {
    content = read_folder(out);
  } catch (const fs::filesystem_error& failure) {
    return where + "cannot list the folder: " + failure.code().message();
  }
  // Even --force cannot replace these: a rename onto a folder fails, and a link would be replaced, not followed.
  if (!content.not_regular.empty()) {
    return where + list_files(content.not_regular) + " is not a regular file; remove it or choose another folder";
  }
  if (!force && !content.foreign.empty()) {
    return where + "the folder holds files that are not mixsim results (" + list_files(content.foreign) +
           "); choose another folder or pass --force";
  }
  if (!force && !content.results.empty()) {
    if (const std::string problem = other_run(out, content, scenario_name); !problem.empty()) {
      return where + problem + "; choose another folder or pass --force";
    }
  }
  for (const std::string& name : content.temporary) {
    fs::remove(out / name, error);
    if (error) {
      return where + "cannot remove the leftover " + name + ": " + error.message();
    }
  }
  return {};
}

}  // namespace mixsim::cli
