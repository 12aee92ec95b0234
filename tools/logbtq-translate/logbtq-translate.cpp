//===- logbtq-translate.cpp - mlir-translate with logbtq's importers ------===//

#include "logbtq/InitAll.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::logbtq::registerAllTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "logbtq translation driver\n"));
}
