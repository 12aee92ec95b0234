func.func @f(%x: tensor<4xf32>) -> tensor<4x!logbtq.mu8<2>> {
  %c = logbtq.encode %x : tensor<4xf32> -> tensor<4x!logbtq.mu8<2>>
  return %c : tensor<4x!logbtq.mu8<2>>
}
