//===- Passes.td - logbtq conversion passes ----------------*- tablegen -*-===//

#ifndef LOGBTQ_CONVERSION_PASSES_TD
#define LOGBTQ_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LogBTQRaiseLinalg : Pass<"logbtq-raise-linalg", "ModuleOp"> {
  let summary = "Raise Linalg-on-tensors functions to logbtq graph ops";
  let description = [{
    Turns the Linalg named ops and reshapes that front ends such as
    torch-mlir or IREE produce into `logbtq` graph ops, so that a network
    written in Linalg can be trained like an imported ONNX model. Anything it
    cannot raise gets a diagnostic naming the op, and the pass fails.

    Before:
    ```mlir
    %zero = arith.constant 0.0 : f32
    %empty = tensor.empty() : tensor<64x256xf32>
    %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<64x256xf32>) -> tensor<64x256xf32>
    %y = linalg.matmul ins(%x, %w : tensor<64x784xf32>, tensor<784x256xf32>)
                       outs(%init : tensor<64x256xf32>) -> tensor<64x256xf32>
    ```
    After:
    ```mlir
    %y = logbtq.matmul %x, %w : tensor<64x784xf32>, tensor<784x256xf32> -> tensor<64x256xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::logbtq::LogBTQDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // LOGBTQ_CONVERSION_PASSES_TD
