// RUN: logbtq-opt %s -split-input-file --logbtq-merge-functions | FileCheck %s

// Two private functions that differ only in their names (and locations)
// become one: the calls of the second go to the first, which is now called
// from two places and so kept out of line. A function with another constant
// in its body, or another type, stays.
// CHECK-LABEL: func.func private @a(
// CHECK-SAME: passthrough = ["noinline"]
// CHECK-NOT: func.func private @b(
// CHECK-LABEL: func.func private @c(
// CHECK-NOT: passthrough
// CHECK-LABEL: func.func private @d(
// CHECK-NOT: passthrough
// CHECK-LABEL: func.func @main(
// CHECK-NEXT: call @a(%{{.*}}) : (memref<16xf32>) -> ()
// CHECK-NEXT: call @a(%{{.*}}) : (memref<16xf32>) -> ()
// CHECK-NEXT: call @c(
// CHECK-NEXT: call @d(
func.func private @a(%x: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %v = memref.load %x[%c0] : memref<16xf32>
  %m = arith.mulf %v, %v : f32
  memref.store %m, %x[%c0] : memref<16xf32>
  return
}
func.func private @b(%y: memref<16xf32>) {
  %i = arith.constant 0 : index
  %w = memref.load %y[%i] : memref<16xf32> loc("elsewhere")
  %n = arith.mulf %w, %w : f32
  memref.store %n, %y[%i] : memref<16xf32>
  return
}
func.func private @c(%x: memref<16xf32>) {
  %c1 = arith.constant 1 : index
  %v = memref.load %x[%c1] : memref<16xf32>
  %m = arith.mulf %v, %v : f32
  memref.store %m, %x[%c1] : memref<16xf32>
  return
}
func.func private @d(%x: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %v = memref.load %x[%c0] : memref<32xf32>
  %m = arith.mulf %v, %v : f32
  memref.store %m, %x[%c0] : memref<32xf32>
  return
}
func.func @main(%x: memref<16xf32>, %y: memref<32xf32>) {
  call @a(%x) : (memref<16xf32>) -> ()
  call @b(%x) : (memref<16xf32>) -> ()
  call @c(%x) : (memref<16xf32>) -> ()
  call @d(%y) : (memref<32xf32>) -> ()
  return
}

// -----

// Operands matter, not only the operations: these two multiply different
// arguments. Public functions are never merged.
// CHECK-LABEL: func.func private @first(
// CHECK-LABEL: func.func private @second(
// CHECK-LABEL: func.func @p(
// CHECK-LABEL: func.func @q(
// CHECK-LABEL: func.func @user(
// CHECK-NEXT: call @first
// CHECK-NEXT: call @second
func.func private @first(%a: f32, %b: f32) -> f32 {
  %m = arith.subf %a, %b : f32
  return %m : f32
}
func.func private @second(%a: f32, %b: f32) -> f32 {
  %m = arith.subf %b, %a : f32
  return %m : f32
}
func.func @p(%a: f32) -> f32 {
  return %a : f32
}
func.func @q(%a: f32) -> f32 {
  return %a : f32
}
func.func @user(%a: f32, %b: f32) -> f32 {
  %x = call @first(%a, %b) : (f32, f32) -> f32
  %y = call @second(%a, %b) : (f32, f32) -> f32
  %z = arith.addf %x, %y : f32
  return %z : f32
}
