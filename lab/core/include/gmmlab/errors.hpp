#pragma once
// Errors a user can cause end in one sentence and a non-zero exit, never a stack trace.
// Every tool catches gmmlab::Error at its top level and prints what() as-is, so each
// message must name the input and say what to do.
#include <array>
#include <stdexcept>
#include <string>
#include <utility>

namespace gmmlab {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A value on the command line that is malformed or out of range: exit code 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

// A value out of range, said in the words of the layer that checks it: the field's name
// ("tolerance", "ridge", "k"), then the rest of the sentence (" is nan; give a tolerance of 0 or
// more"). A library does not know what its caller's user typed; the tool that took the value
// from a flag says the same sentence with the flag in the field's place (said_as).
class FieldError : public UsageError {
 public:
  FieldError(std::string field, std::string rest)
      : UsageError(field + rest), field_(std::move(field)), rest_(std::move(rest)) {}
  const std::string& field() const { return field_; }
  // The sentence with `name` (e.g. "--tol") for the field.
  UsageError said_as(const std::string& name) const { return UsageError(name + rest_); }

 private:
  std::string field_, rest_;
};

// Which of the student's exercises a NotImplemented error comes from. The names match the
// TODO blocks in student/, the grader's test suites and the handout's sections.
enum class Exercise { zscore, e_step, m_step };
inline constexpr std::array kExercises{Exercise::zscore, Exercise::e_step, Exercise::m_step};
const char* exercise_title(Exercise e);  // "Z-score", "E-step", "M-step"

// Thrown by an unfinished TODO in student/. The message is the friendly line every tool
// prints, e.g. "student E-step is not written yet: student/e_step.cpp, compute gamma (see
// handout §E-step)".
class NotImplemented : public Error {
 public:
  NotImplemented(Exercise exercise, std::string file, std::string what_to_compute);
  Exercise exercise() const { return exercise_; }

 private:
  Exercise exercise_;
};

}  // namespace gmmlab
