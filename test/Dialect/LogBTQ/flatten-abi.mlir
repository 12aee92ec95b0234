// RUN: logbtq-opt %s -logbtq-build-training -logbtq-flatten-abi="barrier-t0=2.0 barrier-gamma=1.5 barrier-t-max=50.0" | FileCheck %s

// Two parameters, 4x3 = 12 and 4 elements: offsets 0 and 12, 16 in all.
func.func @forward(%w: tensor<4x3xf32> {logbtq.param = "fc.weight", logbtq.init = dense_resource<w> : tensor<4x3xf32>},
                   %b: tensor<4xf32> {logbtq.param = "fc.bias", logbtq.frozen, logbtq.init = dense_resource<b> : tensor<4xf32>},
                   %x: tensor<2x1x3xf32> {logbtq.input = "input"}) -> tensor<2x4xf32> {
  %f = logbtq.reshape %x : tensor<2x1x3xf32> -> tensor<2x3xf32>
  %y = logbtq.matmul %f, %w {transpose_rhs} : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x4xf32>
  %z = logbtq.add %y, %b : tensor<2x4xf32>, tensor<4xf32> -> tensor<2x4xf32>
  return %z : tensor<2x4xf32>
}

// The initial values and the model description for the runtime, as module
// attributes (-convert-logbtq-model-to-llvm makes them LLVM globals).
// CHECK: module attributes {logbtq.initial_params = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01, -1.000000e+00, -2.000000e+00, -3.000000e+00, -4.000000e+00]> : tensor<16xf32>, logbtq.model_info = "logbtq-model 3\0Abatch 2\0Ainput 1,3\0Aclasses 4\0Aquant f32\0Aparam-count 16\0Aparam fc.weight 4,3 0 trainable\0Aparam fc.bias 4 12 frozen\0Abarrier 0 1 2 1.5 50\0Aoptimizer sgd 0.9 0\0A"
// CHECK-NOT: llvm.mlir.global

// The steps become private, to be inlined into the wrappers.
// CHECK-DAG: func.func private @forward
// CHECK-DAG: func.func private @train_step
// CHECK-DAG: func.func private @grad_step
// CHECK-DAG: func.func private @eval_step

// CHECK-LABEL: func.func @logbtq_train_step
// The ranges (one i32 per parameter) and the step number are part of every
// model's ABI; a float32 step ignores them and returns zero ranges.
// CHECK-SAME: (%[[P:.+]]: tensor<16xf32>, %[[M:.+]]: tensor<16xf32>, %[[RG:.+]]: tensor<2xi32>, %[[X:.+]]: tensor<6xf32>, %[[Y:.+]]: tensor<2xi32>, %[[LR:.+]]: f32, %[[T:.+]]: f32, %[[STEP:.+]]: i64)
// CHECK-SAME: -> (tensor<16xf32>, tensor<16xf32>, tensor<2xi32>, tensor<16xf32>) attributes {llvm.emit_c_interface}
// CHECK: %[[W:.+]] = tensor.extract_slice %[[P]][0] [12] [1] : tensor<16xf32> to tensor<12xf32>
// CHECK: tensor.expand_shape %[[W]] {{\[\[}}0, 1]] output_shape [4, 3] : tensor<12xf32> into tensor<4x3xf32>
// CHECK: tensor.extract_slice %[[P]][12] [4] [1] : tensor<16xf32> to tensor<4xf32>
// CHECK: tensor.extract_slice %[[M]][0] [12] [1]
// CHECK: tensor.expand_shape %[[X]] {{\[\[}}0, 1, 2]] output_shape [2, 1, 3] : tensor<6xf32> into tensor<2x1x3xf32>
// CHECK: %[[R:.+]]:5 = call @train_step(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[Y]], %[[LR]], %[[T]]) :
// CHECK: %[[E:.+]] = tensor.empty() : tensor<16xf32>
// CHECK: %[[C:.+]] = tensor.collapse_shape %[[R]]#0 {{\[\[}}0, 1]] : tensor<4x3xf32> into tensor<12xf32>
// CHECK: %[[I:.+]] = tensor.insert_slice %[[C]] into %[[E]][0] [12] [1]
// CHECK: tensor.insert_slice %[[R]]#1 into %[[I]][12] [4] [1]
// The 4 stats of the step padded with zeros to the 16 of TrainerABI.h.
// CHECK: %[[ZR:.+]] = arith.constant dense<0> : tensor<2xi32>
// CHECK: %[[PAD:.+]] = tensor.insert_slice %[[R]]#4 into %{{.+}}[0] [4] [1] : tensor<4xf32> into tensor<16xf32>
// CHECK: return %{{.+}}, %{{.+}}, %[[ZR]], %[[PAD]]

// The grad and eval steps take the ranges too (read only for batch norm
// statistics: unused here).
// CHECK-LABEL: func.func @logbtq_grad_step
// CHECK-SAME: (%{{[^:]+}}: tensor<16xf32>, %{{[^:]+}}: tensor<2xi32>, %{{[^:]+}}: tensor<6xf32>, %{{[^:]+}}: tensor<2xi32>, %{{[^:]+}}: f32) -> (tensor<16xf32>, tensor<16xf32>) attributes {llvm.emit_c_interface}

// CHECK-LABEL: func.func @logbtq_eval_step
// CHECK-SAME: (%{{[^:]+}}: tensor<16xf32>, %{{[^:]+}}: tensor<2xi32>, %{{[^:]+}}: tensor<6xf32>, %{{[^:]+}}: tensor<2xi32>) -> (tensor<8xf32>, tensor<4xf32>) attributes {llvm.emit_c_interface}


{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041",
      b: "0x04000000000080BF000000C0000040C0000080C0"
    }
  }
#-}
