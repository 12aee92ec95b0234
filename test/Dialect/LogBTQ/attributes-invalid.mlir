// RUN: logbtq-opt %s -split-input-file -verify-diagnostics

// The dialect verifies every logbtq.* attribute: a misspelt name is caught
// where it stands, not read later as "no such attribute".

// expected-error @+1 {{unknown attribute 'logbtq.parm' on argument 0; the logbtq dialect knows: logbtq.param, logbtq.init}}
func.func @forward(%w: tensor<4xf32> {logbtq.parm = "w"}) -> tensor<4xf32> {
  return %w : tensor<4xf32>
}

// -----

// expected-error @+1 {{'logbtq.param' on argument 0 must be the parameter's name, got 3 : i32}}
func.func @forward(%w: tensor<4xf32> {logbtq.param = 3 : i32}) -> tensor<4xf32> {
  return %w : tensor<4xf32>
}

// -----

// expected-error @+1 {{'logbtq.stats' does not belong on a function argument (argument 0); it goes on a function result}}
func.func @forward(%w: tensor<4xf32> {logbtq.stats}) -> tensor<4xf32> {
  return %w : tensor<4xf32>
}

// -----

// expected-error @+1 {{'logbtq.output' on result 0 must be the output's name, got unit}}
func.func @forward(%x: tensor<4xf32> {logbtq.input = "x"}) -> (tensor<4xf32> {logbtq.output}) {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{'logbtq.frozen' does not belong on the module (the module); it goes on a function argument}}
module attributes {logbtq.frozen} {
}

// -----

// expected-error @+1 {{'logbtq.quant' on the module must be "mu8" or "f32", got "int4"}}
module attributes {logbtq.quant = "int4"} {
}

// -----

// expected-error @+1 {{'logbtq.training' on the module must be a dictionary of float settings, got {momentum = "high"}}}
module attributes {logbtq.training = {momentum = "high"}} {
}

// -----

// expected-error @+1 {{'logbtq.param' does not belong on an operation ('arith.constant'); it goes on a function argument}}
%c = arith.constant {logbtq.param = "c"} 1.0 : f32

// -----

// Every attribute the passes write, in its place, verifies.
module attributes {logbtq.source = "m.onnx", logbtq.opset = 13 : i64,
                   logbtq.quant = "mu8", logbtq.weight_range = 0 : i32,
                   logbtq.training = {momentum = 9.0e-01 : f64}} {
  func.func @step(%w: tensor<4xf32> {logbtq.param = "w", logbtq.init = dense<1.0> : tensor<4xf32>, logbtq.frozen, logbtq.range = 0 : i32},
                  %m: tensor<4xf32> {logbtq.momentum = "w"},
                  %x: tensor<4xf32> {logbtq.input = "x"},
                  %y: tensor<4xi32> {logbtq.labels}, %lr: f32 {logbtq.lr},
                  %t: f32 {logbtq.barrier_t}, %r: tensor<1xi32> {logbtq.ranges},
                  %n: i64 {logbtq.step})
      -> (tensor<4xf32> {logbtq.output = "y"}, f32 {logbtq.barrier_penalty},
          tensor<1xi32> {logbtq.ranges}, tensor<16xf32> {logbtq.stats}) {
    %p = arith.constant 0.0 : f32
    %s = arith.constant dense<0.0> : tensor<16xf32>
    return %x, %p, %r, %s : tensor<4xf32>, f32, tensor<1xi32>, tensor<16xf32>
  }
}
