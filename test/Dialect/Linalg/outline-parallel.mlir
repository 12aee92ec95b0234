// RUN: logbtq-opt %s -split-input-file --logbtq-outline-parallel | FileCheck %s

// The body of a parallel region moves to a private function that takes the
// values it uses from above (constants are cloned into it instead); the
// region keeps a call to it. It is internal to the object, so that LLVM can
// inline it back.
// CHECK-LABEL: func.func private @scale_parallel_0(
// CHECK-SAME: %[[A:[^:]*]]: memref<1024xf32>, %[[S:[^:]*]]: f32)
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>}
// CHECK: arith.constant 0 : index
// CHECK: omp.wsloop
// CHECK: omp.loop_nest
// CHECK: memref.load %[[A]]
// CHECK: arith.mulf {{.*}}, %[[S]]
// CHECK: return
// CHECK-LABEL: func.func @scale(
// CHECK-SAME: %[[X:[^:]*]]: memref<1024xf32>, %[[F:[^:]*]]: f32)
// CHECK: omp.parallel {
// CHECK-NEXT: call @scale_parallel_0(%[[X]], %[[F]])
// CHECK-NEXT: omp.terminator
// CHECK-NOT: omp.wsloop
func.func @scale(%x: memref<1024xf32>, %f: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c1024) step (%c1) {
        %v = memref.load %x[%i] : memref<1024xf32>
        %m = arith.mulf %v, %f : f32
        memref.store %m, %x[%i] : memref<1024xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// Two regions of one function get two functions; a name in use is skipped.
// CHECK-LABEL: func.func private @two_parallel_1(
// CHECK-LABEL: func.func private @two_parallel_2(
// CHECK-LABEL: func.func @two(
// CHECK: call @two_parallel_1
// CHECK: call @two_parallel_2
func.func private @two_parallel_0()
func.func @two(%x: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %z = arith.constant 0.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        memref.store %z, %x[%i] : memref<64xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c64) step (%c1) {
        memref.store %z, %x[%i] : memref<64xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
