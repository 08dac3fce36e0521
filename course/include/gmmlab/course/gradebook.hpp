#pragma once
// What a batch writes for the instructor: the CSV gradebook, the summary and its histogram.
#include <filesystem>
#include <string>
#include <vector>

#include "gmmlab/course/batch.hpp"

namespace gmmlab::course {

// One row per submission (in the order given): id, the points of every check (one column per
// check, named "name (/max)", in the grader's order), total, max, status, note. Written to a
// temporary file and renamed, so a reader never sees half a gradebook.
void write_gradebook(const std::filesystem::path& csv, const std::vector<GradeRecord>& records);

// The summary's text: how many in each status, mean and median of the totals, the checks
// failed most often and, under each, the mistakes the grader recognised and how often.
std::string summarize(const std::vector<GradeRecord>& records, const std::vector<std::string>& skipped,
                      const BatchOutputs& outputs);

// A bar chart of the totals (ten bins of the maximum) as a PNG.
void draw_histogram(const std::vector<GradeRecord>& records, const std::filesystem::path& png);

// The known mistake a failed check's output names ("Likely mistake: ..."), or "" when it names
// none. One place that knows the grader's wording.
std::string recognised_mistake(const std::string& check_output);

}  // namespace gmmlab::course
