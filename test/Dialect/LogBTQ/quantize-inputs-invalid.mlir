// RUN: logbtq-opt %s -split-input-file -logbtq-quantize -verify-diagnostics

// A step reads one data input; only @forward (-logbtq-quantize-forward, an
// inference run) may have several.
// expected-error @+1 {{-logbtq-quantize: @eval_step has 2 logbtq.input arguments; a step reads one}}
func.func @eval_step(%a: tensor<2x3xf32> {logbtq.input = "a"}, %b: tensor<2x3xf32> {logbtq.input = "b"}, %labels: tensor<2xi32> {logbtq.labels}) -> tensor<4xf32> {
  %s = arith.constant dense<0.0> : tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

// expected-error @+1 {{-logbtq-quantize: @eval_step has no logbtq.input argument}}
func.func @eval_step(%labels: tensor<2xi32> {logbtq.labels}) -> tensor<4xf32> {
  %s = arith.constant dense<0.0> : tensor<4xf32>
  return %s : tensor<4xf32>
}
