//===- ShapeInference.cpp - Result shapes of logbtq graph ops -------------===//

#include "logbtq/Dialect/LogBTQ/IR/ShapeInference.h"

#include "mlir/IR/BuiltinTypes.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::shape;

static bool isDynamic(int64_t d) { return ShapedType::isDynamic(d); }

/// Two dims that must agree: fine unless both are known and differ.
static bool mayEqual(int64_t a, int64_t b) {
  return isDynamic(a) || isDynamic(b) || a == b;
}

std::string shape::format(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += "x";
    s += isDynamic(d) ? "?" : std::to_string(d);
  }
  return s;
}

static LogicalResult checkRank(ArrayRef<int64_t> shape, size_t rank,
                               StringRef what, EmitErrorFn emitError) {
  if (shape.size() == rank)
    return success();
  return emitError() << what << " must have rank " << rank << ", got shape "
                     << format(shape);
}

static LogicalResult checkCount(ArrayRef<int64_t> values, size_t count,
                                StringRef what, int64_t minimum,
                                EmitErrorFn emitError) {
  if (values.size() != count)
    return emitError() << what << " must have " << count << " entries, got "
                       << values.size();
  for (int64_t v : values)
    if (v < minimum)
      return emitError() << what << " entries must be >= " << minimum
                         << ", got " << v;
  return success();
}

FailureOr<Shape> shape::inferMatmul(ArrayRef<int64_t> lhs,
                                    ArrayRef<int64_t> rhs, bool transposeLhs,
                                    bool transposeRhs, EmitErrorFn emitError) {
  if (failed(checkRank(lhs, 2, "matmul lhs", emitError)) ||
      failed(checkRank(rhs, 2, "matmul rhs", emitError)))
    return failure();
  int64_t m = lhs[transposeLhs ? 1 : 0], k = lhs[transposeLhs ? 0 : 1];
  int64_t k2 = rhs[transposeRhs ? 1 : 0], n = rhs[transposeRhs ? 0 : 1];
  if (!mayEqual(k, k2))
    return emitError() << "matmul contraction sizes differ: lhs "
                       << format(lhs) << (transposeLhs ? " (transposed)" : "")
                       << " and rhs " << format(rhs)
                       << (transposeRhs ? " (transposed)" : "");
  return Shape{m, n};
}

FailureOr<Shape> shape::inferBatchMatmul(ArrayRef<int64_t> lhs,
                                         ArrayRef<int64_t> rhs,
                                         bool transposeLhs, bool transposeRhs,
                                         EmitErrorFn emitError) {
  if (lhs.size() < 3 || lhs.size() != rhs.size())
    return emitError() << "batch_matmul operands must have the same rank, "
                          "at least 3, got "
                       << format(lhs) << " and " << format(rhs);
  size_t batch = lhs.size() - 2;
  Shape result;
  for (size_t d = 0; d < batch; ++d) {
    if (!mayEqual(lhs[d], rhs[d]))
      return emitError() << "batch_matmul batch dimensions differ: "
                         << format(lhs) << " and " << format(rhs);
    result.push_back(isDynamic(lhs[d]) ? rhs[d] : lhs[d]);
  }
  FailureOr<Shape> mn =
      inferMatmul(lhs.drop_front(batch), rhs.drop_front(batch), transposeLhs,
                  transposeRhs, emitError);
  if (failed(mn))
    return failure();
  result.append(mn->begin(), mn->end());
  return result;
}

/// One spatial output size of a window op; dynamic in, dynamic out.
static int64_t windowOutput(int64_t size, int64_t window, int64_t stride,
                            int64_t padBegin, int64_t padEnd, bool ceilMode) {
  if (isDynamic(size))
    return ShapedType::kDynamic;
  int64_t span = size + padBegin + padEnd - window;
  if (span < 0)
    return -1;
  int64_t out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // A last window that starts in the end padding is dropped (as PyTorch does).
  if (ceilMode && (out - 1) * stride >= size + padBegin)
    --out;
  return out;
}

FailureOr<Shape> shape::inferConv2D(ArrayRef<int64_t> input,
                                    ArrayRef<int64_t> filter,
                                    std::optional<ArrayRef<int64_t>> bias,
                                    ArrayRef<int64_t> strides,
                                    ArrayRef<int64_t> pads,
                                    ArrayRef<int64_t> dilations,
                                    EmitErrorFn emitError) {
  if (failed(checkRank(input, 4, "conv2d input (NCHW)", emitError)) ||
      failed(checkRank(filter, 4, "conv2d filter (FCHW)", emitError)) ||
      failed(checkCount(strides, 2, "conv2d strides", 1, emitError)) ||
      failed(checkCount(pads, 4, "conv2d pads", 0, emitError)) ||
      failed(checkCount(dilations, 2, "conv2d dilations", 1, emitError)))
    return failure();
  if (!mayEqual(input[1], filter[1]))
    return emitError() << "conv2d input has " << input[1]
                       << " channels but the filter expects " << filter[1]
                       << " (only group = 1 is supported)";
  if (bias && (bias->size() != 1 || !mayEqual((*bias)[0], filter[0])))
    return emitError() << "conv2d bias must have shape " << filter[0]
                       << ", got " << format(*bias);
  Shape result{input[0], filter[0]};
  for (int i = 0; i < 2; ++i) {
    int64_t window = isDynamic(filter[2 + i])
                         ? ShapedType::kDynamic
                         : dilations[i] * (filter[2 + i] - 1) + 1;
    int64_t out = isDynamic(window)
                      ? ShapedType::kDynamic
                      : windowOutput(input[2 + i], window, strides[i], pads[i],
                                     pads[i + 2], /*ceilMode=*/false);
    if (out != ShapedType::kDynamic && out < 1)
      return emitError() << "conv2d window of " << window
                         << " does not fit input size " << input[2 + i]
                         << " with its padding";
    result.push_back(out);
  }
  return result;
}

FailureOr<Shape> shape::inferPool2D(ArrayRef<int64_t> input,
                                    ArrayRef<int64_t> kernel,
                                    ArrayRef<int64_t> strides,
                                    ArrayRef<int64_t> pads, bool ceilMode,
                                    EmitErrorFn emitError) {
  if (failed(checkRank(input, 4, "pooling input (NCHW)", emitError)) ||
      failed(checkCount(kernel, 2, "pooling kernel", 1, emitError)) ||
      failed(checkCount(strides, 2, "pooling strides", 1, emitError)) ||
      failed(checkCount(pads, 4, "pooling pads", 0, emitError)))
    return failure();
  for (int i = 0; i < 2; ++i)
    if (pads[i] >= kernel[i] || pads[i + 2] >= kernel[i])
      return emitError() << "pooling pads must be smaller than the kernel";
  Shape result{input[0], input[1]};
  for (int i = 0; i < 2; ++i) {
    int64_t out = windowOutput(input[2 + i], kernel[i], strides[i], pads[i],
                               pads[i + 2], ceilMode);
    if (out != ShapedType::kDynamic && out < 1)
      return emitError() << "pooling window of " << kernel[i]
                         << " does not fit input size " << input[2 + i];
    result.push_back(out);
  }
  return result;
}

FailureOr<Shape> shape::inferBroadcast(ArrayRef<int64_t> lhs,
                                       ArrayRef<int64_t> rhs,
                                       EmitErrorFn emitError) {
  size_t rank = std::max(lhs.size(), rhs.size());
  Shape result(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align from the right; a missing dim acts as 1.
    int64_t a = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t b = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (a == 1)
      result[i] = b;
    else if (b == 1)
      result[i] = a;
    else if (isDynamic(a))
      result[i] = b;
    else if (isDynamic(b) || a == b)
      result[i] = a;
    else
      return emitError() << "shapes " << format(lhs) << " and " << format(rhs)
                         << " do not broadcast";
  }
  return result;
}

LogicalResult shape::checkStridedBox(ArrayRef<int64_t> input,
                                     ArrayRef<int64_t> box,
                                     ArrayRef<int64_t> offsets,
                                     ArrayRef<int64_t> strides,
                                     EmitErrorFn emitError) {
  size_t rank = input.size();
  if (box.size() != rank || offsets.size() != rank || strides.size() != rank)
    return emitError() << "slice of rank " << box.size() << " with "
                       << offsets.size() << " offsets and " << strides.size()
                       << " strides from a tensor of rank " << rank;
  for (size_t d = 0; d < rank; ++d) {
    if (isDynamic(input[d]) || isDynamic(box[d]))
      return emitError() << "slices need static shapes";
    if (offsets[d] < 0 || strides[d] <= 0)
      return emitError() << "dimension " << d << ": offset " << offsets[d]
                         << " and stride " << strides[d]
                         << " (offsets must be >= 0, strides > 0)";
    if (box[d] > 0 && offsets[d] + (box[d] - 1) * strides[d] >= input[d])
      return emitError() << "dimension " << d << ": " << box[d]
                         << " elements from " << offsets[d] << " by "
                         << strides[d] << " do not fit in " << input[d];
  }
  return success();
}

FailureOr<Shape> shape::inferGather(ArrayRef<int64_t> input,
                                    ArrayRef<int64_t> indices, int64_t axis,
                                    EmitErrorFn emitError) {
  if (axis < 0 || axis >= static_cast<int64_t>(input.size()))
    return emitError() << "gather axis " << axis << " is out of range for rank "
                       << input.size();
  Shape result(input.take_front(axis));
  result.append(indices.begin(), indices.end());
  result.append(input.begin() + axis + 1, input.end());
  return result;
}

LogicalResult shape::checkBroadcastTo(ArrayRef<int64_t> input,
                                      ArrayRef<int64_t> result,
                                      EmitErrorFn emitError) {
  if (input.size() > result.size())
    return emitError() << "cannot broadcast " << format(input) << " to "
                       << format(result) << ", a lower rank";
  size_t lead = result.size() - input.size();
  for (size_t d = 0; d < input.size(); ++d)
    if (input[d] != 1 && input[d] != result[lead + d] && !isDynamic(input[d]) &&
        !isDynamic(result[lead + d]))
      return emitError() << "cannot broadcast " << format(input) << " to "
                         << format(result);
  return success();
}

FailureOr<Shape> shape::inferTranspose(ArrayRef<int64_t> input,
                                       ArrayRef<int64_t> perm,
                                       EmitErrorFn emitError) {
  SmallVector<bool> seen(input.size(), false);
  if (perm.size() != input.size())
    return emitError() << "transpose permutation has " << perm.size()
                       << " entries for rank " << input.size();
  Shape result;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(input.size()) || seen[p])
      return emitError() << "transpose perm is not a permutation of 0.."
                         << input.size() - 1;
    seen[p] = true;
    result.push_back(input[p]);
  }
  return result;
}

FailureOr<Shape> shape::inferConcat(ArrayRef<ArrayRef<int64_t>> inputs,
                                    int64_t axis, EmitErrorFn emitError) {
  if (inputs.empty())
    return emitError() << "concat needs at least one input";
  Shape result(inputs[0]);
  if (axis < 0 || axis >= static_cast<int64_t>(result.size()))
    return emitError() << "concat axis " << axis << " is out of range for rank "
                       << result.size();
  for (ArrayRef<int64_t> in : inputs.drop_front()) {
    if (in.size() != result.size())
      return emitError() << "concat inputs differ in rank: "
                         << format(inputs[0]) << " and " << format(in);
    for (size_t d = 0; d < in.size(); ++d) {
      if (static_cast<int64_t>(d) == axis) {
        result[d] = isDynamic(result[d]) || isDynamic(in[d])
                        ? ShapedType::kDynamic
                        : result[d] + in[d];
      } else if (!mayEqual(result[d], in[d])) {
        return emitError() << "concat inputs differ off the axis: "
                           << format(inputs[0]) << " and " << format(in);
      }
    }
  }
  return result;
}

FailureOr<Shape> shape::inferReshape(ArrayRef<int64_t> input,
                                     ArrayRef<int64_t> target, bool allowZero,
                                     EmitErrorFn emitError) {
  if (llvm::any_of(input, isDynamic))
    return emitError() << "reshape needs a static input shape, got "
                       << format(input);
  int64_t total = 1;
  for (int64_t d : input)
    if (__builtin_mul_overflow(total, d, &total))
      return emitError() << "reshape input " << format(input)
                         << " has too many elements";
  Shape result;
  int64_t known = 1, inferred = -1;
  for (auto [i, entry] : llvm::enumerate(target)) {
    int64_t d = entry;
    if (d == 0 && !allowZero) {
      if (i >= input.size())
        return emitError() << "reshape target copies dim " << i
                           << " that the input of rank " << input.size()
                           << " does not have";
      d = input[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return emitError() << "reshape target has more than one -1";
      inferred = i;
    } else if (d < 0) {
      return emitError() << "reshape target dim " << d << " is invalid";
    } else if (__builtin_mul_overflow(known, d, &known)) {
      return emitError() << "reshape target " << format(target)
                         << " has too many elements";
    }
    result.push_back(d);
  }
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return emitError() << "cannot reshape " << format(input) << " ("
                         << total << " elements) to " << format(target);
    result[inferred] = total / known;
  } else if (known != total) {
    return emitError() << "cannot reshape " << format(input) << " (" << total
                       << " elements) to " << format(result) << " (" << known
                       << " elements)";
  }
  return result;
}

FailureOr<int64_t> shape::normalizeAxis(int64_t axis, int64_t rank,
                                        EmitErrorFn emitError) {
  if (axis < -rank || axis >= rank)
    return emitError() << "axis " << axis << " is out of range for rank "
                       << rank;
  return axis < 0 ? axis + rank : axis;
}
