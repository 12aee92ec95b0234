// RUN: logbtq-opt %s -split-input-file --logbtq-outline-loops | FileCheck %s

// A serial loop nest of a public function moves to a private function that
// takes the values it uses from above; constants are cloned into it, so the
// trip count stays known. The function is internal and kept out of line.
// CHECK-LABEL: func.func private @scale_loop_0(
// CHECK-SAME: %[[A:[^:]*]]: memref<1024xf32>, %[[S:[^:]*]]: f32)
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]}
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1024:.*]] = arith.constant 1024 : index
// CHECK: scf.for %[[I:.*]] = %[[C0]] to %[[C1024]]
// CHECK: memref.load %[[A]][%[[I]]]
// CHECK: arith.mulf {{.*}}, %[[S]]
// CHECK: return
// CHECK-LABEL: func.func @scale(
// CHECK-SAME: %[[X:[^:]*]]: memref<1024xf32>, %[[F:[^:]*]]: f32)
// CHECK-NOT: scf.for
// CHECK: call @scale_loop_0(%[[X]], %[[F]]) : (memref<1024xf32>, f32) -> ()
// CHECK-NEXT: return
func.func @scale(%x: memref<1024xf32>, %f: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  scf.for %i = %c0 to %c1024 step %c1 {
    %v = memref.load %x[%i] : memref<1024xf32>
    %m = arith.mulf %v, %f : f32
    memref.store %m, %x[%i] : memref<1024xf32>
  }
  return
}

// -----

// A loop with results returns them; a Linalg op on buffers is a loop nest
// too. Values computed in the function (%n) become arguments; a name in use
// is skipped; private functions and nested loops stay where they are.
// CHECK-LABEL: func.func private @sum_loop_1(
// CHECK-SAME: %{{.*}}: index, %{{.*}}: memref<?xf32>) -> f32
// CHECK: %[[R:.*]] = scf.for
// CHECK: scf.for
// CHECK: return %[[R]] : f32
// CHECK-LABEL: func.func private @sum_loop_2(
// CHECK-SAME: %{{.*}}: memref<?xf32>)
// CHECK: linalg.fill
// CHECK-LABEL: func.func @sum(
// CHECK: %[[N:.*]] = memref.dim
// CHECK: %[[S:.*]] = call @sum_loop_1(%[[N]], %{{.*}})
// CHECK: call @sum_loop_2(
// CHECK: return %[[S]]
// CHECK-LABEL: func.func private @helper(
// CHECK-NOT: call
// CHECK-NEXT: arith.constant
// CHECK-NEXT: arith.constant
// CHECK-NEXT: arith.constant
// CHECK-NEXT: scf.for
func.func private @sum_loop_0()
func.func @sum(%x: memref<?xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %n = memref.dim %x, %c0 : memref<?xf32>
  %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %x[%i] : memref<?xf32>
    %a = arith.addf %acc, %v : f32
    scf.for %j = %c0 to %c1 step %c1 {
      memref.store %a, %x[%j] : memref<?xf32>
    }
    scf.yield %a : f32
  }
  linalg.fill ins(%zero : f32) outs(%x : memref<?xf32>)
  return %s : f32
}
func.func private @helper(%x: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %x[%i] : memref<8xf32>
    memref.store %v, %x[%i] : memref<8xf32>
  }
  return
}
