// MLIR 22's parser aborts on a hex resource blob whose alignment word (its
// first four bytes) is 0 or not a power of two. logbtq-opt and
// logbtq-compile find such blobs before parsing and report them at their
// place, with status 1; a blob with a good alignment parses as usual.
// RUN: not logbtq-opt %s 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not logbtq-compile %s -o %t.trainer 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: sed 's/"0x00000000/"0x03000000/' %s > %t.three.mlir
// RUN: not logbtq-opt %t.three.mlir 2>&1 | FileCheck %s --check-prefix=THREE
// RUN: sed 's/"0x00000000/"0x04000000/' %s > %t.four.mlir
// RUN: logbtq-opt %t.four.mlir | FileCheck %s --check-prefix=FOUR
// RUN: cat %t.four.mlir | logbtq-opt | FileCheck %s --check-prefix=FOUR
// RUN: not logbtq-opt - < %s 2>&1 | FileCheck %s --check-prefix=STDIN
// ZERO: resource-blobs.mlir:[[# @LINE + 14]]:10: error: resource blob with alignment 0: the first four bytes of a hex blob give its alignment, which must be a power of two
// THREE: three.mlir:[[# @LINE + 13]]:10: error: resource blob with alignment 3
// FOUR: func.func @forward
// FOUR: dense_resource<w> : tensor<2xf32>
// STDIN: <stdin>:[[# @LINE + 10]]:10: error: resource blob with alignment 0

func.func @forward() -> tensor<2xf32> {
  %w = arith.constant dense_resource<w> : tensor<2xf32>
  return %w : tensor<2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x000000000000803F00000040"
    }
  }
#-}
