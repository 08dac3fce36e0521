// gmmlab-viewer: step EM on a photo half-step by half-step and watch the Gaussians, the
// responsibilities and the segmentation move. Reads like Dear ImGui's GLFW + OpenGL 3
// example: init (fail early with a sentence), loop (poll, new frame, UI, render, swap),
// cleanup in reverse.
#include <CLI/CLI.hpp>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <fmt/format.h>
#include <imgui.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <utility>

#include "app.hpp"
#include "script_runner.hpp"
#include "keys.hpp"
#include "gmmlab/temp_folder.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/output_path.hpp"
#include "gmmlab/pipeline.hpp"
#include "gmmlab/trace.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/sandbox.hpp"
#include "gmmlab/submission_build.hpp"
#include "script.hpp"
#include "session.hpp"

namespace fs = std::filesystem;
using namespace gmmlab;
using namespace gmmlab::viewer;

namespace {

struct Options {
  std::string image, trace, script, state_file, impl = "reference", size = "1280x800", student;
  arma::uword k = 3;
  std::uint64_t seed = 0;
  double ridge = 1e-6, tol = 1e-10;
  int iterations = 500;
};

Implementation reference_implementation() { return {"reference", std::make_shared<ReferenceSteps>(), {}, {}, {}}; }

// The student's code runs in worker processes (the grader's sandbox): a TODO shows its
// friendly line, a crash or an endless loop ends that call only, and Cancel kills it.
// The walls it runs in are named once on stderr, as the grader names them atop its report,
// and in the window.
Implementation student_implementation(const fs::path& worker, const std::string& note) {
  auto steps = std::make_shared<IsolatedSteps>(worker, SandboxLimits{.seconds = 60, .memory_mb = 4096});
  const std::string walls = isolation().line();
  static bool said = false;
  if (!std::exchange(said, true)) fmt::print(stderr, "gmmlab-viewer: {}\n", walls);
  return {"student", steps, [steps] { steps->cancel(); }, note, walls};
}

// A submission folder (--student) compiled the grader's way into a worker program; what did
// not compile is said in the window, the skeleton's file standing in for it.
struct StudentBuild {
  fs::path worker, work_dir;
  std::string note;
  ~StudentBuild() {
    std::error_code ec;
    if (!work_dir.empty()) fs::remove_all(work_dir, ec);
  }
};

void build_student(const std::string& folder, StudentBuild& out) {
  if (folder.empty()) return;
  out.work_dir = make_temp_folder("viewer");  // not a guessable /tmp name another user could plant first
  fmt::print(stderr, "gmmlab-viewer: compiling '{}' ...\n", folder);
  const SubmissionBuild b = build_submission(folder, out.work_dir);
  out.worker = b.worker;
  for (const FileBuild& f : b.files)
    if (!f.compiled) {
      const std::string first = f.errors.substr(0, f.errors.find('\n'));
      out.note += fmt::format("{} did not compile, the skeleton's is used: {}\n", exercise_file(f.exercise), first);
    }
  for (const std::string& w : b.warnings) out.note += w + "\n";
}

// Latin, Greek (pi, mu, Sigma, gamma, sigma), the transpose's T, dashes, arrows, sum and minus.
const ImWchar kGlyphs[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x1D40, 0x1D40, 0x2010, 0x2030, 0x2190, 0x21FF,
                           0x2200, 0x22FF, 0};

void load_fonts(ImGuiIO& io) {
  const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::error_code ec;
  if (fs::is_regular_file(font, ec)) io.Fonts->AddFontFromFileTTF(font, 15.0f, nullptr, kGlyphs);
  else io.Fonts->AddFontDefault();  // Greek letters show as '?', everything else works
}

// Everything the viewer will write (the state file, the script's screenshots and saves) is
// checked before any work and before the window opens, by the rules of gmmlab/output_path.hpp:
// a regular file or a new name, never a link, FIFO, device or folder, never one another, never
// a photo, trace or submission file it reads. A refusal is a mistake in the command line: exit 2.
void check_outputs_before_the_window(const Options& o, const std::vector<Action>& script) {
  std::vector<OutputFile> outputs;
  if (!o.state_file.empty()) outputs.push_back({o.state_file, "--state-file"});
  std::vector<fs::path> inputs{o.image.empty() ? sample_image() : fs::path(o.image)};
  if (!o.trace.empty()) inputs.push_back(o.trace);
  std::error_code ec;
  if (!o.student.empty())
    for (const auto& e : fs::directory_iterator(o.student, ec)) inputs.push_back(e.path());
  std::vector<fs::path> traces;
  if (!o.trace.empty()) traces.push_back(o.trace);
  for (const Action& a : script) {
    const std::string flag = "script " + a.what();
    if (a.verb == "screenshot") outputs.push_back({a.words[0], flag});
    if (a.verb == "save") outputs.push_back({a.words[1], flag});
    if (a.verb == "open" || a.verb == "trace") inputs.push_back(a.words[0]);
    if (a.verb == "trace") traces.push_back(a.words[0]);
  }
  // The photo a trace names is an input too (as for `gmmlab trace plot`). A trace that cannot
  // be read is said by the window when it is opened, in its own words.
  if (!outputs.empty()) {
    for (const fs::path& t : traces) {
      try {
        inputs.push_back(read_trace(t).input.path);
      } catch (const Error&) {
      }
    }
  }
  try {
    check_outputs(outputs, inputs);
  } catch (const UsageError&) {
    throw;
  } catch (const Error& e) {
    throw UsageError(e.what());  // also a missing folder or a FIFO (cli/tests/hardening_test.cpp)
  }
}

// The exit codes: a malformed command line or script, a value out of range or an output
// refused before the window (UsageError) 2; any other gmmlab::Error (a file that cannot be
// read, an action the script cannot do) and running out of memory 1; anything else, a bug,
// 4. One line on stderr each.
int report(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const UsageError& e) {
    fmt::print(stderr, "gmmlab-viewer: {}\n", e.what());
    return 2;
  } catch (const Error& e) {
    fmt::print(stderr, "gmmlab-viewer: {}\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "gmmlab-viewer: out of memory; try a smaller photo or a smaller K\n");
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "gmmlab-viewer: internal error: {}; please report it with the command you ran\n", e.what());
    return 4;
  }
}

int run(const Options& o, const std::vector<Action>& script) {
  int width = 1280, height = 800;
  if (std::sscanf(o.size.c_str(), "%dx%d", &width, &height) != 2 || width < 640 || height < 480)
    throw UsageError(fmt::format("--size '{}' is not WIDTHxHEIGHT of at least 640x480", o.size));

  Settings settings;
  settings.image = o.image;
  settings.k = o.k;
  settings.seed = o.seed;
  settings.em.reg_covar = o.ridge;
  settings.em.tolerance = o.tol;
  settings.em.max_iterations = o.iterations;
  settings.mode = parse_mode(o.impl);
  validate(settings);
  check_outputs_before_the_window(o, script);
  StudentBuild student;
  build_student(o.student, student);

  glfwSetErrorCallback([](int, const char*) {});  // glfwInit's failure is explained below
  if (!glfwInit()) {
    fmt::print(stderr, "gmmlab-viewer: cannot open a window: {}; run it on a desktop, or headless under "
                       "xvfb-run -a -s '-screen 0 1280x800x24' gmmlab-viewer ...\n",
               std::getenv("DISPLAY") ? fmt::format("the display '{}' does not answer", std::getenv("DISPLAY"))
                                      : std::string("there is no display (DISPLAY is not set)"));
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  GLFWwindow* window = glfwCreateWindow(width, height, "GMM Lab viewer", nullptr, nullptr);
  if (!window) {
    glfwTerminate();
    fmt::print(stderr, "gmmlab-viewer: cannot create an OpenGL 3.3 window on this display; install Mesa "
                       "(libgl1-mesa-dri) or update the graphics driver\n");
    return 1;
  }
  glfwMakeContextCurrent(window);
  const bool scripted = !script.empty();
  glfwSwapInterval(scripted ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  // Xvfb's pointer sits mid-screen and would open hover tooltips in every screenshot.
  if (scripted) io.ConfigFlags |= ImGuiConfigFlags_NoMouse;
  load_fonts(io);
  ImGui::StyleColorsDark();
  ImGui::GetStyle().FrameRounding = 3;
  install_key_taps(window);  // first: the backend chains to it
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330");

  int status = 0;
  {
    Session session(settings, reference_implementation, [&student] {
      return student_implementation(student.worker.empty() ? default_student_worker() : student.worker, student.note);
    });
    if (!o.trace.empty()) session.open_trace(o.trace);
    else session.reset();
    App app(session, window, o.state_file.empty() ? std::nullopt : std::optional<fs::path>(o.state_file));
    if (scripted) app.set_scripted();
    ScriptRunner runner(app, script);
    glfwSetWindowUserPointer(window, &app);
    // A dropped file goes the way a typed path or a command-line photo goes.
    glfwSetDropCallback(window, [](GLFWwindow* w, int count, const char** paths) {
      if (count > 0) static_cast<App*>(glfwGetWindowUserPointer(w))->open_dropped(paths[0]);
    });

    while (!glfwWindowShouldClose(window) && !app.quit()) {
      // A script draws as fast as it can, except while a lane or the loader computes: then 100
      // frames a second, so that drawing (Mesa's llvmpipe under Xvfb: on the CPU) does not take
      // the cores EM runs on (12 MP on 2 cores: the first screen 5.7 s -> 2.0 s; viewer/README.md).
      if (scripted && !session.busy()) glfwPollEvents();
      else glfwWaitEventsTimeout(scripted ? 1.0 / 100 : 1.0 / 30);  // redraws at least 30 times a second, sleeps otherwise
      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      ImGui::NewFrame();
      app.frame();
      ImGui::Render();
      int fw = 0, fh = 0;
      glfwGetFramebufferSize(window, &fw, &fh);
      glViewport(0, 0, fw, fh);
      glClearColor(0.1f, 0.1f, 0.12f, 1);
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
      // The script runs between frames: after this one is rendered (a screenshot reads it),
      // before it is shown.
      if (scripted && !runner.after_frame()) {
        if (!runner.error().empty()) {
          fmt::print(stderr, "gmmlab-viewer: {}\n", runner.error());
          status = 1;
        }
        break;
      }
      glfwSwapBuffers(window);
    }
    glfwSetWindowUserPointer(window, nullptr);
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"gmmlab-viewer: step EM on a photo and watch the Gaussians, the responsibilities and the "
               "segmentation move (viewer/README.md)"};
  Options o;
  cli.add_option("image", o.image, "Photo to open (default: the bundled sample)");
  cli.add_option("--trace", o.trace, "Replay a saved trace (gmmlab trace record) instead");
  cli.add_option("-k", o.k, "Number of Gaussian components (default 3)");
  cli.add_option("--seed", o.seed, "Seed of the k-means start (default 0)");
  cli.add_option("--ridge,--reg-covar", o.ridge, "Ridge added to every covariance after each M-step (default 1e-6)");
  cli.add_option("--iterations", o.iterations, "Iteration cap (default 500)");
  cli.add_option("--tol", o.tol, "Stop when the log-likelihood changes by less than this (default 1e-10)");
  cli.add_option("--impl", o.impl, "reference, student, or both side by side (default reference)");
  cli.add_option("--student", o.student, "Run the student side from this submission folder (compiled as the grader "
                                         "does) instead of this build's student/");
  CLI::Option* script_option = cli.add_option("--script", o.script, "Run these actions, then exit (see viewer/README.md), e.g. \"reset; estep; "
                                       "screenshot a.png\"");
  cli.add_option("--state-file", o.state_file, "Keep this JSON file up to date with what the window shows (for tests)")
      ->check(CLI::Validator(
          [](const std::string& name) {
            // Not "no state file": an empty name given is a mistake, as for gmmlab's outputs.
            return name.empty() ? std::string("'' is an empty output name; give a file name") : "";
          },
          ""));
  cli.add_option("--size", o.size, "Window size, WIDTHxHEIGHT (default 1280x800)");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return cli.exit(e);
    fmt::print(stderr, "gmmlab-viewer: {}; see gmmlab-viewer --help\n", e.what());
    return 2;
  }
  try {
    std::vector<Action> script;
    // Given but empty is a mistake (it would open a window that never exits), not "no script".
    if (script_option->count() > 0) script = parse_script(o.script);
    return run(o, script);
  } catch (...) {
    return report(std::current_exception());
  }
}
