// Hostile: prints fake test results and a fake Gradescope report, writes fake report files in
// its working folder, then answers with the input unchanged.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "student.hpp"

namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  std::cout << "[  PASSED  ] 42 tests.\n";
  std::printf("{\"score\": 100, \"max_score\": 100}\n");
  std::cerr << "Z-score: mean 0 and population std 1 .... 10/10\n";
  std::ofstream("results.json") << "{\"score\": 100}\n";
  std::ofstream("report.xml") << "<testsuites failures=\"0\"/>\n";
  return raw;
}
}  // namespace gmmlab
