//===- Plugin.cpp - logbtq as a plugin of stock mlir-opt ------------------===//
//
// One module for both plugin interfaces of mlir-opt (the way upstream's
// mlir/examples/standalone builds its plugin):
//   mlir-opt --load-dialect-plugin=LogBTQPlugin.so \
//            --load-pass-plugin=LogBTQPlugin.so ...
// gives the logbtq dialect with its types and attributes, every logbtq pass
// and the named pipelines. The tool must link the same libMLIR.so (Debian's
// mlir-opt does), so that both share one MLIR.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Conversion/Passes.h"
#include "logbtq/Dialect/Linalg/Transforms/Passes.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"
#include "logbtq/Pipelines/Pipelines.h"

#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

using namespace mlir;

extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "LogBTQ", LLVM_VERSION_STRING,
          [](DialectRegistry *registry) {
            registry->insert<logbtq::LogBTQDialect>();
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "LogBTQPasses", LLVM_VERSION_STRING, []() {
            logbtq::registerLogBTQConversionPasses();
            logbtq::registerLogBTQPasses();
            logbtq::registerLogBTQLinalgPasses();
            logbtq::registerLogBTQPipelines();
          }};
}
