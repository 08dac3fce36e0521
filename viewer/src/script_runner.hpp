#pragma once
// The --script interpreter, outside the frame: main calls after_frame() between rendering and
// swapping, and it runs the next action once the window has settled (everything asked
// computed and drawn), so that a screenshot is of the frame just drawn.
#include <string>
#include <vector>

#include "app.hpp"
#include "script.hpp"

namespace gmmlab::viewer {

class ScriptRunner {
 public:
  ScriptRunner(App& app, std::vector<Action> script) : app_(app), script_(std::move(script)) {}

  // False when the script has ended: done, or failed (error() then says why).
  bool after_frame();
  const std::string& error() const { return error_; }  // "script action N ('...'): ...", or ""

  // Runs one action now; throws gmmlab::Error naming the action when it cannot be done.
  void execute(const Action& a);

 private:
  App& app_;
  std::vector<Action> script_;
  std::size_t next_ = 0;
  const Action* opened_ = nullptr;  // the last action that opened something, checked once it settles
  std::string error_;
};

}  // namespace gmmlab::viewer
