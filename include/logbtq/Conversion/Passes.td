//===- Passes.td - logbtq conversion passes ----------------*- tablegen -*-===//

#ifndef LOGBTQ_CONVERSION_PASSES_TD
#define LOGBTQ_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LogBTQRaiseLinalg : Pass<"logbtq-raise-linalg", "ModuleOp"> {
  let summary = "Raise Linalg-on-tensors functions to logbtq graph ops";
  let description = [{
    Turns the Linalg named ops and reshapes that front ends such as
    torch-mlir or IREE produce into `logbtq` graph ops, so that a network
    written in Linalg can be trained like an imported ONNX model:
    `linalg.matmul` (any transposed form, or a contraction `linalg.generic`),
    `linalg.conv_2d_nchw_fchw`, `linalg.pooling_nchw_max`,
    `linalg.pooling_nchw_sum` (with its division: average pooling),
    add/sub/mul/div-by-a-constant and max-with-zero (relu) in any of their
    linalg spellings, `linalg.transpose`, `linalg.softmax`, `tensor.concat`
    and `tensor.collapse_shape`/`expand_shape`/`reshape`. The producers they
    absorb (`linalg.fill` inits, `tensor.pad` of conv and pooling inputs,
    `linalg.broadcast`, 2-D transposes of matmul operands) die with them;
    dead `tensor.empty`, fills and constants are erased.

    Only functions that hold Linalg or tensor ops are touched. A Linalg or
    tensor op left in one gets the diagnostic "cannot raise 'op' to logbtq:
    <reason>", and the pass fails. docs/Linalg.md lists what is raised and
    the limits.

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

def ConvertLogBTQToLinalg : Pass<"convert-logbtq-to-linalg", "ModuleOp"> {
  let summary = "Lower logbtq ops to Linalg on tensors";
  let description = [{
    Every logbtq graph, loss, gradient and optimizer op on f32 tensors becomes
    Linalg (named ops where one fits, `linalg.generic` otherwise; a
    convolution is an im2col product), `tensor` and `arith`/`math` ops, in
    destination-passing style, ready for bufferization. Scalar results
    (losses, barrier penalties) are reductions into a 0-d tensor followed by
    `tensor.extract`. MU8 tensors become tensors of i8 codes (function
    signatures and tensor ops included); `decode`, `encode`, `quantize`,
    `range_exponent`, `bitcast` and `integer_kernel` lower to table lookups,
    threshold searches and integer products (docs/Quantization.md). No
    logbtq op survives; one that cannot be lowered is an error.

    Before:
    ```mlir
    %y = logbtq.relu %x : tensor<64x256xf32> -> tensor<64x256xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<64x256xf32>
    %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x : tensor<64x256xf32>) outs(%e : tensor<64x256xf32>) {
      ^bb0(%in: f32, %out: f32):
        %zero = arith.constant 0.0 : f32
        %m = arith.maximumf %in, %zero : f32
        linalg.yield %m : f32
    } -> tensor<64x256xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def ConvertLogBTQModelToLLVM
    : Pass<"convert-logbtq-model-to-llvm", "ModuleOp"> {
  let summary = "Emit the model description and initial parameters as LLVM "
                "globals";
  let description = [{
    `-logbtq-flatten-abi` records what the runtime needs besides the step
    functions as module attributes; this pass, part of the lowering to LLVM,
    turns them into the two globals the runtime links against
    (include/logbtq/Runtime/TrainerABI.h) and removes the attributes:
    `logbtq.model_info` becomes `@logbtq_model_info`, a NUL-terminated
    string, and `logbtq.initial_params` becomes `@logbtq_initial_params`, an
    array of the flat buffer's elements (MU8 codes or f32). A module without
    them is left alone.

    ```mlir
    module attributes {logbtq.model_info = "logbtq-model 3\0A...",
                       logbtq.initial_params = dense<[1, -3]> : tensor<2xi8>}
    // becomes
    llvm.mlir.global external constant @logbtq_model_info("logbtq-model 3\0A...\00")
    llvm.mlir.global external constant @logbtq_initial_params(dense<[1, -3]> : tensor<2xi8>) : !llvm.array<2 x i8>
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // LOGBTQ_CONVERSION_PASSES_TD
