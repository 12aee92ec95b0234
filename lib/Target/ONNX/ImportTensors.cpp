//===- ImportTensors.cpp - Decode ONNX TensorProto contents ---------------===//

#include "Importer.h"

#include "logbtq/Dialect/LogBTQ/IR/ShapeInference.h"

#include <cstring>

using namespace mlir;
using namespace mlir::logbtq::onnx_import;

/// Copies `count` little-endian values of `Stored` from raw bytes, or from the
/// typed repeated field, into `out` as `Out`.
/// The sizes are checked before anything is allocated: a corrupt shape must
/// not turn into a huge allocation.
template <typename Stored, typename Out, typename Repeated>
static LogicalResult
readValues(const onnx::TensorProto &tensor, const Repeated &typed,
           int64_t count, SmallVectorImpl<Out> &out, EmitErrorFn emitError) {
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (raw.size() % sizeof(Stored) != 0 ||
        static_cast<int64_t>(raw.size() / sizeof(Stored)) != count)
      return emitError() << "tensor '" << tensor.name() << "' holds "
                         << raw.size() << " bytes of data, but its shape "
                         << "needs " << count << " values of " << sizeof(Stored)
                         << " bytes";
    out.reserve(count);
    for (int64_t i = 0; i < count; ++i) {
      Stored v;
      std::memcpy(&v, raw.data() + i * sizeof(Stored), sizeof(Stored));
      out.push_back(static_cast<Out>(v));
    }
    return success();
  }
  if (typed.size() != count)
    return emitError() << "tensor '" << tensor.name() << "' holds "
                       << typed.size() << " values, but its shape needs "
                       << count;
  out.reserve(count);
  for (auto v : typed)
    out.push_back(static_cast<Out>(static_cast<Stored>(v)));
  return success();
}

FailureOr<KnownTensor>
mlir::logbtq::onnx_import::decodeTensor(const onnx::TensorProto &tensor,
                                        EmitErrorFn emitError) {
  KnownTensor result;
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0)
      return emitError() << "tensor '" << tensor.name()
                         << "' has a negative dimension " << d;
    // No tensor that fits in a protobuf (2 GB) has 2^31 elements or more.
    if (d != 0 && count > (int64_t(1) << 31) / d)
      return emitError() << "tensor '" << tensor.name()
                         << "' has too many elements (shape "
                         << shape::format(SmallVector<int64_t>(
                                tensor.dims().begin(), tensor.dims().end()))
                         << ")";
    result.shape.push_back(d);
    count *= d;
  }
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return emitError() << "tensor '" << tensor.name()
                       << "' keeps its data in an external file, which the "
                          "importer does not read; save the model with its "
                          "data inside";
  LogicalResult read = failure();
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    result.isFloat = true;
    read = readValues<float>(tensor, tensor.float_data(), count, result.floats,
                             emitError);
    break;
  case onnx::TensorProto::DOUBLE:
    result.isFloat = true;
    read = readValues<double>(tensor, tensor.double_data(), count,
                              result.floats, emitError);
    break;
  case onnx::TensorProto::INT64:
    read = readValues<int64_t>(tensor, tensor.int64_data(), count, result.ints,
                               emitError);
    break;
  case onnx::TensorProto::INT32:
    read = readValues<int32_t>(tensor, tensor.int32_data(), count, result.ints,
                               emitError);
    break;
  case onnx::TensorProto::BOOL:
    read = readValues<uint8_t>(tensor, tensor.int32_data(), count, result.ints,
                               emitError);
    break;
  default:
    return emitError()
           << "tensor '" << tensor.name() << "' has element type "
           << onnx::TensorProto_DataType_Name(
                  static_cast<onnx::TensorProto_DataType>(tensor.data_type()))
           << "; the importer reads FLOAT, DOUBLE, INT64, INT32 and BOOL";
  }
  if (failed(read))
    return failure();
  return result;
}
