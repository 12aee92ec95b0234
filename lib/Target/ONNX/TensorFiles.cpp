//===- TensorFiles.cpp - ONNX TensorProto files ---------------------------===//

#include "logbtq/Target/ONNX/TensorFiles.h"
#include "Importer.h"

#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::logbtq;

FailureOr<HostTensor> mlir::logbtq::parseTensorFile(StringRef bytes,
                                                    Location loc,
                                                    bool *unsupportedType) {
  onnx::TensorProto proto;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return emitError(loc) << "not an ONNX TensorProto: the protobuf does not "
                             "parse, "
                          << bytes.size() << " bytes";
  switch (proto.data_type()) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::BOOL:
    break;
  default:
    if (unsupportedType)
      *unsupportedType = true;
    break; // decodeTensor names the type.
  }
  FailureOr<onnx_import::KnownTensor> known =
      onnx_import::decodeTensor(proto, [&] { return emitError(loc); });
  if (failed(known))
    return failure();
  HostTensor tensor;
  tensor.name = proto.name();
  tensor.shape = known->shape;
  if (!known->isFloat) {
    tensor.integer = true;
    tensor.serialized = bytes.str();
    return tensor;
  }
  tensor.data.assign(known->floats.begin(), known->floats.end());
  return tensor;
}

std::string mlir::logbtq::serializeTensor(const HostTensor &tensor) {
  onnx::TensorProto proto;
  proto.set_name(tensor.name);
  proto.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : tensor.shape)
    proto.add_dims(d);
  std::string raw(tensor.data.size() * sizeof(float), '\0');
  if (!raw.empty())
    std::memcpy(raw.data(), tensor.data.data(), raw.size());
  proto.set_raw_data(std::move(raw));
  return proto.SerializeAsString();
}
