//===- TensorFiles.cpp - ONNX TensorProto files ---------------------------===//

#include "logbtq/Target/ONNX/TensorFiles.h"
#include "Importer.h"

#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::logbtq;

FailureOr<HostTensor> mlir::logbtq::parseTensorFile(StringRef bytes,
                                                    Location loc) {
  onnx::TensorProto proto;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return emitError(loc) << "not an ONNX TensorProto: the protobuf does not "
                             "parse, "
                          << bytes.size() << " bytes";
  FailureOr<onnx_import::KnownTensor> known =
      onnx_import::decodeTensor(proto, [&] { return emitError(loc); });
  if (failed(known))
    return failure();
  if (!known->isFloat)
    return emitError(loc) << "tensor '" << proto.name()
                          << "' holds integers; logbtq-run reads float "
                             "tensors";
  HostTensor tensor;
  tensor.name = proto.name();
  tensor.shape = known->shape;
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
