// The parameter table (with the two half-steps' formulas) and the diff of "both".
#include <fmt/format.h>

#include <algorithm>

#include "panels.hpp"

namespace gmmlab::viewer {

using namespace ui;

void ParameterTablePanel::draw(const Scene& s, const Box& box) {
  if (!s.problem || s.views.empty()) return;
  begin_box("params", box, true);
  std::size_t& shown = s.choices.table_lane;
  if (s.views.size() > 1) {
    for (std::size_t i = 0; i < s.views.size(); ++i) {
      if (i) ImGui::SameLine();
      if (ImGui::RadioButton(lane_label(s.views[i].name).c_str(), shown == i)) shown = i;
    }
  }
  shown = std::min(shown, s.views.size() - 1);
  const LaneView& v = s.views[shown];
  const Record* r = at(v, v.cursor);
  if (!r) {
    ImGui::EndChild();
    return;
  }
  const Record* prev = v.cursor > 0 ? at(v, v.cursor - 1) : nullptr;
  const Mixture& m = r->mixture;
  const auto names = channel_names(m.dims());
  ImGui::TextColored(kMuted, "parameters after %s; highlighted: what it changed", describe(*r).c_str());
  const bool counts = r->kind != Record::Kind::start;
  const int columns = 3 + (counts ? 1 : 0) + 2;
  // A narrow window scrolls the table sideways rather than cutting its last column; the
  // right edge of the widest text is kept for the window test (nothing cut at 1280 x 800).
  const float row_h = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y + 1;
  const ImVec2 outer(0, (m.components() + 1) * row_h + ImGui::GetStyle().ScrollbarSize + 4);
  float text_right = 0;
  if (ImGui::BeginTable("mixture", columns,
                        ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit |
                            ImGuiTableFlags_ScrollX, outer)) {
    ImGui::TableSetupColumn("k");
    ImGui::TableSetupColumn("\xcf\x80_k");
    if (counts) ImGui::TableSetupColumn("N_k");
    ImGui::TableSetupColumn(fmt::format("\xce\xbc_k ({})", fmt::join(names, ", ")).c_str());
    ImGui::TableSetupColumn("\xce\xa3_k diagonal");
    ImGui::TableSetupColumn("\xce\xa3_k off-diag.");
    ImGui::TableHeadersRow();
    for (arma::uword k = 0; k < m.components(); ++k) {
      ImGui::TableNextRow();
      auto cell = [&](int column, bool changed, const std::string& text) {
        ImGui::TableSetColumnIndex(column);
        if (changed) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, kChanged);
        ImGui::TextUnformatted(text.c_str());
        text_right = std::max(text_right, ImGui::GetItemRectMax().x + ImGui::GetStyle().CellPadding.x);
        if (ImGui::IsItemHovered()) component_tooltip(v, k);
      };
      ImGui::TableSetColumnIndex(0);
      swatch(k);
      ImGui::Text("%llu", (unsigned long long)(k + 1));
      if (ImGui::IsItemHovered()) component_tooltip(v, k);
      const Mixture* pm = prev ? &prev->mixture : nullptr;
      int col = 1;
      cell(col++, pm && differs(pm->priors[k], m.priors[k]), fmt::format("{:.4f}", m.priors[k]));
      if (counts) {
        const bool new_counts = r->kind == Record::Kind::e_step;
        cell(col++, new_counts, r->soft_counts.n_elem > k ? fmt::format("{:.1f}", r->soft_counts[k]) : "");
      }
      std::string mu, diag, off;
      bool mu_changed = false, diag_changed = false, off_changed = false;
      for (arma::uword i = 0; i < m.dims(); ++i) {
        mu += fmt::format("{}{:+.2f}", i ? " " : "", m.means(k, i));
        diag += fmt::format("{}{:.2f}", i ? " " : "", m.covs(i, i, k));
        if (pm) {
          mu_changed |= differs(pm->means(k, i), m.means(k, i));
          diag_changed |= differs(pm->covs(i, i, k), m.covs(i, i, k));
        }
        for (arma::uword j = i + 1; j < m.dims(); ++j) {
          off += fmt::format("{}{:+.2f}", off.empty() ? "" : " ", m.covs(i, j, k));
          if (pm) off_changed |= differs(pm->covs(i, j, k), m.covs(i, j, k));
        }
      }
      cell(col++, mu_changed, mu);
      cell(col++, diag_changed, diag);
      cell(col++, off_changed, off);
    }
    ImGui::EndTable();
    remember(s.rects["table"]);
    s.rects["table_text"] = {s.rects["table"][0], s.rects["table"][1], text_right, s.rects["table"][3]};
  }
  for (const ComponentEvent& e : r->events) ImGui::TextColored(kTodo, "%s", e.describe().c_str());
  // The formulas of the two half-steps, the one just done in bright ink.
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(r->kind == Record::Kind::e_step ? kLesson : kMuted,
                     "E-step: \xce\xb3_nk = \xcf\x80_k N(x_n | \xce\xbc_k, \xce\xa3_k) / \xe2\x88\x91_j \xcf\x80_j "
                     "N(x_n | \xce\xbc_j, \xce\xa3_j); N_k = \xe2\x88\x91_n \xce\xb3_nk. It changes the colours and N_k.");
  ImGui::TextColored(r->kind == Record::Kind::m_step ? kLesson : kMuted,
                     "M-step: \xcf\x80_k = N_k / N;  \xce\xbc_k = \xe2\x88\x91_n \xce\xb3_nk x_n / N_k;  \xce\xa3_k = "
                     "\xe2\x88\x91_n \xce\xb3_nk (x_n \xe2\x88\x92 \xce\xbc_k)(x_n \xe2\x88\x92 \xce\xbc_k)\xe1\xb5\x80 / N_k "
                     "(+ the ridge on the diagonal). It changes \xcf\x80, \xce\xbc, \xce\xa3 and the ellipses.");
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

void DiffPanel::draw(const Scene& s, const Box& box) {
  if (s.views.size() != 2 || box.h <= 0) return;
  begin_box("diff", box, true);
  const std::optional<TraceDiff> d = s.session.diff();
  ImGui::PushTextWrapPos(0);
  // A Z-score that differs first: the runs below step on the reference's, so the tracer's diff
  // cannot see it.
  const std::string zscore = s.problem ? zscore_note(s.views[1], *s.problem, true) : "";
  if (!zscore.empty()) ImGui::TextColored(kTodo, "%s", zscore.c_str());
  if (!d) {
    ImGui::TextColored(kMuted, "yours against the reference: waiting for both runs ...");
  } else {
    const ImVec4 ink = !d->comparable ? kBad : d->agree ? kGood : kTodo;
    ImGui::TextColored(ink, "%s", diff_headline(*d, !zscore.empty()).c_str());
    if (d->comparable && !d->agree) ImGui::TextColored(kMuted, "%s", d->report.c_str());
  }
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

}  // namespace gmmlab::viewer
