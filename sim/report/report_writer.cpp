#include "report_writer.hpp"

#include "recording/output_file.hpp"
#include "run_report.hpp"
#include "sweep_report.hpp"

namespace fs = std::filesystem;

namespace mixsim::report {

bool is_sweep_dir(const fs::path& dir) {
  std::error_code error;
  return fs::is_regular_file(dir / "sweep.json", error);
}

fs::path write_report(const fs::path& dir, const fs::path& out) {
  // The whole page is built before the file is opened: a bad input file leaves nothing behind.
  const std::string page = is_sweep_dir(dir) ? build_sweep_report(dir) : build_run_report(dir);
  const fs::path path = out.empty() ? dir / "report.html" : out;
  OutputFile file(path.string());
  file.append(page);
  file.commit();
  return path;
}

}  // namespace mixsim::report
