// RUN: logbtq-opt %s -split-input-file -logbtq-insert-barriers | FileCheck %s
// RUN: logbtq-opt %s -split-input-file -logbtq-insert-barriers="barrier-lambda=1.0 barrier-bound=0.5 barrier-output-bound=8.0 barrier-targets=weights" | FileCheck %s --check-prefix=WEIGHTS
// RUN: logbtq-opt %s -split-input-file -logbtq-insert-barriers="barrier-lambda=0" | FileCheck %s --check-prefix=OFF

// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[W:.+]]: tensor<10x4xf32> {logbtq.param = "w"}, %[[F:.+]]: tensor<10xf32> {logbtq.frozen, logbtq.param = "f"}, %[[X:.+]]: tensor<2x4xf32> {logbtq.input = "x"}, %[[T:.+]]: f32 {logbtq.barrier_t})
// CHECK-SAME: -> (tensor<2x10xf32>, f32 {logbtq.barrier_penalty})
// Weights (trainable only) and inputs get the bound; the frozen one none.
// CHECK: %[[Y:.+]] = logbtq.matmul
// CHECK: %[[R:.+]] = logbtq.reshape %[[Y]]
// CHECK: %[[Z:.+]] = logbtq.add %[[R]], %[[F]]
// CHECK: %[[B0:.+]] = logbtq.barrier %[[W]], %[[T]] : tensor<10x4xf32>
// CHECK-NOT: logbtq.barrier %[[F]]
// CHECK: %[[B1:.+]] = logbtq.barrier %[[X]], %[[T]] : tensor<2x4xf32>
// CHECK: %[[S1:.+]] = arith.addf %[[B0]], %[[B1]]
// An activation: the matmul result (the reshape repeats it: no term).
// CHECK: %[[B2:.+]] = logbtq.barrier %[[Y]], %[[T]] : tensor<2x10xf32>
// CHECK-NOT: logbtq.barrier %[[R]]
// CHECK: %[[S2:.+]] = arith.addf %[[S1]], %[[B2]]
// The output (logits) keeps the wider output bound.
// CHECK: %[[B3:.+]] = logbtq.barrier %[[Z]], %[[T]] {bound = 1.600000e+01 : f32}
// CHECK: %[[S3:.+]] = arith.addf %[[S2]], %[[B3]]
// CHECK: %[[L:.+]] = arith.constant 3.000000e-01 : f32
// CHECK: %[[P:.+]] = arith.mulf %[[L]], %[[S3]]
// CHECK: return %[[Z]], %[[P]]

// WEIGHTS-LABEL: func.func @forward
// WEIGHTS: %[[B:.+]] = logbtq.barrier %{{.+}}, %{{.+}} {bound = 5.000000e-01 : f32} : tensor<10x4xf32>
// WEIGHTS-NOT: logbtq.barrier
// WEIGHTS: arith.constant 1.000000e+00 : f32
// WEIGHTS: arith.mulf %{{.+}}, %[[B]]

// OFF-LABEL: func.func @forward
// OFF-SAME: -> tensor<2x10xf32>
// OFF-NOT: logbtq.barrier
func.func @forward(%w: tensor<10x4xf32> {logbtq.param = "w"}, %f: tensor<10xf32> {logbtq.param = "f", logbtq.frozen}, %x: tensor<2x4xf32> {logbtq.input = "x"}) -> tensor<2x10xf32> {
  %y = logbtq.matmul %x, %w {transpose_rhs} : tensor<2x4xf32>, tensor<10x4xf32> -> tensor<2x10xf32>
  %r = logbtq.reshape %y : tensor<2x10xf32> -> tensor<2x10xf32>
  %z = logbtq.add %r, %f : tensor<2x10xf32>, tensor<10xf32> -> tensor<2x10xf32>
  return %z : tensor<2x10xf32>
}

// -----

// The input of a batch norm that can train with the batch's statistics (its
// scale and bias train) gets no term: the normalization undoes its scale, so
// a barrier there would shrink the convolution without end. The normalized
// output (here the logits) keeps its term.
// CHECK-LABEL: func.func @forward
// CHECK: %[[C:.+]] = logbtq.conv2d
// CHECK: %[[Y:.+]] = logbtq.batch_norm %[[C]]
// CHECK-NOT: logbtq.barrier %[[C]]
// CHECK: logbtq.barrier %[[Y]], %{{.+}} {bound = 1.600000e+01 : f32}
func.func @forward(%k: tensor<3x1x1x1xf32> {logbtq.param = "k"}, %s: tensor<3xf32> {logbtq.param = "s"}, %b: tensor<3xf32> {logbtq.param = "b"}, %m: tensor<3xf32> {logbtq.param = "m", logbtq.frozen}, %v: tensor<3xf32> {logbtq.param = "v", logbtq.frozen}, %x: tensor<4x1x2x2xf32> {logbtq.input = "x"}) -> tensor<4x3x2x2xf32> {
  %c = logbtq.conv2d %x, %k : (tensor<4x1x2x2xf32>, tensor<3x1x1x1xf32>) -> tensor<4x3x2x2xf32>
  %y = logbtq.batch_norm %c, %s, %b, %m, %v : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x2x2xf32>
  return %y : tensor<4x3x2x2xf32>
}

// -----

// With a frozen scale the batch norm is a fixed affine map: its input keeps
// its term.
// CHECK-LABEL: func.func @forward
// CHECK: %[[C:.+]] = logbtq.conv2d
// CHECK: logbtq.barrier %[[C]], %{{[^ ]+}} : tensor<4x3x2x2xf32>
func.func @forward(%k: tensor<3x1x1x1xf32> {logbtq.param = "k"}, %s: tensor<3xf32> {logbtq.param = "s", logbtq.frozen}, %b: tensor<3xf32> {logbtq.param = "b"}, %m: tensor<3xf32> {logbtq.param = "m", logbtq.frozen}, %v: tensor<3xf32> {logbtq.param = "v", logbtq.frozen}, %x: tensor<4x1x2x2xf32> {logbtq.input = "x"}) -> tensor<4x3x2x2xf32> {
  %c = logbtq.conv2d %x, %k : (tensor<4x1x2x2xf32>, tensor<3x1x1x1xf32>) -> tensor<4x3x2x2xf32>
  %y = logbtq.batch_norm %c, %s, %b, %m, %v : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x2x2xf32>
  return %y : tensor<4x3x2x2xf32>
}

// -----

// A layer norm undoes its input's scale whatever its parameters: the input
// (a layer's output, read by nothing else) gets no term, the normalized
// output keeps its own.
// CHECK-LABEL: func.func @forward
// CHECK: %[[H:.+]] = logbtq.add
// CHECK: %[[Y:.+]] = logbtq.layer_norm %[[H]]
// CHECK-NOT: logbtq.barrier %[[H]]
// CHECK: logbtq.barrier %[[Y]], %{{.+}} {bound = 1.600000e+01 : f32}
func.func @forward(%w: tensor<4x4xf32> {logbtq.param = "w"}, %b: tensor<4xf32> {logbtq.param = "b"}, %s: tensor<4xf32> {logbtq.param = "s", logbtq.frozen}, %c: tensor<4xf32> {logbtq.param = "c", logbtq.frozen}, %x: tensor<2x4xf32> {logbtq.input = "x"}) -> tensor<2x4xf32> {
  %m = logbtq.matmul %x, %w : tensor<2x4xf32>, tensor<4x4xf32> -> tensor<2x4xf32>
  %h = logbtq.add %m, %b : tensor<2x4xf32>, tensor<4xf32> -> tensor<2x4xf32>
  %y = logbtq.layer_norm %h, %s, %c {axis = 1 : i64} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// A residual stream: the value a layer norm reads is also added to a later
// value, so it keeps its term.
// CHECK-LABEL: func.func @forward
// CHECK: %[[H:.+]] = logbtq.relu
// CHECK: logbtq.barrier %[[H]], %{{[^ ]+}} : tensor<2x4xf32>
func.func @forward(%s: tensor<4xf32> {logbtq.param = "s"}, %c: tensor<4xf32> {logbtq.param = "c"}, %x: tensor<2x4xf32> {logbtq.input = "x"}) -> tensor<2x4xf32> {
  %h = logbtq.relu %x : tensor<2x4xf32> -> tensor<2x4xf32>
  %y = logbtq.layer_norm %h, %s, %c {axis = 1 : i64} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %r = logbtq.add %h, %y : tensor<2x4xf32>, tensor<2x4xf32> -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// A causal mask: the select only chooses values of the scores or the -inf
// fill, so it gets no term (a term on it would be infinite); the scores and
// the output keep theirs.
// CHECK-LABEL: func.func @forward
// CHECK: %[[S:.+]] = logbtq.mul
// CHECK: %[[M:.+]] = logbtq.select
// CHECK: %[[A:.+]] = logbtq.softmax %[[M]]
// CHECK: logbtq.barrier %[[S]], %{{[^ ]+}} : tensor<2x3x3xf32>
// CHECK-NOT: logbtq.barrier %[[M]]
// CHECK: logbtq.barrier %[[A]], %{{[^ ]+}} {bound = 1.600000e+01 : f32} : tensor<2x3x3xf32>
func.func @forward(%w: tensor<3xf32> {logbtq.param = "w"}, %x: tensor<2x3x3xf32> {logbtq.input = "x"}) -> tensor<2x3x3xf32> {
  %causal = arith.constant dense<[[true, false, false], [true, true, false], [true, true, true]]> : tensor<3x3xi1>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %s = logbtq.mul %x, %w : tensor<2x3x3xf32>, tensor<3xf32> -> tensor<2x3x3xf32>
  %m = logbtq.select %causal, %s, %ninf : (tensor<3x3xi1>, tensor<2x3x3xf32>, tensor<f32>) -> tensor<2x3x3xf32>
  %a = logbtq.softmax %m {axis = 2 : i64} : tensor<2x3x3xf32> -> tensor<2x3x3xf32>
  return %a : tensor<2x3x3xf32>
}
