#pragma once
// The bytes between IsolatedSteps (the grader side) and the worker (the student side), one
// request and one answer per process. Both ends are built from the same source on the same
// machine, so numbers travel in native byte order; every size the worker sends is checked by
// the grader before it allocates anything (see AnswerReader).
//
//   request: "GMQ1" call:u8 then the call's arguments
//     zscore: raw(mat)   e_step, gamma_of, log_likelihood_of: x(mat) means(mat) covs(cube) priors(mat K x 1)
//     m_step, means_of, priors_of: x(mat) gamma(mat)   covariances_of: x(mat) gamma(mat) means(mat)
//   answer:  "GMA1" body_length:u64 then body = status:u8 then
//     ok: zscore: mat   e_step: gamma(mat) log_likelihood(f64)   m_step: means(mat) covs(cube) priors(mat)
//         gamma_of, means_of: mat   log_likelihood_of: f64   covariances_of: cube   priors_of: mat (K x 1)
//     not_implemented: exercise:u8 message(str)   threw / out_of_memory: message(str)
//     cannot_start: errno:i32 (written by the forked child when exec fails)
//   mat: rows:u64 cols:u64 doubles (column-major)   cube: rows cols slices:u64 doubles   str: u32 bytes
#include <armadillo>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace gmmlab::wire {

inline constexpr char request_magic[4] = {'G', 'M', 'Q', '1'};
inline constexpr char answer_magic[4] = {'G', 'M', 'A', '1'};
inline constexpr std::size_t answer_header_size = 4 + 8;

// The half-steps whole, and each of their parts on its own (Steps::gamma_of and the others).
enum class Call : std::uint8_t {
  zscore = 1,
  e_step = 2,
  m_step = 3,
  gamma_of = 4,
  log_likelihood_of = 5,
  means_of = 6,
  covariances_of = 7,
  priors_of = 8,
};
enum class Status : std::uint8_t { ok = 0, not_implemented = 1, threw = 2, out_of_memory = 3, cannot_start = 4 };

// The longest message kept from the worker (an exception's what(), a NotImplemented line).
inline constexpr std::size_t max_message = 4096;

// Appends values to a byte string (the worker's answer; small requests in tests).
class Writer {
 public:
  void bytes(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  void u8(std::uint8_t v) { bytes(&v, 1); }
  void u32(std::uint32_t v) { bytes(&v, 4); }
  void u64(std::uint64_t v) { bytes(&v, 8); }
  void f64(double v) { bytes(&v, 8); }
  void str(std::string_view s) {
    s = s.substr(0, max_message);
    u32(static_cast<std::uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  void mat(const arma::mat& m) {
    u64(m.n_rows);
    u64(m.n_cols);
    bytes(m.memptr(), m.n_elem * sizeof(double));
  }
  void cube(const arma::cube& c) {
    u64(c.n_rows);
    u64(c.n_cols);
    u64(c.n_slices);
    bytes(c.memptr(), c.n_elem * sizeof(double));
  }
  std::string& data() { return out_; }

 private:
  std::string out_;
};

// Reads values from a byte string whose length the reader already bounded. Every read checks
// what is left, so a short or lying body yields nullopt / false instead of a huge allocation.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool bytes(void* p, std::size_t n) {
    if (n > in_.size()) return false;
    // An empty matrix has no memory (memptr() is null) and memcpy may not be given null even
    // for 0 bytes: a student's empty answer would otherwise end the grader under UBSan.
    if (n == 0) return true;
    std::memcpy(p, in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  bool u8(std::uint8_t& v) { return bytes(&v, 1); }
  bool u32(std::uint32_t& v) { return bytes(&v, 4); }
  bool u64(std::uint64_t& v) { return bytes(&v, 8); }
  bool f64(double& v) { return bytes(&v, 8); }
  bool str(std::string& s) {
    std::uint32_t n = 0;
    if (!u32(n) || n > max_message || n > in_.size()) return false;
    s.assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  // Dimensions are checked against the bytes actually present before the matrix is sized.
  bool mat(arma::mat& m) {
    std::uint64_t r = 0, c = 0;
    if (!u64(r) || !u64(c) || !fits(r, c, 1)) return false;
    m.set_size(r, c);
    return bytes(m.memptr(), m.n_elem * sizeof(double));
  }
  bool cube(arma::cube& q) {
    std::uint64_t r = 0, c = 0, s = 0;
    if (!u64(r) || !u64(c) || !u64(s) || !fits(r, c, s)) return false;
    q.set_size(r, c, s);
    return bytes(q.memptr(), q.n_elem * sizeof(double));
  }
  bool at_end() const { return in_.empty(); }

 private:
  bool fits(std::uint64_t r, std::uint64_t c, std::uint64_t s) const {
    const std::uint64_t left = in_.size() / sizeof(double);
    if (r > 0xffffffffu || c > 0xffffffffu || s > 0xffffffffu) return false;  // arma::uword limits
    if (r != 0 && c > left / r) return false;
    if (r * c != 0 && s > left / (r * c)) return false;
    return r * c * s <= left;
  }
  std::string_view in_;
};

}  // namespace gmmlab::wire
