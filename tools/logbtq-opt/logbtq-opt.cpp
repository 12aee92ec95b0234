//===- logbtq-opt.cpp - mlir-opt with the logbtq dialect and passes -------===//

#include "logbtq/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::logbtq::registerAllDialects(registry);
  mlir::logbtq::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "logbtq optimizer driver\n", registry));
}
