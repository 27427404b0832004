// The mixsim command line: dispatches to one command per first argument.
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
      << "  mixsim import arm FILE [options] write a scenario from an ARM template, REST body or API example\n"
      << "  mixsim --version | --help\n"
      << "\n"
      << "Run 'mixsim COMMAND --help' for a command's options.\n"
      << "Exit status: 0 success, 2 invalid input or usage, 3 a run stopped by a guard or a broken invariant.\n";
}

}  // namespace

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
  if (command == "import") {
    return mixsim::cli::import_command(arguments);
  }
  std::cerr << "mixsim: unknown command '" << command << "'; valid commands: run, validate, import (see mixsim --help)\n";
  return mixsim::cli::kExitUsage;
}
