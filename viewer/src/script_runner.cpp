#include "script_runner.hpp"

#include <fmt/format.h>

#include <opencv2/imgproc.hpp>

#include "gmmlab/enum_names.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/mixture_json.hpp"

namespace gmmlab::viewer {

bool ScriptRunner::after_frame() {
  if (!error_.empty()) return false;
  if (!app_.settled()) return true;
  try {
    if (opened_ && !app_.session().error().empty())
      throw Error(fmt::format("script {}: {}", opened_->what(), app_.session().error()));
    if (next_ == script_.size()) return false;
    const Action& a = script_[next_++];
    opened_ = a.verb == "open" || a.verb == "trace" || a.verb == "reset" ? &a : nullptr;
    execute(a);
  } catch (const Error& e) {
    // Every failed action is named, also when the sentence comes from the lab (a file that
    // cannot be written).
    const std::string m = e.what();
    error_ = m.starts_with("script ") ? m : fmt::format("script {}: {}", script_[next_ - 1].what(), m);
    return false;
  }
  return true;
}

void ScriptRunner::execute(const Action& a) {
  app_.unsettle();
  const std::string& v = a.verb;
  Session& session = app_.session();
  Controls& c = app_.controls();
  Choices& choices = app_.choices();
  const std::vector<LaneView>& views = app_.views();
  const std::vector<Lane*> lanes = session.lanes();
  auto need_lanes = [&] {
    if (lanes.empty() || views.empty())
      throw Error(fmt::format("script {}: nothing is open to step{}", a.what(),
                              session.error().empty() ? "" : " (" + session.error() + ")"));
  };
  if (v == "open") return app_.open_dropped(a.words[0]);
  if (v == "trace") return session.open_trace(a.words[0]);
  if (v == "reset") return c.reset();
  if (v == "estep" || v == "mstep") {
    need_lanes();
    // A script says which half it means: refuse the other, so a script cannot silently skip one.
    const HalfStep wanted = v == "estep" ? HalfStep::e_step : HalfStep::m_step;
    if (!Controls::has_next(views))
      throw Error(fmt::format("script {}: the run has ended ({}); there is no next half-step", a.what(),
                              views[0].message));
    const bool next_is_e = Controls::next_is_e_step(views);
    if ((wanted == HalfStep::e_step) != next_is_e)
      throw Error(fmt::format("script {}: the next half-step is an {}, not an {}", a.what(),
                              half_step_name(next_is_e ? HalfStep::e_step : HalfStep::m_step), half_step_name(wanted)));
    return c.half_steps(1);
  }
  if (v == "step") return need_lanes(), c.iterations(count_of(a));
  if (v == "back") {
    need_lanes();
    // Moving over the history is exact: a script that asks for more than there is is wrong.
    const std::size_t cursor = views[0].cursor;
    if (std::size_t(count_of(a)) > cursor)
      throw Error(fmt::format("script {}: the window shows half-step {} ({}), so it can go back {} at most", a.what(),
                              cursor, describe(views[0].history[cursor]), cursor));
    return c.back(count_of(a));
  }
  if (v == "forward") return need_lanes(), c.half_steps(count_of(a));
  if (v == "goto") {
    need_lanes();
    const std::size_t target = std::size_t(std::stoull(a.words[0])), made = views[0].history.size();
    if (target >= made)
      throw Error(fmt::format("script {}: {} half-step{} made so far, 0 to {}; step further first or go to one of "
                              "them", a.what(), made, made == 1 ? " is" : "s are", made - 1));
    return c.go_to(target);
  }
  if (v == "run") return need_lanes(), c.run_to_convergence();
  if (v == "set") {
    const std::string &key = a.words[0], &value = a.words[1];
    Settings& s = session.settings();
    if (key == "k") s.k = std::stoull(value);
    else if (key == "seed") s.seed = std::stoull(value);
    else if (key == "ridge") s.em.reg_covar = std::stod(value);
    else if (key == "impl") s.mode = parse_mode(value);
    else if (key == "axes") choices.axes = parse_axes(value);
    else if (key == "colour" || key == "color") choices.points = *from_name(value, kPointColours, point_colour_name);
    else if (key == "palette") choices.palette = *from_name(value, kPalettes, palette_name);
    else if (key == "curve") choices.curve_gain = value == "gain";
    else if (key == "changed") choices.changed_map = value == "on";
    else if (key == "heat") {
      choices.heat_component = std::stoi(value) - 1;
      if (choices.heat_component >= int(session.running().k))
        throw Error(fmt::format("script {}: there are only {} components", a.what(), session.running().k));
    }
    return;
  }
  if (v == "screenshot") {
    cv::Mat bgr;
    cv::cvtColor(app_.grab(), bgr, cv::COLOR_RGB2BGR);
    return write_picture(bgr, a.words[0]);
  }
  if (v == "save") {
    need_lanes();
    if (a.words[0] == "labels") {
      const auto labels = lanes[0]->displayed_labels();
      if (!labels) throw Error(fmt::format("script {}: the segmentation panel shows nothing yet", a.what()));
      return write_picture(full_segmentation(*app_.problem(), *labels, choices.palette), a.words[1]);
    }
    const LaneView lv = lanes[0]->view();
    return write_text_file(to_json(lv.history[lv.cursor].mixture).dump(2) + "\n", a.words[1]);
  }
  throw Error(fmt::format("script {}: not an action", a.what()));  // parse_script refuses these first
}

}  // namespace gmmlab::viewer
