// RUN: logbtq-opt %s -split-input-file -convert-logbtq-to-linalg -verify-diagnostics

// Only f32 tensors of static shape are lowered (MU8 gets its integer path
// later); anything else stays illegal and the pass fails instead of crashing.

func.func @relu_mu8(%x: tensor<8x!logbtq.mu8>) -> tensor<8x!logbtq.mu8> {
  // expected-error @+1 {{failed to legalize operation 'logbtq.relu'}}
  %y = logbtq.relu %x : tensor<8x!logbtq.mu8> -> tensor<8x!logbtq.mu8>
  return %y : tensor<8x!logbtq.mu8>
}

// -----

func.func @matmul_dynamic(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{failed to legalize operation 'logbtq.matmul'}}
  %y = logbtq.matmul %x, %w : tensor<?x8xf32>, tensor<8x4xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

func.func @barrier_mu8(%x: tensor<8x!logbtq.mu8>, %t: f32) -> f32 {
  // expected-error @+1 {{failed to legalize operation 'logbtq.barrier'}}
  %p = logbtq.barrier %x, %t : tensor<8x!logbtq.mu8>
  return %p : f32
}
