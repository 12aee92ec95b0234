// RUN: not logbtq-opt %s -logbtq-quantize="quant=int4" 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not logbtq-opt %s -logbtq-quantize="weight-range=40" 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not logbtq-opt %s -logbtq-quantize 2>&1 | FileCheck %s --check-prefix=STEPS

// A number format the option parser does not know is refused before the
// pass runs.
// FORMAT: for the --quant option: Cannot find option named 'int4'!

// Errors name the module's location and exit non-zero.
// RANGE: quantize-invalid.mlir:[[@LINE+2]]:1: error: -logbtq-quantize: range exponent 40 is outside [-32, 32]
// STEPS: quantize-invalid.mlir:[[@LINE+1]]:1: error: -logbtq-quantize needs the steps of -logbtq-build-training
module {
  func.func @forward() {
    return
  }
}
