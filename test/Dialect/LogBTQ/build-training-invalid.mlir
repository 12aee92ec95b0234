// RUN: logbtq-opt %s -split-input-file -logbtq-build-training -verify-diagnostics

// expected-error @+1 {{argument 0 of @forward is neither a parameter (logbtq.param), an input (logbtq.input) nor the barrier's t}}
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  return %x : tensor<2x4xf32>
}

// -----

// expected-error @+1 {{the model output must be static [batch, classes] logits for a classification loss, got 'tensor<2x4x4xf32>'}}
func.func @forward(%x: tensor<2x4x4xf32> {logbtq.input = "x"}) -> tensor<2x4x4xf32> {
  return %x : tensor<2x4x4xf32>
}

// -----

// expected-error @+1 {{training needs a model with one input, @forward has several}}
func.func @forward(%x: tensor<2x4xf32> {logbtq.input = "x"}, %y: tensor<2x4xf32> {logbtq.input = "y"}) -> tensor<2x4xf32> {
  return %x : tensor<2x4xf32>
}

// -----

func.func @forward(%w: tensor<4x4xf32> {logbtq.param = "w"}, %x: tensor<2x4xf32> {logbtq.input = "x"}) -> tensor<2x4xf32> {
  %y = logbtq.matmul %x, %w : tensor<2x4xf32>, tensor<4x4xf32> -> tensor<2x4xf32>
  // expected-error @+1 {{'arith.negf' op has no gradient (no DifferentiableOpInterface)}}
  %z = arith.negf %y : tensor<2x4xf32>
  return %z : tensor<2x4xf32>
}
