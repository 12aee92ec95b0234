// RUN: logbtq-opt %s -split-input-file -logbtq-quantize-forward -verify-diagnostics
// RUN: not logbtq-opt %s -split-input-file -logbtq-quantize-forward="activation-range=40" 2>&1 | FileCheck %s --check-prefix=RANGE

// expected-error @+1 {{-logbtq-quantize-forward needs a func.func @forward}}
module {
  func.func @train_step() {
    return
  }
}

// -----

// An exponent outside the MU8 formats' is refused before anything changes.
// RANGE: error: -logbtq-quantize-forward: range exponent 40 is outside [-32, 32]
module {
  func.func @forward(%x: tensor<2xf32> {logbtq.input = "x"}) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}
