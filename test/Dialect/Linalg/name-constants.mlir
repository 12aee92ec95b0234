// RUN: logbtq-opt %s -split-input-file --logbtq-name-constants | FileCheck %s

// The bufferization named these in the order it visited @second and
// @first; they are named again in the order the module reads them, the
// first of a type with the bare name, and placed at the top in that order.
// A constant global nothing reads goes; other globals keep their names.
// CHECK-LABEL: module
// CHECK-NEXT: memref.global "private" constant @__constant_4xf32 : memref<4xf32> = dense<1.000000e+00>
// CHECK-NEXT: memref.global "private" constant @__constant_2xi32 : memref<2xi32> = dense<[3, 4]>
// CHECK-NEXT: memref.global "private" constant @__constant_4xf32_0 : memref<4xf32> = dense<2.000000e+00>
// CHECK-NEXT: memref.global "private" constant @__constant_2xi32_0 : memref<2xi32> = dense<[5, 6]>
// CHECK-NEXT: memref.global "private" @__constant_state : memref<2xi32>
// CHECK-NOT: dense<7.0
// CHECK-LABEL: func.func @first
// CHECK-NEXT: memref.get_global @__constant_4xf32 :
// CHECK-NEXT: memref.get_global @__constant_2xi32 :
// CHECK-NEXT: memref.get_global @__constant_4xf32 :
// CHECK-LABEL: func.func @second
// CHECK-NEXT: memref.get_global @__constant_4xf32_0 :
// CHECK-NEXT: memref.get_global @__constant_2xi32_0 :
// CHECK-NEXT: memref.get_global @__constant_state :
module {
  memref.global "private" constant @__constant_4xf32 : memref<4xf32> = dense<2.0>
  memref.global "private" constant @__constant_2xi32 : memref<2xi32> = dense<[5, 6]>
  memref.global "private" constant @__constant_4xf32_0 : memref<4xf32> = dense<1.0>
  memref.global "private" constant @__constant_4xf32_1 : memref<4xf32> = dense<7.0>
  memref.global "private" constant @__constant_2xi32_0 : memref<2xi32> = dense<[3, 4]>
  memref.global "private" @__constant_state : memref<2xi32>
  func.func @first() -> (memref<4xf32>, memref<2xi32>, memref<4xf32>) {
    %a = memref.get_global @__constant_4xf32_0 : memref<4xf32>
    %b = memref.get_global @__constant_2xi32_0 : memref<2xi32>
    %c = memref.get_global @__constant_4xf32_0 : memref<4xf32>
    return %a, %b, %c : memref<4xf32>, memref<2xi32>, memref<4xf32>
  }
  func.func @second() -> (memref<4xf32>, memref<2xi32>, memref<2xi32>) {
    %a = memref.get_global @__constant_4xf32 : memref<4xf32>
    %b = memref.get_global @__constant_2xi32 : memref<2xi32>
    %c = memref.get_global @__constant_state : memref<2xi32>
    return %a, %b, %c : memref<4xf32>, memref<2xi32>, memref<2xi32>
  }
}

// -----

// Without constant globals the module is left as it was.
// CHECK-LABEL: func.func @none
// CHECK-NEXT: return
func.func @none() {
  return
}
