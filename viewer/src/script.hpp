#pragma once
// The viewer's small script language, for screenshots and tests without a display of one's
// own: actions separated by ';' (or new lines), words separated by spaces, run in order, each
// after the previous one's computation has finished and been drawn.
//
//   open FILE           open a photo                 trace FILE        replay a saved trace
//   reset               k-means start                estep | mstep     one half-step
//   step [N]            N iterations (E then M)      run               until EM stops
//   back [N]            N half-steps back            forward [N]       N half-steps forward
//   goto N              half-step N (0 = the start)
//   set k N | set seed N | set ridge R | set impl reference|student|both
//   set axes B-G|B-R|G-R|PCA | set colour pixel|label | set heat N (component, from 1)
//   screenshot F.png    the window as it is drawn
//   save labels F.png   the hard segmentation the panel shows, full size, as `gmmlab segment` writes it
//   save mixture F.json the mixture of the half-step shown (first lane)
#include <string>
#include <vector>

namespace gmmlab::viewer {

struct Action {
  int number = 0;                  // 1-based position in the script, for messages
  std::string verb;                // "step", "set", ...
  std::vector<std::string> words;  // the words after the verb
  std::string text;                // the action as written
  std::string what() const;        // "action 3 ('step 5')"
};

// Throws gmmlab::Error with one sentence naming the first bad action (unknown verb, missing
// or extra words, a number that is not one, an unknown setting or value).
std::vector<Action> parse_script(const std::string& script);

// Reads N from `step N` and the like (1 when absent).
int count_of(const Action& a);

}  // namespace gmmlab::viewer
