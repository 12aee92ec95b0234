//===- Format.h - printf-style formatting into std::string ------*- C++ -*-===//
//
// Private to lib/Runtime: the trainer's output lines use fixed precision.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_RUNTIME_FORMAT_H
#define LOGBTQ_LIB_RUNTIME_FORMAT_H

#include <cstdarg>
#include <cstdio>
#include <string>

namespace logbtq::runtime {

/// std::snprintf into a std::string.
__attribute__((format(printf, 1, 2))) inline std::string
formatString(const char *format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string s(n > 0 ? size_t(n) : 0, '\0');
  if (n > 0)
    std::vsnprintf(s.data(), s.size() + 1, format, args);
  va_end(args);
  return s;
}

} // namespace logbtq::runtime

#endif // LOGBTQ_LIB_RUNTIME_FORMAT_H
