// RUN: logbtq-opt %s -logbtq-build-training -logbtq-quantize -canonicalize -cse -logbtq-flatten-abi | FileCheck %s

// The model of flatten-abi.mlir, quantized: flat buffers of i8 codes; each
// parameter gets its range by a bitcast (weights 1..12 need 2^4, the frozen
// bias -1..-4 needs 2^2), recorded per `param` record.
// Two parameters, 4x3 = 12 and 4 elements: offsets 0 and 12, 16 in all.
func.func @forward(%w: tensor<4x3xf32> {logbtq.param = "fc.weight", logbtq.init = dense_resource<w> : tensor<4x3xf32>},
                   %b: tensor<4xf32> {logbtq.param = "fc.bias", logbtq.frozen, logbtq.init = dense_resource<b> : tensor<4xf32>},
                   %x: tensor<2x1x3xf32> {logbtq.input = "input"}) -> tensor<2x4xf32> {
  %f = logbtq.reshape %x : tensor<2x1x3xf32> -> tensor<2x3xf32>
  %y = logbtq.matmul %f, %w {transpose_rhs} : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x4xf32>
  %z = logbtq.add %y, %b : tensor<2x4xf32>, tensor<4xf32> -> tensor<2x4xf32>
  return %z : tensor<2x4xf32>
}

// The initial values are codes at each parameter's range.
// CHECK: module attributes {logbtq.initial_params = dense<[65, 80, 89, 96, 101, 105, 108, 111, 114, 116, 118, 120, -96, -111, -120, -127]> : tensor<16xi8>, logbtq.model_info = "logbtq-model 3\0Abatch 2\0Ainput 1,3\0Aclasses 4\0Aquant mu8 0\0Aparam-count 16\0Aparam fc.weight 4,3 0 trainable 4\0Aparam fc.bias 4 12 frozen 2\0A

// CHECK-LABEL: func.func @logbtq_train_step
// CHECK-SAME: (%[[P:.+]]: tensor<16xi8>, %[[M:.+]]: tensor<16xi8>, %[[RG:.+]]: tensor<2xi32>, %[[X:.+]]: tensor<6xf32>, %[[Y:.+]]: tensor<2xi32>, %[[LR:.+]]: f32, %[[T:.+]]: f32, %[[STEP:.+]]: i64)
// CHECK-SAME: -> (tensor<16xi8>, tensor<16xi8>, tensor<2xi32>, tensor<16xf32>)
// CHECK: %[[WS:.+]] = tensor.extract_slice %[[P]][0] [12] [1] : tensor<16xi8> to tensor<12xi8>
// CHECK: %[[WE:.+]] = tensor.expand_shape %[[WS]]
// CHECK: %[[W:.+]] = logbtq.bitcast %[[WE]] : tensor<4x3xi8> -> tensor<4x3x!logbtq.mu8<4>>
// CHECK: %[[B:.+]] = logbtq.bitcast %{{.+}} : tensor<4xi8> -> tensor<4x!logbtq.mu8<2>>
// CHECK: logbtq.bitcast %{{.+}} : tensor<4x3xi8> -> tensor<4x3x!logbtq.mu8<?>>
// CHECK: %[[R:.+]]:6 = call @train_step(%[[W]], %[[B]], %{{.+}}, %{{.+}}, %{{.+}}, %[[Y]], %[[LR]], %[[T]], %[[RG]], %[[STEP]])
// CHECK: logbtq.bitcast %[[R]]#0 : tensor<4x3x!logbtq.mu8<4>> -> tensor<4x3xi8>
// CHECK: return %{{.+}}, %{{.+}}, %[[R]]#4, %[[R]]#5 : tensor<16xi8>, tensor<16xi8>, tensor<2xi32>, tensor<16xf32>

// Gradients leave as f32.
// The grad and eval steps take the ranges too (read only for batch norm
// statistics: unused here).
// CHECK-LABEL: func.func @logbtq_grad_step
// CHECK-SAME: (%{{[^:]+}}: tensor<16xi8>, %{{[^:]+}}: tensor<2xi32>, %{{[^:]+}}: tensor<6xf32>, %{{[^:]+}}: tensor<2xi32>, %{{[^:]+}}: f32) -> (tensor<16xf32>, tensor<16xf32>)

// CHECK-LABEL: func.func @logbtq_eval_step
// CHECK-SAME: (%{{[^:]+}}: tensor<16xi8>, %{{[^:]+}}: tensor<2xi32>, %{{[^:]+}}: tensor<6xf32>, %{{[^:]+}}: tensor<2xi32>) -> (tensor<8xf32>, tensor<4xf32>)


{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041",
      b: "0x04000000000080BF000000C0000040C0000080C0"
    }
  }
#-}
