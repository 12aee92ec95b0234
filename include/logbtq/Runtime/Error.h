//===- Error.h - Errors of the trainer runtime ------------------*- C++ -*-===//
//
// The runtime reports every failure (a bad flag, a corrupt data file, a model
// that returns a malformed buffer) as one message for the user, which the
// trainer prints to stderr before exiting with status 2. The types mirror
// llvm::Error and llvm::Expected without depending on LLVM: `Error` converts
// to true on failure, `Expected<T>` to true on success.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_ERROR_H
#define LOGBTQ_RUNTIME_ERROR_H

#include <cassert>
#include <sstream>
#include <string>
#include <utility>
#include <variant>

namespace logbtq::runtime {

/// Success, or a failure with a message that names what went wrong and where
/// (file, line, byte offset).
class [[nodiscard]] Error {
public:
  /// The success value.
  static Error success() { return Error(); }

  /// A failure with `message` (which must not be empty).
  explicit Error(std::string message) : text(std::move(message)) {
    assert(!text.empty() && "a failure needs a message");
  }

  /// True on failure.
  explicit operator bool() const { return !text.empty(); }

  /// The message of a failure; empty on success.
  const std::string &message() const { return text; }

private:
  Error() = default;
  std::string text;
};

/// A failure whose message is `parts` streamed one after the other.
template <typename... Parts>
Error makeError(const Parts &...parts) {
  std::ostringstream os;
  (os << ... << parts);
  return Error(os.str());
}

/// A value of type T or a failure.
template <typename T>
class [[nodiscard]] Expected {
public:
  Expected(T value) : storage(std::move(value)) {}
  Expected(Error error) : storage(std::move(error)) {
    assert(std::get<Error>(storage) && "Expected built from a success");
  }

  /// True on success.
  explicit operator bool() const { return storage.index() == 0; }

  T &operator*() { return std::get<T>(storage); }
  const T &operator*() const { return std::get<T>(storage); }
  T *operator->() { return &std::get<T>(storage); }
  const T *operator->() const { return &std::get<T>(storage); }

  /// The failure (only valid when the conversion to bool is false).
  const Error &error() const { return std::get<Error>(storage); }

private:
  std::variant<T, Error> storage;
};

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_ERROR_H
