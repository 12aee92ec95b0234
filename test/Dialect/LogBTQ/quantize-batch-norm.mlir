// RUN: logbtq-opt %s -logbtq-build-training -logbtq-quantize | FileCheck %s

// A batch norm that trains: its running statistics are MU8 at a range of
// their own (mu8<?>), which comes after the 5 momentum ranges in the train
// step's ranges argument and alone in the eval and grad steps'. Their new
// values draw a range from their values and their parameter's rounding
// stream (2i: 4 for m, 6 for v), and go back with the ranges. The batch's
// statistics and the normalization's input (a convolution's output, which no
// barrier bounds) are stored at ranges of their own too.
func.func @forward(%k: tensor<3x1x1x1xf32> {logbtq.param = "k"}, %s: tensor<3xf32> {logbtq.param = "s"}, %m: tensor<3xf32> {logbtq.param = "m", logbtq.frozen}, %v: tensor<3xf32> {logbtq.param = "v", logbtq.frozen}, %b: tensor<3xf32> {logbtq.param = "b"}, %x: tensor<4x1x2x2xf32> {logbtq.input = "x"}) -> tensor<4x3xf32> {
  %c = logbtq.conv2d %x, %k : (tensor<4x1x2x2xf32>, tensor<3x1x1x1xf32>) -> tensor<4x3x2x2xf32>
  %y = logbtq.batch_norm %c, %s, %b, %m, %v : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x2x2xf32>
  %p = logbtq.avg_pool2d %y {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<4x3x2x2xf32> -> tensor<4x3x1x1xf32>
  %z = logbtq.reshape %p : tensor<4x3x1x1xf32> -> tensor<4x3xf32>
  return %z : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: %[[M:[^:]+]]: tensor<3x!logbtq.mu8<?>> {logbtq.frozen, logbtq.param = "m", logbtq.range = 0 : i32, logbtq.statistic}
// CHECK-SAME: %[[V:[^:]+]]: tensor<3x!logbtq.mu8<?>> {logbtq.frozen, logbtq.param = "v", logbtq.range = 0 : i32, logbtq.statistic}
// CHECK-SAME: %[[RANGES:[^:]+]]: tensor<7xi32> {logbtq.ranges}, %[[STEP:[^:]+]]: i64 {logbtq.step})
// CHECK-DAG: %[[C5:.+]] = arith.constant 5 : index
// CHECK-DAG: %[[C6:.+]] = arith.constant 6 : index
// CHECK-DAG: %[[EM:.+]] = tensor.extract %[[RANGES]][%[[C5]]] : tensor<7xi32>
// CHECK-DAG: %[[EV:.+]] = tensor.extract %[[RANGES]][%[[C6]]] : tensor<7xi32>
// CHECK-DAG: %[[DM:.+]] = logbtq.decode %[[M]] exponent %[[EM]] : tensor<3x!logbtq.mu8<?>> -> tensor<3xf32>
// CHECK-DAG: %[[DV:.+]] = logbtq.decode %[[V]] exponent %[[EV]] : tensor<3x!logbtq.mu8<?>> -> tensor<3xf32>
// CHECK: %[[CONV:[^,]+]], %{{.+}} = logbtq.integer_kernel
// CHECK: logbtq.conv2d
// CHECK: %[[EC:.+]] = logbtq.range_exponent %[[CONV]]
// CHECK-NEXT: logbtq.quantize %[[CONV]] exponent %[[EC]] :
// CHECK: %[[Y:[^,]+]], %[[BM:[^,]+]], %[[BV:[^ ]+]] = logbtq.batch_norm_train
// CHECK: %[[EBM:.+]] = logbtq.range_exponent %[[BM]]
// CHECK: %[[EBV:.+]] = logbtq.range_exponent %[[BV]]
// CHECK: %[[NM:[^,]+]], %[[NV:[^ ]+]] = logbtq.running_stats_update %[[DM]], %[[DV]],
// CHECK: %[[ENM:.+]] = logbtq.range_exponent %[[NM]] : tensor<3xf32>
// CHECK: %[[C4S:.+]] = arith.constant 4 : i64
// CHECK: %[[SEEDM:.+]] = arith.addi %{{.+}}, %[[C4S]] : i64
// CHECK: %[[QM:[^,]+]], %{{.+}} = logbtq.quantize %[[NM]] exponent %[[ENM]] seed %[[SEEDM]] : tensor<3xf32> -> tensor<3x!logbtq.mu8<?>>
// CHECK: %[[ENV:.+]] = logbtq.range_exponent %[[NV]] : tensor<3xf32>
// CHECK: %[[C6S:.+]] = arith.constant 6 : i64
// CHECK: %[[SEEDV:.+]] = arith.addi %{{.+}}, %[[C6S]] : i64
// CHECK: %[[QV:[^,]+]], %{{.+}} = logbtq.quantize %[[NV]] exponent %[[ENV]] seed %[[SEEDV]] : tensor<3xf32> -> tensor<3x!logbtq.mu8<?>>
// CHECK: %[[NEWRANGES:.+]] = tensor.from_elements %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %[[ENM]], %[[ENV]] : tensor<7xi32>
// CHECK: return %{{[^,]+}}, %{{[^,]+}}, %[[QM]], %[[QV]], %{{[^,]+}}, {{.*}}, %[[NEWRANGES]], %{{[^ ]+}} :

// CHECK-LABEL: func.func @grad_step(
// CHECK-SAME: %[[GR:[^:]+]]: tensor<2xi32> {logbtq.ranges})
// CHECK: tensor.extract %[[GR]]

// CHECK-LABEL: func.func @eval_step(
// CHECK-SAME: %[[M:[^:]+]]: tensor<3x!logbtq.mu8<?>> {logbtq.frozen, logbtq.param = "m", logbtq.range = 0 : i32, logbtq.statistic}
// CHECK-SAME: %[[ER:[^:]+]]: tensor<2xi32> {logbtq.ranges})
// CHECK: %[[E0:.+]] = tensor.extract %[[ER]][%{{.+}}] : tensor<2xi32>
// CHECK: logbtq.decode %[[M]] exponent %[[E0]]
// CHECK: %[[CONV:[^,]+]], %{{.+}} = logbtq.integer_kernel
// CHECK: %[[EC:.+]] = logbtq.range_exponent %[[CONV]]
// CHECK: logbtq.batch_norm %
