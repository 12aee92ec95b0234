// RUN: logbtq-opt %s -split-input-file -logbtq-insert-barriers -verify-diagnostics
// RUN: not logbtq-opt %s -split-input-file -logbtq-insert-barriers="barrier-targets=weights,biases" 2>&1 | FileCheck %s --check-prefix=TARGET

// TARGET: unknown barrier target 'biases' (expected weights, activations or inputs)

// expected-error @+1 {{-logbtq-insert-barriers needs a func.func @forward}}
module {
  func.func @not_forward() {
    return
  }
}

// -----

// expected-error @+1 {{@forward already has barrier terms}}
func.func @forward(%x: tensor<2xf32> {logbtq.input = "x"}, %t: f32 {logbtq.barrier_t}) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

// -----

// A valid @forward: the first RUN line inserts barriers without error; the
// second rejects the unknown target here.
func.func @forward(%x: tensor<2xf32> {logbtq.input = "x"}) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
