// Hostile submission (compile): the instructor's solution included by its absolute path. The
// grader refuses it with one sentence naming this file and line; the solution is never quoted.
#include "@CHECKOUT@/instructor/solution/zscore.cpp"
