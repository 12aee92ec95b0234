// RUN: logbtq-opt %s -logbtq-build-training="ranks=2" | FileCheck %s --check-prefix=BUILD
// RUN: logbtq-opt %s -logbtq-build-training="ranks=2" -logbtq-quantize | FileCheck %s --check-prefix=MU8
// RUN: logbtq-opt %s -logbtq-build-training="ranks=2" -logbtq-quantize -canonicalize -cse -logbtq-flatten-abi | FileCheck %s --check-prefix=ABI
// RUN: logbtq-opt %s -logbtq-build-training="ranks=2 optimizer=adam" -logbtq-quantize="quant=f32" -canonicalize -cse -logbtq-flatten-abi | FileCheck %s --check-prefix=F32
// RUN: logbtq-opt %s -logbtq-build-training -logbtq-quantize -canonicalize -cse -logbtq-flatten-abi | FileCheck %s --check-prefix=NONE

// The model of flatten-abi-mu8.mlir (a trainable weight, a frozen bias),
// with the steps of data-parallel training.
func.func @forward(%w: tensor<4x3xf32> {logbtq.param = "fc.weight", logbtq.init = dense_resource<w> : tensor<4x3xf32>},
                   %b: tensor<4xf32> {logbtq.param = "fc.bias", logbtq.frozen, logbtq.init = dense_resource<b> : tensor<4xf32>},
                   %x: tensor<2x1x3xf32> {logbtq.input = "input"}) -> tensor<2x4xf32> {
  %f = logbtq.reshape %x : tensor<2x1x3xf32> -> tensor<2x3xf32>
  %y = logbtq.matmul %f, %w {transpose_rhs} : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x4xf32>
  %z = logbtq.add %y, %b : tensor<2x4xf32>, tensor<4xf32> -> tensor<2x4xf32>
  return %z : tensor<2x4xf32>
}

// The local step is the grad step under another name; the apply step is
// the train step's update on gradients that come in as arguments.
// BUILD: logbtq.training = {{{.*}}ranks = 2.000000e+00
// BUILD-LABEL: func.func @local_step(
// BUILD-SAME: {logbtq.input = "input"}, %{{.+}}: tensor<2xi32> {logbtq.labels}, %{{.+}}: f32 {logbtq.barrier_t})
// BUILD-SAME: -> (tensor<4x3xf32>, tensor<4xf32>, tensor<4xf32> {logbtq.stats})
// BUILD-LABEL: func.func @apply_step(
// BUILD-SAME: %[[W:[^:]+]]: tensor<4x3xf32> {logbtq.init = {{.*}}, logbtq.param = "fc.weight"}, %[[B:[^:]+]]: tensor<4xf32> {logbtq.frozen,
// BUILD-SAME: %[[MW:[^:]+]]: tensor<4x3xf32> {logbtq.momentum = "fc.weight"}, %[[MB:[^:]+]]: tensor<4xf32> {logbtq.momentum = "fc.bias"},
// BUILD-SAME: %[[GW:[^:]+]]: tensor<4x3xf32> {logbtq.gradient = "fc.weight"}, %[[GB:[^:]+]]: tensor<4xf32> {logbtq.gradient = "fc.bias"},
// BUILD-SAME: %[[LR:[^:]+]]: f32 {logbtq.lr})
// BUILD-SAME: -> (tensor<4x3xf32>, tensor<4xf32>, tensor<4x3xf32>, tensor<4xf32>, tensor<4xf32> {logbtq.stats})
// BUILD-NEXT: %[[NW:.+]], %[[NM:.+]] = logbtq.sgd_update %[[W]], %[[GW]], %[[MW]], %[[LR]]
// BUILD-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// BUILD-NEXT: %[[S:.+]] = tensor.from_elements %[[ZERO]], %[[ZERO]], %[[ZERO]], %[[ZERO]] : tensor<4xf32>
// BUILD-NEXT: return %[[NW]], %[[B]], %[[NM]], %[[MB]], %[[S]]

// In MU8, the local step returns each gradient's codes and one range exponent
// per parameter (the frozen bias: code 0 at range 1); the apply step reads
// f32 gradients and rounds the update as the train step does.
// MU8-LABEL: func.func @local_step(
// MU8-SAME: -> (tensor<4x3x!logbtq.mu8<?>>, tensor<4xi8>, tensor<2xi32> {logbtq.ranges}, tensor<16xf32> {logbtq.stats})
// MU8: %[[E:.+]] = logbtq.range_exponent %[[G:.+]] : tensor<4x3xf32>
// MU8-NEXT: %[[Q:[^,]+]], %{{.+}}, %{{.+}} = logbtq.quantize %[[G]] exponent %[[E]] : tensor<4x3xf32> -> tensor<4x3x!logbtq.mu8<?>>
// MU8: %[[NOCODES:.+]] = arith.constant dense<0> : tensor<4xi8>
// MU8: %[[NOEXP:.+]] = arith.constant 0 : i32
// MU8: %[[ES:.+]] = tensor.from_elements %[[E]], %[[NOEXP]] : tensor<2xi32>
// MU8: return %[[Q]], %[[NOCODES]], %[[ES]], %{{.+}}
// MU8-LABEL: func.func @apply_step(
// MU8-SAME: %[[GW:[^:]+]]: tensor<4x3xf32> {logbtq.gradient = "fc.weight"}, %{{[^:]+}}: tensor<4xf32> {logbtq.gradient = "fc.bias"}, %{{[^:]+}}: f32 {logbtq.lr}, %{{[^:]+}}: tensor<2xi32> {logbtq.ranges}, %[[STEP:[^:]+]]: i64 {logbtq.step})
// MU8-SAME: -> (tensor<4x3x!logbtq.mu8<4>>, tensor<4x!logbtq.mu8<2>>, tensor<4x3x!logbtq.mu8<?>>, tensor<4x!logbtq.mu8<?>>, tensor<2xi32> {logbtq.ranges}, tensor<16xf32> {logbtq.stats})
// MU8: logbtq.sgd_update %{{.+}}, %[[GW]], %{{.+}}, %{{.+}} {momentum
// MU8: arith.muli %[[STEP]]
// MU8: logbtq.quantize %{{.+}} seed %{{.+}} : tensor<4x3xf32> -> tensor<4x3x!logbtq.mu8<4>>

// Flattened, the local step's gradients as i8 codes and their
// exponents; the apply step takes f32 gradients and returns what the train
// step returns. The model description says how many ranks it was built for.
// ABI: logbtq.model_info = "logbtq-model 3\0Abatch 2\0Ainput 1,3\0Aclasses 4\0Aquant mu8 0\0Aparam-count 16\0Aranks 2\0A
// ABI-LABEL: func.func @logbtq_local_step
// ABI-SAME: (%{{[^:]+}}: tensor<16xi8>, %{{[^:]+}}: tensor<2xi32>, %{{[^:]+}}: tensor<6xf32>, %{{[^:]+}}: tensor<2xi32>, %{{[^:]+}}: f32)
// ABI-SAME: -> (tensor<16xi8>, tensor<2xi32>, tensor<16xf32>)
// ABI: %[[L:.+]]:4 = call @local_step(
// ABI: logbtq.bitcast %[[L]]#0 : tensor<4x3x!logbtq.mu8<?>> -> tensor<4x3xi8>
// ABI: return %{{.+}}, %[[L]]#2, %[[L]]#3 : tensor<16xi8>, tensor<2xi32>, tensor<16xf32>
// ABI-LABEL: func.func @logbtq_apply_step
// ABI-SAME: (%{{[^:]+}}: tensor<16xi8>, %{{[^:]+}}: tensor<16xi8>, %[[RG:[^:]+]]: tensor<2xi32>, %[[G:[^:]+]]: tensor<16xf32>, %[[LR:[^:]+]]: f32, %[[STEP:[^:]+]]: i64)
// ABI-SAME: -> (tensor<16xi8>, tensor<16xi8>, tensor<2xi32>, tensor<16xf32>)
// ABI-DAG: %[[GW:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [4, 3] : tensor<12xf32> into tensor<4x3xf32>
// ABI-DAG: %[[GB:.+]] = tensor.extract_slice %[[G]][12] [4] [1] : tensor<16xf32> to tensor<4xf32>
// ABI: call @apply_step(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[GW]], %[[GB]], %[[LR]], %[[RG]], %[[STEP]])

// Float32: gradients leave as f32 and the exponents are zeros; Adam's
// apply step takes the step number too.
// F32-LABEL: func.func @logbtq_local_step
// F32-SAME: -> (tensor<16xf32>, tensor<2xi32>, tensor<16xf32>)
// F32: arith.constant dense<0> : tensor<2xi32>
// F32-LABEL: func.func @logbtq_apply_step
// F32-SAME: (%{{[^:]+}}: tensor<16xf32>, %{{[^:]+}}: tensor<32xf32>, %{{[^:]+}}: tensor<4xi32>, %{{[^:]+}}: tensor<16xf32>, %{{[^:]+}}: f32, %{{[^:]+}}: i64)
// F32-SAME: -> (tensor<16xf32>, tensor<32xf32>, tensor<4xi32>, tensor<16xf32>)

// Without ranks, neither step exists and the description has no ranks.
// NONE-NOT: ranks
// NONE-NOT: local_step
// NONE-NOT: apply_step

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041",
      b: "0x04000000000080BF000000C0000040C0000080C0"
    }
  }
#-}
