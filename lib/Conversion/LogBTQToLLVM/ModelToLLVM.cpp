//===- ModelToLLVM.cpp - The model description as LLVM globals ------------===//
//
// The runtime finds a model's shapes and initial values through two
// symbols (TrainerABI.h), and an ONNX model's export template through a
// third. -logbtq-flatten-abi records their contents as
// module attributes, so that the training program stays free of LLVM-dialect
// ops until the lowering; this pass emits them.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Conversion/LogBTQToLLVM/ModelToLLVM.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_CONVERTLOGBTQMODELTOLLVM
#include "logbtq/Conversion/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;

namespace {
struct ConvertLogBTQModelToLLVMPass
    : logbtq::impl::ConvertLogBTQModelToLLVMBase<
          ConvertLogBTQModelToLLVMPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    Location loc = module.getLoc();
    if (auto info = module->getAttrOfType<StringAttr>(attrs::kModelInfo)) {
      // A C string: the runtime reads up to the NUL.
      std::string text = info.str();
      text.push_back('\0');
      auto type = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
      LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                             LLVM::Linkage::External, "logbtq_model_info",
                             b.getStringAttr(text));
      module->removeAttr(attrs::kModelInfo);
    }
    if (auto data =
            module->getAttrOfType<ElementsAttr>(attrs::kInitialParams)) {
      auto type = LLVM::LLVMArrayType::get(data.getElementType(),
                                           data.getNumElements());
      LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                             LLVM::Linkage::External, "logbtq_initial_params",
                             data);
      module->removeAttr(attrs::kInitialParams);
    }
    if (auto blob = module->getAttrOfType<StringAttr>(attrs::kOnnxExport)) {
      // Bytes that carry their own lengths (ONNXExportTemplate.h).
      auto type = LLVM::LLVMArrayType::get(b.getI8Type(), blob.size());
      LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                             LLVM::Linkage::External, "logbtq_onnx_export",
                             blob);
      module->removeAttr(attrs::kOnnxExport);
    }
  }
};
} // namespace
