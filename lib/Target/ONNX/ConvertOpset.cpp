//===- ConvertOpset.cpp - Old opsets through ONNX's version converter -----===//
//
// ONNX's C++ version converter reports failure by throwing (its adapters'
// ONNX_ASSERTs and the converter's own checks). This file is the only one of
// logbtq built with exceptions: every exception stops here and becomes an
// error message, so the rest of the importer keeps LLVM's no-exception rules.
//
//===----------------------------------------------------------------------===//

#include "ConvertOpset.h"

#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <exception>

using namespace mlir;

FailureOr<onnx::ModelProto>
mlir::logbtq::onnx_import::convertOpset(const onnx::ModelProto &model,
                                        int64_t target, std::string &error) {
  try {
    // Some adapters (Softmax 12 -> 13) need the input shapes, which only
    // shape inference writes into the graph's value_info.
    onnx::ModelProto inferred = model;
    onnx::shape_inference::InferShapes(inferred);
    return onnx::version_conversion::ConvertVersion(inferred,
                                                    static_cast<int>(target));
  } catch (const std::exception &e) {
    error = e.what();
  } catch (...) {
    error = "unknown error";
  }
  // The converter's messages run over several lines, the first one saying
  // what failed; the rest is the converter's backtrace of nodes.
  if (size_t end = error.find('\n'); end != std::string::npos)
    error.resize(end);
  return failure();
}
