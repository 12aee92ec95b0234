//===- BuildOps.h - Building logbtq ops for an ONNX node -------*- C++ -*-===//
//
// Internal to lib/Target/ONNX: the small builders the node importers share.
// Ops are built at the node's location with f32 tensor types; shape-rule
// errors are reported at the node.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_TARGET_ONNX_BUILDOPS_H
#define LOGBTQ_LIB_TARGET_ONNX_BUILDOPS_H

#include "Importer.h"

#include "logbtq/Dialect/LogBTQ/IR/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::logbtq::onnx_import {

/// Shape-rule errors, reported at the node.
inline auto errorAt(NodeContext &ctx) {
  return [&ctx] { return ctx.emitError(); };
}

/// A rank-0 f32 constant (Gemm's alpha and beta, a decomposition's 1).
inline Value scalarConstant(NodeContext &ctx, float value) {
  auto type = ctx.tensorType({});
  return arith::ConstantOp::create(ctx.builder(), ctx.loc, type,
                                   DenseElementsAttr::get(type, value));
}

/// `input` reshaped to `shape` (itself when it has that shape).
inline Value reshape(NodeContext &ctx, Value input, ArrayRef<int64_t> shape) {
  if (shapeOf(input) == shape)
    return input;
  return ReshapeOp::create(ctx.builder(), ctx.loc, ctx.tensorType(shape),
                           input);
}

/// A binary op with numpy broadcasting; fails (at the node) when the shapes
/// do not broadcast.
template <typename OpTy>
FailureOr<Value> broadcastBinary(NodeContext &ctx, Value lhs, Value rhs) {
  FailureOr<shape::Shape> result =
      shape::inferBroadcast(shapeOf(lhs), shapeOf(rhs), errorAt(ctx));
  if (failed(result))
    return failure();
  return OpTy::create(ctx.builder(), ctx.loc, ctx.tensorType(*result), lhs, rhs)
      .getResult();
}

/// A node that is one broadcasting binary op on inputs 0 and 1.
template <typename OpTy>
LogicalResult importBroadcastBinary(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  auto a = ctx.input(0);
  auto b = ctx.input(1);
  if (failed(a) || failed(b))
    return failure();
  auto y = broadcastBinary<OpTy>(ctx, *a, *b);
  if (failed(y))
    return failure();
  return ctx.setOutput(0, *y);
}

/// A unary op on `x`, of its type.
template <typename OpTy>
Value unaryOp(NodeContext &ctx, Value x) {
  return OpTy::create(ctx.builder(), ctx.loc, x.getType(), x).getResult();
}

} // namespace mlir::logbtq::onnx_import

#endif // LOGBTQ_LIB_TARGET_ONNX_BUILDOPS_H
