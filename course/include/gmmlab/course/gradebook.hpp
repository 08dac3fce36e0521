#pragma once
// What a batch writes for the instructor: the CSV gradebook, the summary and its histogram.
#include <filesystem>
#include <string>
#include <vector>

#include "gmmlab/course/batch.hpp"

namespace gmmlab::course {

// One row per submission (in the order given): id, name and email when any record has one
// (a roster or an LMS gives them), the points of every check (one column per
// check, named "name (/max)", in the grader's order), total, max, status, note. The batch
// writes it with the other outputs as one OutputSet.
std::string gradebook_csv(const std::vector<GradeRecord>& records);

// What the batch learnt around the grades, for the summary's top and its lists.
struct ClassFindings {
  std::string layout;                      // how an LMS download was grouped, or ""
  std::string roster;                      // what the roster joined, or "" without one
  std::string rubric;                      // the instructor's rubric and what it changes, or ""
  std::vector<std::string> not_on_roster;  // submissions whose id it lacks
};

// The summary's text: how the download was read and the roster joined, how many in each
// status, mean and median of the totals, the checks failed most often and, under each, the
// mistakes the grader recognised and how often; who is on the roster with no submission.
std::string summarize(const std::vector<GradeRecord>& records, const std::vector<std::string>& skipped,
                      const BatchOutputs& outputs, const ClassFindings& findings = {});

// A bar chart of the totals (ten bins of the maximum), the bytes of a PNG.
std::string histogram_png(const std::vector<GradeRecord>& records);

// The known mistake a failed check's output names ("Likely mistake: ..."), or "" when it names
// none. One place that knows the grader's wording.
std::string recognised_mistake(const std::string& check_output);

}  // namespace gmmlab::course
