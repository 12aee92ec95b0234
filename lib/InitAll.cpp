//===- InitAll.cpp - Register everything logbtq tools offer ---------------===//

#include "logbtq/InitAll.h"
#include "logbtq/Conversion/Passes.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/Linalg/Transforms/Passes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"
#include "logbtq/Pipelines/Pipelines.h"
#include "logbtq/Target/ONNX/ImportONNX.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/InitAllTranslations.h"

void mlir::logbtq::registerAllDialects(DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<LogBTQDialect>();
}

void mlir::logbtq::registerAllPasses() {
  mlir::registerAllPasses();
  registerLogBTQConversionPasses();
  registerLogBTQPasses();
  registerLogBTQLinalgPasses();
  registerLogBTQPipelines();
}

void mlir::logbtq::registerAllTranslations() {
  mlir::registerAllTranslations();
  registerImportONNXTranslation();
}
