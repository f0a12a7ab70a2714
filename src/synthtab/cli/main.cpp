// synthtab command line: parses arguments, calls the library, maps errors to exit codes.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "synthtab/cli/commands.hpp"
#include "synthtab/cli/option_checks.hpp"
#include "synthtab/cli/option_flags.hpp"
#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/process_tuning.hpp"
#include "synthtab/models/registry.hpp"

namespace {

extern "C" void on_terminating_signal(int signal_number) {
  // Leave no partial output behind: remove open temp files, then die of the same signal.
  synthtab::remove_pending_temp_files();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

extern "C" void on_file_size_limit(int) {
  // `ulimit -f` reached: an output error like a full disk (exit 5), with nothing left behind.
  synthtab::remove_pending_temp_files();
  static const char message[] = "synthtab: error: an output file reached the file-size limit (ulimit -f)\n";
  [[maybe_unused]] const auto written = ::write(2, message, sizeof(message) - 1);
  ::_exit(static_cast<int>(synthtab::ErrorKind::Output));
}

// The app and its commands, made again when the plugin's flags are needed.
struct Cli {
  CLI::App app{"synthtab: learn a table, generate realistic synthetic rows, and check them"};
  synthtab::cli::Commands commands{app};
  Cli() {
    app.require_subcommand(1);
    app.set_version_flag("--version", "synthtab 0.1.0");
  }
};

}  // namespace

int main(int argc, char** argv) {
  synthtab::tune_process();  // the CLI owns its process (core/process_tuning.hpp)
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2})
    std::signal(signal_number, on_terminating_signal);
  std::signal(SIGXFSZ, on_file_size_limit);
  auto cli = std::make_unique<Cli>();
  std::string names;
  bool known = false;
  for (const auto* command : cli->app.get_subcommands({})) {
    names.append(names.empty() ? "" : ", ").append(command->get_name());
    known = known || (argc > 1 && command->get_name() == argv[1]);
  }
  if (argc > 1 && argv[1][0] != '-' && !known) {
    std::fprintf(stderr, "synthtab: error: unknown command '%s'; the commands are %s (see --help)\n", argv[1],
                 names.c_str());
    return static_cast<int>(synthtab::ErrorKind::Usage);
  }
  if (argc > 1 && argv[1][0] == '-' && std::string(argv[1]) != "--help" && std::string(argv[1]) != "-h" &&
      std::string(argv[1]) != "--version") {
    std::fprintf(stderr, "synthtab: error: unknown option '%s'; a command comes first: %s (see --help)\n",
                 synthtab::cli::printable(argv[1]).c_str(), names.c_str());
    return static_cast<int>(synthtab::ErrorKind::Usage);
  }
  try {
    try {
      cli->app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      // The plugin's models' flags (--epochs...) exist once it is loaded: loaded only when the
      // command line asks for a flag the built-in models lack, or for help.
      const bool may_be_plugin_flag =
          dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr || dynamic_cast<const CLI::CallForHelp*>(&e) != nullptr;
      if (!may_be_plugin_flag || synthtab::ModelRegistry::instance().plugin_tried()) throw;
      synthtab::ModelRegistry::instance().list();
      cli = std::make_unique<Cli>();
      cli->app.parse(argc, argv);
    }
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return cli->app.exit(e);  // --help, --version
    // One line, like every other error (CLI11's own text spans two lines).
    std::fprintf(stderr, "synthtab: error: %s\n",
                 synthtab::cli::printable(synthtab::cli::parse_error_message(cli->app, e)).c_str());
    return static_cast<int>(synthtab::ErrorKind::Usage);
  }
  try {
    cli->commands.run();
    return 0;
  } catch (const synthtab::Error& e) {
    std::fprintf(stderr, "synthtab: error: %s\n",
                 synthtab::cli::printable(synthtab::cli::in_cli_terms(e.what())).c_str());
    return static_cast<int>(e.kind());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "synthtab: error: out of memory\n");
    return static_cast<int>(synthtab::ErrorKind::Resource);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "synthtab: internal error: %s\n", synthtab::cli::printable(e.what()).c_str());
    return 1;
  }
}
