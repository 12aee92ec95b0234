//===- LogBTQTraits.td - Properties of logbtq ops ----------*- tablegen -*-===//
//
// Questions the passes ask of an op ("is this a gradient", "does its result
// only repeat its input's values") are answered by traits declared next to
// the op, so that a new op states its properties where it is defined instead
// of in a list kept by each pass. The C++ classes are in LogBTQTraits.h.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTRAITS_TD
#define LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTRAITS_TD

include "mlir/IR/OpBase.td"

class LogBTQ_OpTrait<string name> : NativeOpTrait<name> {
  let cppNamespace = "::mlir::OpTrait::logbtq";
}

// f32 graphs stay f32 and MU8 graphs stay MU8: an op whose float tensors mix
// the two would hide a missing encode or decode. Integer tensors (labels)
// take no part, and an MU8 result may pick its own range.
def LogBTQ_SameElementKind : LogBTQ_OpTrait<"SameElementKind">;

// The op computes a gradient (a vector-Jacobian product, or a piece of one):
// -logbtq-quantize stores its result at a per-tensor gradient range.
def LogBTQ_ComputesGradient : LogBTQ_OpTrait<"ComputesGradient">;

// The result holds only values of the input (all of them rearranged, a part
// of them, or some repeated): a barrier term on both would count one tensor
// twice (-logbtq-insert-barriers, and the torch reference's NO_TERM_OPS,
// which a pytest keeps equal to this list).
def LogBTQ_RepeatsInputValues : LogBTQ_OpTrait<"RepeatsInputValues">;

// Every result element is an element of an input, or zero: MU8 codes of the
// input's range represent the result exactly, so -logbtq-quantize passes the
// codes through instead of rounding again.
def LogBTQ_SelectsInputValues : LogBTQ_OpTrait<"SelectsInputValues">;

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTRAITS_TD
