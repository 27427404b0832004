// Command-line parsing shared by the batch commands.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mixsim::cli {

/// Parses `arguments` of `mixsim COMMAND`: the options in `visible` (shown by --help, which must be among them)
/// and the positional arguments, stored into `positional_name` of `hidden`, at most `max_positional` of them
/// (-1: any number). Prints the help or a usage error naming the command. Returns the exit status when the
/// command should stop there (0 after --help, 2 after an error), or empty.
std::optional<int> parse_command_line(const std::string& command, const std::vector<std::string>& arguments,
                                      const boost::program_options::options_description& visible,
                                      const boost::program_options::options_description& hidden,
                                      const char* positional_name, int max_positional,
                                      boost::program_options::variables_map& values);

}  // namespace mixsim::cli
