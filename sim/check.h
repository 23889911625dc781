// Always-on checks that carry a readable message up to the CLI.
//
//   EXPERTLAB_CHECK(n > 0) << "n must be positive, got " << n;
//
// A failed check throws expertlab::Error with the streamed message; the CLI
// prints that one line and exits non-zero. EXPERTLAB_DCHECK compiles to
// nothing in release builds and is meant for hot loops.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace expertlab {

// The one exception type the engine throws for user-facing problems.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace internal {

// Collects the message of a failed check and throws when the full expression
// has been streamed (the `&` in the macro binds looser than `<<`).
class CheckFailure {
 public:
  template <typename T>
  CheckFailure& operator<<(const T& value) {
    message_ << value;
    return *this;
  }
  std::string Message() const { return message_.str(); }

 private:
  std::ostringstream message_;
};

struct ThrowOnFailure {
  [[noreturn]] void operator&(const CheckFailure& failure) const { throw Error(failure.Message()); }
};

}  // namespace internal
}  // namespace expertlab

#define EXPERTLAB_CHECK(condition) \
  if (condition) {                 \
  } else                           \
    ::expertlab::internal::ThrowOnFailure() & ::expertlab::internal::CheckFailure()

#ifdef NDEBUG
#define EXPERTLAB_DCHECK(condition) \
  while (false) EXPERTLAB_CHECK(condition)
#else
#define EXPERTLAB_DCHECK(condition) EXPERTLAB_CHECK(condition)
#endif
