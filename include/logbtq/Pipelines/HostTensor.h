//===- HostTensor.h - A float32 tensor in host memory -----------*- C++ -*-===//
//
// What logbtq-run reads from and writes to ONNX tensor files and hands to a
// compiled forward pass: a shape and its elements in row-major order.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_PIPELINES_HOSTTENSOR_H
#define LOGBTQ_PIPELINES_HOSTTENSOR_H

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::logbtq {

struct HostTensor {
  /// The name it has in the model (a graph input or output), if any.
  std::string name;
  llvm::SmallVector<int64_t> shape;
  std::vector<float> data;
  /// An integer tensor (a shape, axes, indices) is not data to compute on:
  /// it is kept as read, a serialized ONNX TensorProto, for the importer to
  /// bind as a constant.
  bool integer = false;
  std::string serialized;
};

} // namespace mlir::logbtq

#endif // LOGBTQ_PIPELINES_HOSTTENSOR_H
