// examples/encode-decode.mlir, both ways it describes: folded by
// -canonicalize, and lowered with the trainers' pipeline and run. Both must
// give the numpy reference's codes, values and penalty (python/logbtq:
// mu8.encode/decode at range 1, barrier.penalty(x, 1, 5) = 0.8650996).

// RUN: logbtq-opt %logbtq_src/examples/encode-decode.mlir -canonicalize | FileCheck %s --check-prefix=FOLD
// FOLD-LABEL: func.func @encode_decode(
// FOLD: logbtq.constant dense<[0, 5, 29, 75, -100, 111, 127, 127]> : tensor<8xi8> -> tensor<8x!logbtq.mu8>
// FOLD: arith.constant dense<[0.000000e+00, 9.5677533E-4, 0.00998989678, 0.099747397, -0.304902941, 0.495307058, 1.000000e+00, 1.000000e+00]> : tensor<8xf32>
// FOLD: arith.constant 0.865099608 : f32
// FOLD-NOT: logbtq.encode
// FOLD-NOT: logbtq.decode
// FOLD-NOT: logbtq.barrier

// The example's function called from the @main below (this file).
// RUN: cat %logbtq_src/examples/encode-decode.mlir %s \
// RUN:   | logbtq-opt --logbtq-lower-to-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils \
// RUN:   | FileCheck %s --check-prefix=EXEC
// EXEC: [0,  5,  29,  75,  -100,  111,  127,  127]
// EXEC: [0,  0.000956775,  0.0099899,  0.0997474,  -0.304903,  0.495307,  1,  1]
// EXEC: [0.8651]

func.func private @printMemrefI32(tensor<*xi32>)
func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %codes, %back, %penalty = call @encode_decode()
      : () -> (tensor<8x!logbtq.mu8>, tensor<8xf32>, f32)
  %bytes = logbtq.bitcast %codes : tensor<8x!logbtq.mu8> -> tensor<8xi8>
  %init = tensor.empty() : tensor<8xi32>
  %wide = linalg.map { arith.extsi } ins(%bytes : tensor<8xi8>) outs(%init : tensor<8xi32>)
  %c = tensor.cast %wide : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%c) : (tensor<*xi32>) -> ()
  %v = tensor.cast %back : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%v) : (tensor<*xf32>) -> ()
  %p1 = tensor.from_elements %penalty : tensor<1xf32>
  %p = tensor.cast %p1 : tensor<1xf32> to tensor<*xf32>
  call @printMemrefF32(%p) : (tensor<*xf32>) -> ()
  return
}
