// RUN: logbtq-opt %s -split-input-file --logbtq-strided-copies-to-linalg | FileCheck %s

// Into a padded buffer's interior: a strided target.
// CHECK-LABEL: func.func @into_padding(
// CHECK-SAME: %[[SRC:[^:]*]]: memref<2x28x28xi16>, %[[DST:[^:]*]]: memref<2x28x28xi16, strided<[1024, 32, 1], offset: 66>>)
// CHECK: linalg.copy ins(%[[SRC]] : memref<2x28x28xi16>) outs(%[[DST]] : memref<2x28x28xi16, strided<[1024, 32, 1], offset: 66>>)
// CHECK-NOT: memref.copy
func.func @into_padding(%src: memref<2x28x28xi16>, %dst: memref<2x28x28xi16, strided<[1024, 32, 1], offset: 66>>) {
  memref.copy %src, %dst : memref<2x28x28xi16> to memref<2x28x28xi16, strided<[1024, 32, 1], offset: 66>>
  return
}

// -----

// Out of a product's padded columns: a strided source.
// CHECK-LABEL: func.func @out_of_padding(
// CHECK: linalg.copy
// CHECK-NOT: memref.copy
func.func @out_of_padding(%src: memref<4x196xi64, strided<[208, 1]>>, %dst: memref<4x196xi64>) {
  memref.copy %src, %dst : memref<4x196xi64, strided<[208, 1]>> to memref<4x196xi64>
  return
}

// -----

// One contiguous block on both sides, even at an offset or with an explicit
// row-major layout: stays a memref.copy (a memcpy).
// CHECK-LABEL: func.func @contiguous(
// CHECK-NOT: linalg.copy
// CHECK: memref.copy %{{.*}} : memref<16xi8> to memref<16xi8>
// CHECK: memref.copy %{{.*}} : memref<4x8xf32, strided<[8, 1]>> to memref<4x8xf32>
// CHECK: memref.copy %{{.*}} : memref<32xi8> to memref<32xi8, strided<[1], offset: 16>>
// CHECK-NOT: linalg.copy
func.func @contiguous(%a: memref<16xi8>, %b: memref<16xi8>, %c: memref<4x8xf32, strided<[8, 1]>>, %d: memref<4x8xf32>, %e: memref<32xi8>, %f: memref<32xi8, strided<[1], offset: 16>>) {
  memref.copy %a, %b : memref<16xi8> to memref<16xi8>
  memref.copy %c, %d : memref<4x8xf32, strided<[8, 1]>> to memref<4x8xf32>
  memref.copy %e, %f : memref<32xi8> to memref<32xi8, strided<[1], offset: 16>>
  return
}
