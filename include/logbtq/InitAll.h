//===- InitAll.h - Register everything logbtq tools offer -------*- C++ -*-===//
//
// One registration point for every tool (logbtq-opt, logbtq-translate, and
// later logbtq-compile), so they never disagree about what is available.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_INITALL_H
#define LOGBTQ_INITALL_H

namespace mlir {
class DialectRegistry;

namespace logbtq {

/// Adds every upstream dialect and extension, and the logbtq dialect.
void registerAllDialects(DialectRegistry &registry);

/// Registers every upstream pass and pipeline, and logbtq's.
void registerAllPasses();

/// Registers every upstream translation, and logbtq's importers.
void registerAllTranslations();

} // namespace logbtq
} // namespace mlir

#endif // LOGBTQ_INITALL_H
