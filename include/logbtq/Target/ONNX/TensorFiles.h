//===- TensorFiles.h - ONNX TensorProto files -------------------*- C++ -*-===//
//
// The files of ONNX's backend test data (`input_0.pb`, `output_0.pb`...):
// one serialized TensorProto each. logbtq-run reads its inputs from them and
// writes its outputs as them.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_TARGET_ONNX_TENSORFILES_H
#define LOGBTQ_TARGET_ONNX_TENSORFILES_H

#include "logbtq/Pipelines/HostTensor.h"

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

namespace mlir::logbtq {

/// Parses a serialized TensorProto: FLOAT and DOUBLE as float data, INT64,
/// INT32 and BOOL as an integer tensor kept serialized; errors are reported
/// at `loc`. Another element type sets `*unsupportedType` too.
FailureOr<HostTensor> parseTensorFile(StringRef bytes, Location loc,
                                      bool *unsupportedType = nullptr);

/// `tensor` as a serialized FLOAT TensorProto named `tensor.name`.
std::string serializeTensor(const HostTensor &tensor);

} // namespace mlir::logbtq

#endif // LOGBTQ_TARGET_ONNX_TENSORFILES_H
