// RUN: logbtq-opt %s -logbtq-build-training -logbtq-quantize -canonicalize -cse -logbtq-flatten-abi | FileCheck %s
// RUN: logbtq-opt %s -logbtq-build-training -logbtq-quantize="quant=f32" -logbtq-flatten-abi | FileCheck %s --check-prefix=F32

// A batch norm that trains: its running statistics are `statistic` records
// (with their initial ranges: 2^0 for the zero mean, 2^1 for a variance of
// 2). The ranges buffer holds one momentum range per parameter (4), then one
// per statistic; the grad and eval steps read the statistics' tail of it.
func.func @forward(%s: tensor<3xf32> {logbtq.param = "s", logbtq.init = dense_resource<s> : tensor<3xf32>},
                   %m: tensor<3xf32> {logbtq.param = "m", logbtq.frozen, logbtq.init = dense_resource<m> : tensor<3xf32>},
                   %v: tensor<3xf32> {logbtq.param = "v", logbtq.frozen, logbtq.init = dense_resource<v> : tensor<3xf32>},
                   %b: tensor<3xf32> {logbtq.param = "b", logbtq.init = dense_resource<m> : tensor<3xf32>},
                   %x: tensor<4x3x2x2xf32> {logbtq.input = "x"}) -> tensor<4x3xf32> {
  %y = logbtq.batch_norm %x, %s, %b, %m, %v : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x2x2xf32>
  %p = logbtq.avg_pool2d %y {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<4x3x2x2xf32> -> tensor<4x3x1x1xf32>
  %z = logbtq.reshape %p : tensor<4x3x1x1xf32> -> tensor<4x3xf32>
  return %z : tensor<4x3xf32>
}

// CHECK: logbtq.model_info = "{{[^"]*}}param s 3 0 trainable 0\0Aparam m 3 3 statistic 0\0Aparam v 3 6 statistic 1\0Aparam b 3 9 trainable 0\0A

// CHECK-LABEL: func.func @logbtq_train_step
// CHECK-SAME: (%{{[^:]+}}: tensor<12xi8>, %{{[^:]+}}: tensor<12xi8>, %[[RG:[^:]+]]: tensor<6xi32>,
// CHECK-SAME: -> (tensor<12xi8>, tensor<12xi8>, tensor<6xi32>, tensor<16xf32>)
// CHECK: call @train_step({{.*}}%[[RG]], %{{[^ ]+}}) :

// CHECK-LABEL: func.func @logbtq_grad_step
// CHECK-SAME: (%{{[^:]+}}: tensor<12xi8>, %[[RG:[^:]+]]: tensor<6xi32>, %{{[^:]+}}: tensor<48xf32>, %{{[^:]+}}: tensor<4xi32>, %{{[^:]+}}: f32)
// CHECK: %[[TAIL:.+]] = tensor.extract_slice %[[RG]][4] [2] [1] : tensor<6xi32> to tensor<2xi32>
// CHECK: call @grad_step({{.*}}%[[TAIL]]) :

// CHECK-LABEL: func.func @logbtq_eval_step
// CHECK-SAME: (%{{[^:]+}}: tensor<12xi8>, %[[RG:[^:]+]]: tensor<6xi32>, %{{[^:]+}}: tensor<48xf32>, %{{[^:]+}}: tensor<4xi32>)
// CHECK: %[[TAIL:.+]] = tensor.extract_slice %[[RG]][4] [2] [1] : tensor<6xi32> to tensor<2xi32>
// CHECK: call @eval_step({{.*}}%[[TAIL]]) :

// Float32: the statistics are still marked (the runtime prints them), with
// no ranges; the ranges buffer keeps its size and the steps ignore it.
// F32: logbtq.model_info = "{{[^"]*}}param m 3 3 statistic\0Aparam v 3 6 statistic\0A
// F32-LABEL: func.func @logbtq_eval_step
// F32-SAME: (%{{[^:]+}}: tensor<12xf32>, %{{[^:]+}}: tensor<6xi32>, %{{[^:]+}}: tensor<48xf32>, %{{[^:]+}}: tensor<4xi32>)
// F32-NOT: tensor.extract_slice %{{.+}} : tensor<6xi32>
// F32: return

{-#
  dialect_resources: {
    builtin: {
      s: "0x040000000000803F0000803F0000803F",
      m: "0x04000000000000000000000000000000",
      v: "0x04000000000000400000004000000040"
    }
  }
#-}
