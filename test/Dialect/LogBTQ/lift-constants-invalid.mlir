// RUN: logbtq-opt %s -split-input-file -logbtq-lift-constants -verify-diagnostics
// RUN: not logbtq-opt %s -split-input-file -logbtq-lift-constants="frozen=nope" 2>&1 | FileCheck %s --check-prefix=FROZEN

// Two arguments that are not parameters: which one is the data is not
// guessed.
// expected-error @+1 {{@forward has 2 arguments that are not parameters; mark the data argument with logbtq.input}}
func.func @forward(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = logbtq.add %x, %y : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

// -----

// FROZEN: error: --frozen names 'nope', which is no parameter of @forward
func.func @forward(%x: tensor<2x3xf32> {logbtq.input = "x"}) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}
