#include "command_line.hpp"

#include <iostream>

#include "commands.hpp"

namespace po = boost::program_options;

namespace mixsim::cli {

std::optional<int> parse_command_line(const std::string& command, const std::vector<std::string>& arguments,
                                      const po::options_description& visible, const po::options_description& hidden,
                                      const char* positional_name, int max_positional, po::variables_map& values) {
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  if (positional_name != nullptr) {
    positional.add(positional_name, max_positional);
  }
  try {
    po::store(po::command_line_parser(arguments).options(all).positional(positional).run(), values);
    if (values.count("help") > 0) {
      std::cout << visible << "\n";
      return kExitOk;
    }
    po::notify(values);
  } catch (const po::error& error) {
    std::cerr << "mixsim " << command << ": " << error.what() << "; see mixsim " << command << " --help\n";
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace mixsim::cli
