#include "exit_code.hpp"

#include <fmt/format.h>

#include <new>

#include "gmmlab/errors.hpp"

namespace gmmlab::cli {

int report(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "gmmlab: {}; run 'gmmlab --help' for usage\n", e.what());
    return to_int(ExitCode::usage);
  } catch (const UsageError& e) {
    fmt::print(stderr, "gmmlab: {}\n", e.what());
    return to_int(ExitCode::usage);
  } catch (const Error& e) {
    fmt::print(stderr, "gmmlab: {}\n", e.what());
    return to_int(ExitCode::failed);
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "gmmlab: out of memory; try a smaller image or a smaller K\n");
    return to_int(ExitCode::failed);
  } catch (const std::exception& e) {
    // Not an error a user can cause: still one line, never a core dump.
    fmt::print(stderr, "gmmlab: internal error: {}; please report it with the command you ran\n", e.what());
    return to_int(ExitCode::internal);
  } catch (...) {
    fmt::print(stderr, "gmmlab: internal error of unknown kind; please report it with the command you ran\n");
    return to_int(ExitCode::internal);
  }
}

int run(CLI::App& app, int argc, char** argv, const int& exit_code) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (...) {
    return report(std::current_exception());
  }
  return exit_code;
}

}  // namespace gmmlab::cli
