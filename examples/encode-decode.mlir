// A few values through MU8 and back. `logbtq-opt -canonicalize` folds the
// encode and decode with the exact runtime numerics, so the printed IR shows
// the codes each value gets and the value each code stands for.
func.func @encode_decode() -> (tensor<8x!logbtq.mu8>, tensor<8xf32>, f32) {
  // 2.0 lies beyond range 1: it saturates to code 127 (an overflow event).
  %x = arith.constant dense<[0.0, 0.001, 0.01, 0.1, -0.3, 0.5, 1.0, 2.0]> : tensor<8xf32>
  %codes = logbtq.encode %x : tensor<8xf32> -> tensor<8x!logbtq.mu8>
  %back = logbtq.decode %codes : tensor<8x!logbtq.mu8> -> tensor<8xf32>
  // The log-barrier penalty these values would add to the loss (t = 5).
  %t = arith.constant 5.0 : f32
  %penalty = logbtq.barrier %x, %t : tensor<8xf32>
  return %codes, %back, %penalty : tensor<8x!logbtq.mu8>, tensor<8xf32>, f32
}
