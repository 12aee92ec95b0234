//===- AtomicFile.h - Files that are whole or not there ---------*- C++ -*-===//
//
// Checkpoints and exported models are written so that a crash or a full disk
// never leaves a partial file under their name: the bytes go to `path.tmp`,
// are flushed and fsync'd, the temporary file is renamed over `path`, and
// the directory is fsync'd so that the rename survives a crash.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_ATOMICFILE_H
#define LOGBTQ_RUNTIME_ATOMICFILE_H

#include "logbtq/Runtime/Error.h"

#include <cstddef>
#include <string>

namespace logbtq::runtime {

/// Writes `size` bytes at `data` to `path`; on failure the temporary file is
/// removed and the message starts with `flag` and `path` ("--save c.ck: ").
Error writeFileAtomically(const std::string &flag, const std::string &path,
                          const void *data, size_t size);

} // namespace logbtq::runtime

#endif // LOGBTQ_RUNTIME_ATOMICFILE_H
