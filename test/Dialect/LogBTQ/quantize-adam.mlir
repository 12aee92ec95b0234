// RUN: logbtq-opt %s -logbtq-build-training="optimizer=adamw" -logbtq-quantize | FileCheck %s
// RUN: logbtq-opt %s -logbtq-build-training="optimizer=adamw" -logbtq-quantize -logbtq-flatten-abi | FileCheck %s --check-prefix=ABI

// AdamW in MU8: both moments are MU8 at ranges of their own (four range
// exponents: two parameters, two slots); the step number the bias
// correction reads is the one stochastic rounding is keyed by (one i64
// argument, not two). The weight rounds with stream 2i, the first moment
// with 2i + 1, the square root of the second moment with 2P + i and
// keep_nonzero (P = 2 parameters).
func.func @forward(%w: tensor<4x3xf32> {logbtq.param = "fc.weight", logbtq.init = dense_resource<w> : tensor<4x3xf32>},
                   %b: tensor<4xf32> {logbtq.param = "fc.bias", logbtq.frozen, logbtq.init = dense_resource<b> : tensor<4xf32>},
                   %x: tensor<2x3xf32> {logbtq.input = "input"}) -> tensor<2x4xf32> {
  %y = logbtq.matmul %x, %w {transpose_rhs} : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x4xf32>
  %z = logbtq.add %y, %b : tensor<2x4xf32>, tensor<4xf32> -> tensor<2x4xf32>
  return %z : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[MW:[a-z0-9]+]]: tensor<4x3x!logbtq.mu8<?>> {logbtq.momentum = "fc.weight"}, %[[MB:[a-z0-9]+]]: tensor<4x!logbtq.mu8<?>> {logbtq.momentum = "fc.bias"},
// CHECK-SAME: %[[SW:[a-z0-9]+]]: tensor<4x3x!logbtq.mu8<?>> {logbtq.momentum = "fc.weight"}, %[[SB:[a-z0-9]+]]: tensor<4x!logbtq.mu8<?>> {logbtq.momentum = "fc.bias"},
// CHECK-SAME: %[[N:[a-z0-9]+]]: i64 {logbtq.step}, %[[RG:[a-z0-9]+]]: tensor<4xi32> {logbtq.ranges})
// CHECK-NOT: logbtq.step
// CHECK-SAME: tensor<4xi32> {logbtq.ranges}, tensor<16xf32> {logbtq.stats})
// The moments come in decoded at their ranges: slot 0 from ranges[0..1],
// slot 1 from ranges[2..3].
// CHECK-DAG: %[[I0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[I2:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[E0:.+]] = tensor.extract %[[RG]][%[[I0]]]
// CHECK-DAG: %[[E2:.+]] = tensor.extract %[[RG]][%[[I2]]]
// CHECK-DAG: %[[M:.+]] = logbtq.decode %[[MW]] exponent %[[E0]]
// CHECK-DAG: %[[S:.+]] = logbtq.decode %[[SW]] exponent %[[E2]]
// CHECK: %[[NP:[a-z0-9_]+]], %[[NM:[a-z0-9_]+]], %[[NS:[a-z0-9_]+]] = logbtq.adam_update %{{.+}}, %{{.+}}, %[[M]], %[[S]], %{{.+}}, %[[N]] {decoupled}
// CHECK: %[[SEED0:.+]] = arith.addi %{{.+}}, %c0_i64 : i64
// CHECK: %[[WQ:[a-z0-9_]+]], %{{.+}}, %{{.+}} = logbtq.quantize %[[NP]] seed %[[SEED0]] : tensor<4x3xf32> -> tensor<4x3x!logbtq.mu8<4>>
// CHECK: %[[ME:.+]] = logbtq.range_exponent %[[NM]]
// CHECK: %[[SEED1:.+]] = arith.addi %{{.+}}, %c1_i64 : i64
// CHECK: %[[MQ:[a-z0-9_]+]], %{{.+}}, %{{.+}} = logbtq.quantize %[[NM]] exponent %[[ME]] seed %[[SEED1]] : tensor<4x3xf32> -> tensor<4x3x!logbtq.mu8<?>>
// CHECK: %[[SE:.+]] = logbtq.range_exponent %[[NS]]
// CHECK: %[[SEED4:.+]] = arith.addi %{{.+}}, %c4_i64 : i64
// CHECK: %[[SQ:[a-z0-9_]+]], %{{.+}}, %{{.+}} = logbtq.quantize %[[NS]] exponent %[[SE]] seed %[[SEED4]] {keep_nonzero} : tensor<4x3xf32> -> tensor<4x3x!logbtq.mu8<?>>
// The frozen bias returns its codes and both moments as they came; the new
// ranges are the weight's two and the bias's two as they came.
// CHECK: %[[NR:.+]] = tensor.from_elements %[[ME]], %{{.+}}, %[[SE]], %{{.+}} : tensor<4xi32>
// CHECK: return %[[WQ]], %{{.+}}, %[[MQ]], %[[MB]], %[[SQ]], %[[SB]], %[[NR]], %{{.+}} :

// The flat ABI passes the ranges and the step where the step takes them.
// ABI-LABEL: func.func @logbtq_train_step
// ABI-SAME: (%{{.+}}: tensor<16xi8>, %{{.+}}: tensor<32xi8>, %[[RG:[a-z0-9]+]]: tensor<4xi32>, %{{.+}}: tensor<6xf32>, %{{.+}}: tensor<2xi32>, %[[LR:[a-z0-9]+]]: f32, %[[T:[a-z0-9]+]]: f32, %[[N:[a-z0-9]+]]: i64)
// ABI: call @train_step({{.+}}, %[[LR]], %[[T]], %[[N]], %[[RG]])

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041",
      b: "0x04000000000080BF000000C0000040C0000080C0"
    }
  }
#-}
