//===- ConvertOpset.h - Old opsets through ONNX's version converter -*- C++
//-*-===//
//
// Internal to lib/Target/ONNX.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_TARGET_ONNX_CONVERTOPSET_H
#define LOGBTQ_LIB_TARGET_ONNX_CONVERTOPSET_H

#include "mlir/Support/LLVM.h"

#include "onnx/onnx_pb.h"

#include <string>

namespace mlir::logbtq::onnx_import {

/// `model` with its default-domain opset converted to `target` by ONNX's
/// version converter; on failure, the converter's message in `error`.
FailureOr<onnx::ModelProto> convertOpset(const onnx::ModelProto &model,
                                         int64_t target, std::string &error);

} // namespace mlir::logbtq::onnx_import

#endif // LOGBTQ_LIB_TARGET_ONNX_CONVERTOPSET_H
