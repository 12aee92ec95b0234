// The independent tiles of a big elementwise op run as an OpenMP work-sharing
// loop with parallel=1 (logbtq-compile's trainers), as a plain loop without;
// a small op never starts threads (-logbtq-vectorize's parallel-threshold).
// RUN: logbtq-opt %s -split-input-file --logbtq-lower-to-llvm=parallel=1 | FileCheck %s --check-prefix=OMP
// RUN: logbtq-opt %s -split-input-file --logbtq-lower-to-llvm | FileCheck %s --check-prefix=SEQ

#id = affine_map<(d0, d1) -> (d0, d1)>
// The loop's body is a function of its own (-logbtq-outline-parallel),
// internal to the object so that LLVM inlines it back.
// OMP-LABEL: llvm.func internal @big_parallel_0(
// OMP: omp.wsloop
// OMP: llvm.fmul {{.*}} : vector<16xf32>
// OMP-LABEL: llvm.func @big(
// OMP: omp.parallel
// OMP-NEXT: llvm.call @big_parallel_0(
// Without threads it is a serial loop nest, also in a function of its own
// (-logbtq-outline-loops), kept out of line.
// SEQ-NOT: omp.
// SEQ-LABEL: llvm.func internal @big_loop_0(
// SEQ-SAME: passthrough = ["noinline"]
// SEQ: llvm.fmul {{.*}} : vector<16xf32>
// SEQ-LABEL: llvm.func @big(
// SEQ-NOT: omp.
// SEQ: llvm.call @big_loop_0(
func.func @big(%x: tensor<256x256xf32>) -> tensor<256x256xf32> {
  %init = tensor.empty() : tensor<256x256xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<256x256xf32>) outs(%init : tensor<256x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<256x256xf32>
  return %r : tensor<256x256xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
// OMP-LABEL: llvm.func internal @small_loop_0(
// OMP-NOT: omp.
// OMP: llvm.fmul {{.*}} : vector<16xf32>
// OMP-NOT: omp.
// OMP-LABEL: llvm.func @small(
// OMP-NOT: omp.
// OMP: llvm.call @small_loop_0(
// OMP: llvm.return
func.func @small(%x: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %init = tensor.empty() : tensor<16x32xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<16x32xf32>) outs(%init : tensor<16x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}
