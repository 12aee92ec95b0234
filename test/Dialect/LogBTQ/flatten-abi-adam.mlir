// RUN: logbtq-opt %s -logbtq-build-training="optimizer=adamw beta1=0.8 beta2=0.99 eps=1e-6 weight-decay=0.05" | FileCheck %s --check-prefix=STEP
// RUN: logbtq-opt %s -logbtq-build-training="optimizer=adamw beta1=0.8 beta2=0.99 eps=1e-6 weight-decay=0.05" -logbtq-flatten-abi | FileCheck %s
// RUN: logbtq-opt %s -logbtq-build-training="optimizer=adam" -logbtq-flatten-abi | FileCheck %s --check-prefix=ADAM

// Two parameters, 12 and 4 elements (16 in all); the frozen bias keeps its
// value and both its moments.
func.func @forward(%w: tensor<4x3xf32> {logbtq.param = "fc.weight", logbtq.init = dense_resource<w> : tensor<4x3xf32>},
                   %b: tensor<4xf32> {logbtq.param = "fc.bias", logbtq.frozen, logbtq.init = dense_resource<b> : tensor<4xf32>},
                   %x: tensor<2x3xf32> {logbtq.input = "input"}) -> tensor<2x4xf32> {
  %y = logbtq.matmul %x, %w {transpose_rhs} : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x4xf32>
  %z = logbtq.add %y, %b : tensor<2x4xf32>, tensor<4xf32> -> tensor<2x4xf32>
  return %z : tensor<2x4xf32>
}

// The train step: parameters, the first moments (slot 0), the square roots of
// the second moments (slot 1), then data, lr, t and the step number that
// the bias correction reads.
// STEP-LABEL: func.func @train_step
// STEP-SAME: (%[[W:[a-z0-9]+]]: tensor<4x3xf32> {logbtq.init = {{[^}]+}}, logbtq.param = "fc.weight"}, %[[B:[a-z0-9]+]]: tensor<4xf32> {logbtq.frozen, {{[^}]+}}},
// STEP-SAME: %[[MW:[a-z0-9]+]]: tensor<4x3xf32> {logbtq.momentum = "fc.weight"}, %[[MB:[a-z0-9]+]]: tensor<4xf32> {logbtq.momentum = "fc.bias"},
// STEP-SAME: %[[SW:[a-z0-9]+]]: tensor<4x3xf32> {logbtq.momentum = "fc.weight"}, %[[SB:[a-z0-9]+]]: tensor<4xf32> {logbtq.momentum = "fc.bias"},
// STEP-SAME: %[[X:[a-z0-9]+]]: tensor<2x3xf32> {logbtq.input = "input"}, %[[Y:[a-z0-9]+]]: tensor<2xi32> {logbtq.labels}, %[[LR:[a-z0-9]+]]: f32 {logbtq.lr}, %[[T:[a-z0-9]+]]: f32 {logbtq.barrier_t}, %[[N:[a-z0-9]+]]: i64 {logbtq.step})
// STEP: %[[NW:.+]], %[[NM:.+]], %[[NS:.+]] = logbtq.adam_update %[[W]], %{{.+}}, %[[MW]], %[[SW]], %[[LR]], %[[N]] {beta1 = 8.000000e-01 : f32, beta2 = 9.900000e-01 : f32, decoupled, eps = 9.99999997E-7 : f32, weight_decay = 5.000000e-02 : f32}
// STEP-NOT: adam_update
// STEP: return %[[NW]], %[[B]], %[[NM]], %[[MB]], %[[NS]], %[[SB]], %{{.+}} :

// The model description names the optimizer and its settings.
// CHECK: logbtq.model_info = "{{.+}}\0Aoptimizer adamw 0.8 0.99 1e-06 0.05\0A"
// The flat ABI: the state buffer holds both slots (2 x 16), the ranges one
// i32 per parameter and slot; slot 1 starts at 16.
// CHECK-LABEL: func.func @logbtq_train_step
// CHECK-SAME: (%[[P:[a-z0-9]+]]: tensor<16xf32>, %[[S:[a-z0-9]+]]: tensor<32xf32>, %[[RG:[a-z0-9]+]]: tensor<4xi32>, %{{.+}}: tensor<6xf32>, %{{.+}}: tensor<2xi32>, %[[LR:[a-z0-9]+]]: f32, %[[T:[a-z0-9]+]]: f32, %[[NSTEP:[a-z0-9]+]]: i64)
// CHECK-SAME: -> (tensor<16xf32>, tensor<32xf32>, tensor<4xi32>, tensor<16xf32>)
// CHECK-DAG: tensor.extract_slice %[[S]][0] [12] [1]
// CHECK-DAG: tensor.extract_slice %[[S]][12] [4] [1]
// CHECK-DAG: tensor.extract_slice %[[S]][16] [12] [1]
// CHECK-DAG: tensor.extract_slice %[[S]][28] [4] [1]
// CHECK: %[[R:.+]]:7 = call @train_step({{.+}}, %[[LR]], %[[T]], %[[NSTEP]])
// CHECK: %[[E:.+]] = tensor.empty() : tensor<32xf32>
// CHECK: tensor.insert_slice %{{.+}} into %[[E]][0] [12] [1]
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[12] [4] [1]
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[16] [12] [1]
// CHECK: tensor.insert_slice %[[R]]#5 into %{{.+}}[28] [4] [1]
// CHECK: arith.constant dense<0> : tensor<4xi32>

// ADAM: optimizer adam 0.9 0.999 1e-08 0\0A"
// ADAM-NOT: decoupled
// ADAM-LABEL: func.func @logbtq_train_step

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041",
      b: "0x04000000000080BF000000C0000040C0000080C0"
    }
  }
#-}
