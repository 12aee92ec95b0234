// RUN: logbtq-opt %s -split-input-file -convert-logbtq-model-to-llvm | FileCheck %s

// The description becomes a NUL-terminated string, the initial parameters an
// array of their element type; the attributes are gone.
// CHECK-LABEL: module {
// CHECK-NOT: logbtq.
// CHECK: llvm.mlir.global external constant @logbtq_model_info("logbtq-model 3\0Abatch 2\0A\00") {addr_space = 0 : i32}
// CHECK: llvm.mlir.global external constant @logbtq_initial_params(dense<[1, -3, 127]> : tensor<3xi8>) {addr_space = 0 : i32} : !llvm.array<3 x i8>
module attributes {logbtq.model_info = "logbtq-model 3\0Abatch 2\0A",
                   logbtq.initial_params = dense<[1, -3, 127]> : tensor<3xi8>} {
}

// -----

// CHECK-LABEL: module {
// CHECK: llvm.mlir.global external constant @logbtq_initial_params(dense<[5.000000e-01, -2.000000e+00]> : tensor<2xf32>) {addr_space = 0 : i32} : !llvm.array<2 x f32>
module attributes {logbtq.initial_params = dense<[0.5, -2.0]> : tensor<2xf32>} {
}

// -----

// A module without them is left alone.
// CHECK-LABEL: module attributes {logbtq.quant = "mu8"} {
// CHECK-NOT: llvm.mlir.global
module attributes {logbtq.quant = "mu8"} {
}

// -----

// The ONNX export template: its bytes as they are, NULs included (the
// template carries its own lengths).
// CHECK-LABEL: module {
// CHECK-NOT: logbtq.
// CHECK: llvm.mlir.global external constant @logbtq_onnx_export("LBTQONNX\01\00\00\00\08") {addr_space = 0 : i32}
module attributes {logbtq.onnx_export = "LBTQONNX\01\00\00\00\08"} {
}
