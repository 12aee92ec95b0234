// RUN: logbtq-opt %s -split-input-file -logbtq-build-training -logbtq-quantize | FileCheck %s
// RUN: logbtq-opt %s -split-input-file -logbtq-build-training -logbtq-quantize="activation-range=3 output-range=5 weight-range=-1" | FileCheck %s --check-prefix=RANGES
// RUN: logbtq-opt %s -split-input-file -logbtq-build-training -logbtq-quantize="dynamic-ranges=true" | FileCheck %s --check-prefix=DYN
// RUN: logbtq-opt %s -split-input-file -logbtq-build-training -logbtq-quantize="integer-kernels=false" | FileCheck %s --check-prefix=NOINT
// RUN: logbtq-opt %s -split-input-file -logbtq-build-training -logbtq-quantize="quant=f32" | FileCheck %s --check-prefix=F32

// A hidden layer (matmul + bias + relu) and a logits layer without bias.
func.func @forward(%w1: tensor<8x6xf32> {logbtq.param = "w1"}, %b1: tensor<8xf32> {logbtq.param = "b1"},
                   %w2: tensor<3x8xf32> {logbtq.param = "w2"},
                   %x: tensor<2x6xf32> {logbtq.input = "x"}) -> tensor<2x3xf32> {
  %0 = logbtq.matmul %x, %w1 {transpose_rhs} : tensor<2x6xf32>, tensor<8x6xf32> -> tensor<2x8xf32>
  %1 = logbtq.add %0, %b1 : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  %2 = logbtq.relu %1 : tensor<2x8xf32> -> tensor<2x8xf32>
  %3 = logbtq.matmul %2, %w2 {transpose_rhs} : tensor<2x8xf32>, tensor<3x8xf32> -> tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// Parameters are MU8 at the weight range, momenta MU8 of dynamic range with
// their exponents in one i32 tensor; the step number keys the rounding.
// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: %[[W1:[a-z0-9]+]]: tensor<8x6x!logbtq.mu8> {logbtq.param = "w1", logbtq.range = 0 : i32}
// CHECK-SAME: %[[M1:[a-z0-9]+]]: tensor<8x6x!logbtq.mu8<?>> {logbtq.momentum = "w1"}
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<2x6xf32> {logbtq.input = "x"}
// CHECK-SAME: %[[RG:[a-z0-9]+]]: tensor<3xi32> {logbtq.ranges}, %[[STEP:[a-z0-9]+]]: i64 {logbtq.step})
// CHECK-SAME: -> (tensor<8x6x!logbtq.mu8>, tensor<8x!logbtq.mu8>, tensor<3x8x!logbtq.mu8>, tensor<8x6x!logbtq.mu8<?>>, tensor<8x!logbtq.mu8<?>>, tensor<3x8x!logbtq.mu8<?>>, tensor<3xi32> {logbtq.ranges}, tensor<16xf32> {logbtq.stats})
// CHECK: %[[E1:.+]] = tensor.extract %[[RG]][%{{.+}}] : tensor<3xi32>
// CHECK: logbtq.decode %[[M1]] exponent %[[E1]] : tensor<8x6x!logbtq.mu8<?>> -> tensor<8x6xf32>
// The input is quantized on entry.
// CHECK: %[[XQ:[a-z0-9_]+]], %[[XSAT:[a-z0-9_]+]], %[[XZERO:[a-z0-9_]+]] = logbtq.quantize %[[X]] : tensor<2x6xf32> -> tensor<2x6x!logbtq.mu8>
// The product of decoded operands is an integer kernel; it feeds the bias
// add, so it is stored only after the bias.
// CHECK: %[[P1:[a-z0-9_]+]], %[[OVF1:[a-z0-9_]+]] = logbtq.integer_kernel ins(%[[XQ]], %[[W1]] : tensor<2x6x!logbtq.mu8>, tensor<8x6x!logbtq.mu8>) -> tensor<2x8xf32> {
// CHECK: logbtq.matmul %{{.+}}, %{{.+}} {transpose_rhs}
// CHECK: logbtq.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[Z1:.+]] = logbtq.add %[[P1]], %{{.+}} : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
// CHECK-NEXT: %[[Z1Q:[a-z0-9_]+]], %{{.+}}, %{{.+}} = logbtq.quantize %[[Z1]] : tensor<2x8xf32> -> tensor<2x8x!logbtq.mu8>
// CHECK-NEXT: %[[Z1D:.+]] = logbtq.decode %[[Z1Q]]
// A relu's result is codes of its input's range: encoded again, exactly.
// CHECK-NEXT: %[[H:.+]] = logbtq.relu %[[Z1D]]
// CHECK-NEXT: %[[HQ:[a-z0-9_]+]], %{{.+}}, %{{.+}} = logbtq.quantize %[[H]] : tensor<2x8xf32> -> tensor<2x8x!logbtq.mu8>
// The logits keep the output range, 2^4.
// CHECK: %[[L:[a-z0-9_]+]], %{{.+}} = logbtq.integer_kernel ins(%[[HQ]], %{{.+}} : tensor<2x8x!logbtq.mu8>, tensor<3x8x!logbtq.mu8>)
// CHECK: logbtq.quantize %[[L]] : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8<4>>
// Gradients take the range of their largest magnitude, each step.
// CHECK: %[[G:.+]] = logbtq.softmax_cross_entropy_grad
// CHECK-NEXT: %[[GE:.+]] = logbtq.range_exponent %[[G]] : tensor<2x3xf32>
// CHECK-NEXT: %[[GQ:[a-z0-9_]+]], %[[GSAT:[a-z0-9_]+]], %{{.+}} = logbtq.quantize %[[G]] exponent %[[GE]] : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8<?>>
// CHECK: logbtq.integer_kernel ins(%[[GQ]], %{{.+}} : tensor<2x3x!logbtq.mu8<?>>, tensor<3x8x!logbtq.mu8>) exponents(%[[GE]])
// The updates round stochastically, seeded by step * 65536 + stream: stream
// 2i for parameter i, 2i + 1 for its momentum.
// CHECK: %[[NP:[a-z0-9_]+]], %[[NM:[a-z0-9_]+]] = logbtq.sgd_update
// CHECK: %[[K:.+]] = arith.constant 65536 : i64
// CHECK-NEXT: %[[S:.+]] = arith.muli %[[STEP]], %[[K]] : i64
// CHECK-NEXT: %[[ST0:.+]] = arith.constant 0 : i64
// CHECK-NEXT: %[[SEED:.+]] = arith.addi %[[S]], %[[ST0]] : i64
// CHECK-NEXT: %{{[a-z0-9_]+}}, %[[WSAT:[a-z0-9_]+]], %{{.+}} = logbtq.quantize %[[NP]] seed %[[SEED]] : tensor<8x6xf32> -> tensor<8x6x!logbtq.mu8>
// CHECK-NEXT: %[[ME:.+]] = logbtq.range_exponent %[[NM]]
// CHECK-NEXT: %[[K1:.+]] = arith.constant 65536 : i64
// CHECK-NEXT: %[[S1:.+]] = arith.muli %[[STEP]], %[[K1]] : i64
// CHECK-NEXT: %[[ST1:.+]] = arith.constant 1 : i64
// CHECK-NEXT: %[[MSEED:.+]] = arith.addi %[[S1]], %[[ST1]] : i64
// CHECK-NEXT: %{{[a-z0-9_]+}}, %[[MSAT:[a-z0-9_]+]], %{{.+}} = logbtq.quantize %[[NM]] exponent %[[ME]] seed %[[MSEED]] : tensor<8x6xf32> -> tensor<8x6x!logbtq.mu8<?>>
// The second parameter (b1) draws from streams 2 and 3, the third (w2)
// from 4 and 5.
// CHECK: %[[NPB:[a-z0-9_]+]], %[[NMB:[a-z0-9_]+]] = logbtq.sgd_update
// CHECK-NEXT: %[[KB:.+]] = arith.constant 65536 : i64
// CHECK-NEXT: %[[SB:.+]] = arith.muli %[[STEP]], %[[KB]] : i64
// CHECK-NEXT: %[[STB:.+]] = arith.constant 2 : i64
// CHECK-NEXT: %[[SEEDB:.+]] = arith.addi %[[SB]], %[[STB]] : i64
// CHECK-NEXT: logbtq.quantize %[[NPB]] seed %[[SEEDB]] : tensor<8xf32> -> tensor<8x!logbtq.mu8>
// CHECK-NEXT: %[[MEB:.+]] = logbtq.range_exponent %[[NMB]]
// CHECK-NEXT: %[[KMB:.+]] = arith.constant 65536 : i64
// CHECK-NEXT: %[[SMB:.+]] = arith.muli %[[STEP]], %[[KMB]] : i64
// CHECK-NEXT: %[[STMB:.+]] = arith.constant 3 : i64
// CHECK-NEXT: %[[MSEEDB:.+]] = arith.addi %[[SMB]], %[[STMB]] : i64
// CHECK-NEXT: logbtq.quantize %[[NMB]] exponent %[[MEB]] seed %[[MSEEDB]] : tensor<8xf32> -> tensor<8x!logbtq.mu8<?>>
// CHECK: %[[NPC:[a-z0-9_]+]], %[[NMC:[a-z0-9_]+]] = logbtq.sgd_update
// CHECK-NEXT: %[[KC:.+]] = arith.constant 65536 : i64
// CHECK-NEXT: %[[SC:.+]] = arith.muli %[[STEP]], %[[KC]] : i64
// CHECK-NEXT: %[[STC:.+]] = arith.constant 4 : i64
// CHECK-NEXT: %[[SEEDC:.+]] = arith.addi %[[SC]], %[[STC]] : i64
// CHECK-NEXT: logbtq.quantize %[[NPC]] seed %[[SEEDC]] : tensor<3x8xf32> -> tensor<3x8x!logbtq.mu8>
// CHECK-NEXT: %[[MEC:.+]] = logbtq.range_exponent %[[NMC]]
// CHECK-NEXT: %[[KMC:.+]] = arith.constant 65536 : i64
// CHECK-NEXT: %[[SMC:.+]] = arith.muli %[[STEP]], %[[KMC]] : i64
// CHECK-NEXT: %[[STMC:.+]] = arith.constant 5 : i64
// CHECK-NEXT: %[[MSEEDC:.+]] = arith.addi %[[SMC]], %[[STMC]] : i64
// CHECK-NEXT: logbtq.quantize %[[NMC]] exponent %[[MEC]] seed %[[MSEEDC]] : tensor<3x8xf32> -> tensor<3x8x!logbtq.mu8<?>>
// CHECK-NEXT: tensor.from_elements %[[ME]], %[[MEB]], %[[MEC]] : tensor<3xi32>
// The stats, in the slots of TrainerABI.h: 0-3 from the training step; the
// saturations of weights (4), activations (5), gradients (6) and momenta
// (7), each a sum that starts with the first tensor of its kind; int32
// overflows (8), starting with the first product's; the encode counts (weights 80, activations 2*6 + 2*8 + 2*8
// + 2*3 = 50, gradients 130, momenta 80: 9-12); accumulators 122 (13); zero
// activation codes, starting with the input's (14); 15 is reserved (0).
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: arith.addi %{{.+}}, %[[WSAT]] : i32
// CHECK: %[[SATW:.+]] = arith.sitofp %{{.+}} : i32 to f32
// CHECK-NEXT: %[[ENCW:.+]] = arith.constant 8.000000e+01 : f32
// CHECK: arith.addi %{{.+}}, %[[XSAT]] : i32
// CHECK: %[[SATA:.+]] = arith.sitofp %{{.+}} : i32 to f32
// CHECK-NEXT: %[[ENCA:.+]] = arith.constant 5.000000e+01 : f32
// CHECK: arith.addi %{{.+}}, %[[GSAT]] : i32
// CHECK: %[[SATG:.+]] = arith.sitofp %{{.+}} : i32 to f32
// CHECK-NEXT: %[[ENCG:.+]] = arith.constant 1.300000e+02 : f32
// CHECK: arith.addi %{{.+}}, %[[MSAT]] : i32
// CHECK: %[[SATM:.+]] = arith.sitofp %{{.+}} : i32 to f32
// CHECK-NEXT: %[[ENCM:.+]] = arith.constant 8.000000e+01 : f32
// CHECK: arith.addi %{{.+}}, %[[OVF1]] : i32
// CHECK: %[[OVF:.+]] = arith.sitofp %{{.+}} : i32 to f32
// CHECK-NEXT: %[[ACC:.+]] = arith.constant 1.220000e+02 : f32
// CHECK: arith.addi %{{.+}}, %[[XZERO]] : i32
// CHECK: %[[ZEROS:.+]] = arith.sitofp %{{.+}} : i32 to f32
// CHECK-NEXT: tensor.from_elements %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[SATW]], %[[SATA]], %[[SATG]], %[[SATM]], %[[OVF]], %[[ENCW]], %[[ENCA]], %[[ENCG]], %[[ENCM]], %[[ACC]], %[[ZEROS]], %[[ZERO]] : tensor<16xf32>

// Gradients leave the grad step as f32 (decoded).
// CHECK-LABEL: func.func @grad_step(
// CHECK-SAME: tensor<8x6x!logbtq.mu8>
// CHECK-SAME: -> (tensor<8x6xf32>, tensor<8xf32>, tensor<3x8xf32>, tensor<16xf32> {logbtq.stats})

// The eval step keeps its 4 stats, and returns its logits in f32.
// CHECK-LABEL: func.func @eval_step(
// CHECK-SAME: -> (tensor<2x3xf32>, tensor<4xf32> {logbtq.stats})
// CHECK: logbtq.integer_kernel

// RANGES-LABEL: func.func @train_step(
// RANGES-SAME: tensor<8x6x!logbtq.mu8<-1>> {logbtq.param = "w1", logbtq.range = -1 : i32}
// RANGES: logbtq.quantize %{{.+}} : tensor<2x6xf32> -> tensor<2x6x!logbtq.mu8<3>>
// RANGES: logbtq.quantize %{{.+}} : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8<5>>

// DYN-LABEL: func.func @train_step(
// DYN: %[[XE:.+]] = logbtq.range_exponent %{{.+}} : tensor<2x6xf32>
// DYN: logbtq.quantize %{{.+}} exponent %[[XE]] : tensor<2x6xf32> -> tensor<2x6x!logbtq.mu8<?>>

// NOINT-LABEL: func.func @train_step(
// NOINT-NOT: logbtq.integer_kernel
// NOINT: logbtq.matmul
// NOINT-NOT: logbtq.integer_kernel
// NOINT-LABEL: func.func @grad_step(

// F32-LABEL: func.func @train_step(
// F32-NOT: logbtq.quantize
// F32-NOT: mu8
// F32: return

// -----

// A parameter whose initial values exceed the weight range gets a wider one.
func.func @forward(%w: tensor<2x2xf32> {logbtq.param = "w", logbtq.init = dense_resource<w> : tensor<2x2xf32>},
                   %x: tensor<1x2xf32> {logbtq.input = "x"}) -> tensor<1x2xf32> {
  %0 = logbtq.matmul %x, %w : tensor<1x2xf32>, tensor<2x2xf32> -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: tensor<2x2x!logbtq.mu8<2>> {logbtq.init = dense_resource<w> : tensor<2x2xf32>, logbtq.param = "w", logbtq.range = 2 : i32}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F00004040000000C00000003F"
    }
  }
#-}
