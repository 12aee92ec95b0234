// logbtq-opt --logbtq-training-pipeline: @forward -> the flat-ABI steps, MU8
// by default; each option shows in the program or in the model description
// (the records the trainer reads: quant, barrier lambda bound t0 gamma t_max,
// optimizer sgd momentum weight-decay).
// RUN: logbtq-opt %s --logbtq-training-pipeline > %t.mu8.mlir
// RUN: FileCheck %s --check-prefix=MU8 < %t.mu8.mlir
// RUN: FileCheck %s --check-prefix=MU8-INFO < %t.mu8.mlir
// RUN: logbtq-opt %s --logbtq-training-pipeline="quant=f32 barrier-lambda=0.5 barrier-bound=2 barrier-output-bound=8 barrier-t0=3 barrier-gamma=1.5 barrier-t-max=9 momentum=0.5 weight-decay=0.01" > %t.f32.mlir
// RUN: FileCheck %s --check-prefix=F32 < %t.f32.mlir
// RUN: FileCheck %s --check-prefix=F32-INFO < %t.f32.mlir
// RUN: logbtq-opt %s --logbtq-training-pipeline="barrier-lambda=0" | FileCheck %s --check-prefix=NOBAR

func.func @forward(%w: tensor<4x3xf32> {logbtq.param = "fc.weight", logbtq.init = dense_resource<fc_w> : tensor<4x3xf32>},
                   %b: tensor<4xf32> {logbtq.param = "fc.bias", logbtq.init = dense_resource<fc_b> : tensor<4xf32>},
                   %x: tensor<2x3xf32> {logbtq.input = "x"}) -> tensor<2x4xf32> {
  %0 = logbtq.matmul %x, %w {transpose_rhs} : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x4xf32>
  %1 = logbtq.add %0, %b : tensor<2x4xf32>, tensor<4xf32> -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// By default 16 parameter and 16 momentum codes, 2 momentum ranges, 6
// inputs, 2 labels, lr, t, step; an integer product; stochastically rounded
// updates.
// MU8-LABEL: func.func @logbtq_train_step(%{{.*}}: tensor<16xi8>, %{{.*}}: tensor<16xi8>, %{{.*}}: tensor<2xi32>, %{{.*}}: tensor<6xf32>, %{{.*}}: tensor<2xi32>, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: i64)
// MU8: logbtq.integer_kernel ins(%{{.+}} : tensor<2x3x!logbtq.mu8>, tensor<4x3x!logbtq.mu8>)
// MU8: logbtq.barrier %{{.+}} : tensor<4x3xf32>
// MU8: logbtq.quantize %{{.+}} seed %{{.+}} : tensor<4x3xf32> -> tensor<4x3x!logbtq.mu8>
// MU8-LABEL: func.func @logbtq_grad_step(%{{.*}}: tensor<16xi8>,
// MU8-LABEL: func.func @logbtq_eval_step(%{{.*}}: tensor<16xi8>,
// MU8-INFO: logbtq-model 3\0Abatch 2\0Ainput 3\0Aclasses 4\0Aquant mu8 0\0Aparam-count 16\0A
// MU8-INFO-SAME: \0Abarrier 0.3 1 5 1.1 1000\0Aoptimizer sgd 0.9 0\0A

// quant=f32: float parameters and momenta, no quantization; the barrier
// bounds of weights, activations and inputs (2) and of the logits (8).
// F32-LABEL: func.func @logbtq_train_step(%{{.*}}: tensor<16xf32>, %{{.*}}: tensor<16xf32>, %{{.*}}: tensor<2xi32>, %{{.*}}: tensor<6xf32>,
// F32-NOT: logbtq.quantize
// F32: logbtq.barrier %{{.+}} {bound = 2.000000e+00 : f32} : tensor<4x3xf32>
// F32: logbtq.barrier %{{.+}} {bound = 2.000000e+00 : f32} : tensor<4xf32>
// F32: logbtq.barrier %{{.+}} {bound = 2.000000e+00 : f32} : tensor<2x3xf32>
// F32: logbtq.barrier %{{.+}} {bound = 8.000000e+00 : f32} : tensor<2x4xf32>
// F32-NOT: logbtq.quantize
// F32-LABEL: func.func @logbtq_grad_step(
// F32-INFO: \0Aquant f32\0A
// F32-INFO-SAME: \0Abarrier 0.5 2 3 1.5 9\0Aoptimizer sgd 0.5 0.01\0A

// NOBAR-NOT: logbtq.barrier
// NOBAR: \0Abarrier 0 1 5 1.1 1000\0A
// NOBAR-NOT: logbtq.barrier

{-#
  dialect_resources: {
    builtin: {
      fc_w: "0x04000000000080BE000040BE000000BE000080BD000000000000803D0000003E0000403E0000803E0000A03E0000C03E0000E03E",
      fc_b: "0x040000000000003E000000BE0000803E00000000"
    }
  }
#-}
