// The mixsim command line: dispatches to one command per first argument.
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"

namespace {

void print_usage(std::ostream& out) {
  out << "mixsim " << MIXSIM_VERSION << ": a discrete-event simulator of Azure scale sets that mix VM sizes\n"
      << "\n"
      << "Usage:\n"
      << "  mixsim run FILE [options]        simulate a scenario and write its results\n"
      << "  mixsim validate FILE [options]   check a scenario without running it\n"
      << "  mixsim sweep FILE [options]      run a scenario over a matrix of overrides and seeds (a sweep file)\n"
      << "  mixsim compare DIR [options]     statistics of a sweep's runs, with paired differences\n"
      << "  mixsim merge OUT SHARD_DIR...    combine the folders of a sweep's shards\n"
      << "  mixsim check [options]           re-run the regression scenarios against their baselines\n"
      << "  mixsim report DIR [options]      write report.html for a run or sweep folder\n"
      << "  mixsim import arm FILE [options] write a scenario from an ARM template, REST body or API example\n"
      << "  mixsim --version | --help\n"
      << "\n"
      << "Run 'mixsim COMMAND --help' for a command's options.\n"
      << "Exit status: 0 success; 1 result files could not be written, a check found regressions or a batch had\n"
      << "failed runs; 2 invalid input or usage; 3 a run stopped by a guard or a broken invariant.\n";
}

}  // namespace

namespace mixsim::cli {

void exit_by_signal(int signal_number) {
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
  std::_Exit(128 + signal_number);  // reached only if the signal's default action does not end the process
}

}  // namespace mixsim::cli

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(std::cerr);
    return mixsim::cli::kExitUsage;
  }
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    print_usage(std::cout);
    return 0;
  }
  if (command == "--version") {
    std::cout << "mixsim " << MIXSIM_VERSION << "\n";
    return 0;
  }
  std::vector<std::string> arguments(argv + 2, argv + argc);
  if (command == "run") {
    return mixsim::cli::run_command(arguments);
  }
  if (command == "validate") {
    return mixsim::cli::validate_command(arguments);
  }
  if (command == "sweep") {
    return mixsim::cli::sweep_command(arguments);
  }
  if (command == "compare") {
    return mixsim::cli::compare_command(arguments);
  }
  if (command == "merge") {
    return mixsim::cli::merge_command(arguments);
  }
  if (command == "check") {
    return mixsim::cli::check_command(arguments);
  }
  if (command == "report") {
    return mixsim::cli::report_command(arguments);
  }
  if (command == "import") {
    return mixsim::cli::import_command(arguments);
  }
  std::cerr << "mixsim: unknown command '" << command
            << "'; valid commands: run, validate, sweep, compare, merge, check, report, import (see mixsim --help)\n";
  return mixsim::cli::kExitUsage;
}
