//===- my-opt.cpp - An mlir-opt of one's own with logbtq in it ------------===//
//
// What a downstream project writes: its own opt tool that registers
// logbtq's dialect, passes and pipelines (logbtq/InitAll.h, from the
// installed package) next to a pass of its own (CountMU8Ops.cpp).
//
//===----------------------------------------------------------------------===//

#include "logbtq/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

void registerCountMU8OpsPass();

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::logbtq::registerAllDialects(registry);
  mlir::logbtq::registerAllPasses();
  registerCountMU8OpsPass();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "my-opt: logbtq and a pass of my own\n", registry));
}
