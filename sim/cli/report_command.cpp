// `mixsim report`: the HTML report of a run folder or a sweep folder.
#include <boost/program_options.hpp>

#include <iostream>
#include <optional>

#include "commands.hpp"
#include "report/report_input_error.hpp"
#include "report/report_writer.hpp"

namespace po = boost::program_options;

namespace mixsim::cli {

namespace {

/// Options of `mixsim report`.
struct ReportCommandOptions {
  std::string dir;  // a run's result folder, or a sweep folder (one with sweep.json)
  std::string out;  // the page to write; empty = <dir>/report.html
};

std::optional<int> parse(const std::vector<std::string>& arguments, ReportCommandOptions& options) {
  po::options_description description("mixsim report DIR [options]");
  description.add_options()("help,h", "show this help")(
      "out,o", po::value(&options.out), "the page to write (default: DIR/report.html)");
  po::options_description hidden;
  hidden.add_options()("dir", po::value(&options.dir));
  po::options_description all;
  all.add(description).add(hidden);
  po::positional_options_description positional;
  positional.add("dir", 1);
  try {
    po::variables_map values;
    po::store(po::command_line_parser(arguments).options(all).positional(positional).run(), values);
    if (values.count("help") > 0) {
      std::cout << description << "\nDIR is a folder written by mixsim run, or a sweep folder (one with sweep.json "
                                  "and runs.csv).\n";
      return kExitOk;
    }
    po::notify(values);
  } catch (const po::error& error) {
    std::cerr << "mixsim report: " << error.what() << "; see mixsim report --help\n";
    return kExitUsage;
  }
  if (options.dir.empty()) {
    std::cerr << "mixsim report: a result folder is required: mixsim report DIR\n";
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace

int write_report_or_explain(const std::string& dir, const std::string& out, bool quiet) {
  try {
    const auto path = report::write_report(dir, out);
    if (!quiet) {
      std::cout << "Report: " << path.string() << "\n";
    }
    return kExitOk;
  } catch (const report::ReportInputError& error) {
    std::cerr << "mixsim report: " << error.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& error) {
    std::cerr << "mixsim report: " << error.what() << "\n";
    return kExitFailed;
  }
}

int report_command(const std::vector<std::string>& arguments) {
  ReportCommandOptions options;
  if (const auto status = parse(arguments, options)) {
    return *status;
  }
  return write_report_or_explain(options.dir, options.out, false);
}

}  // namespace mixsim::cli
