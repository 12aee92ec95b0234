//===- Passes.td - Linalg-level passes of logbtq -----------*- tablegen -*-===//
//
// Passes that rewrite upstream Linalg (after -convert-logbtq-to-linalg and
// bufferization): they know nothing of the logbtq dialect.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_DIALECT_LINALG_TRANSFORMS_PASSES_TD
#define LOGBTQ_DIALECT_LINALG_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LogBTQOrderLoops : Pass<"logbtq-order-loops"> {
  let summary = "Order the loops of Linalg reductions so LLVM vectorizes them";
  let description = [{
    `convert-linalg-to-loops` nests loops in the order of a Linalg op's
    iteration dims, and the named contractions put their reductions
    innermost: a float reduction is a serial chain that LLVM does not
    vectorize, which made convolutions run at scalar latency. For every
    Linalg op with a reduction iterator this pass
    1. generalizes it to `linalg.generic`;
    2. moves the parallel dim that is the output's last (contiguous) index
       innermost when an input reads it contiguously too (matmul `(m, n, k)`
       becomes `(m, k, n)`, conv NCHW `(n, f, oh, ow, c, kh, kw)` becomes
       `(n, f, oh, c, kh, kw, ow)`): the inner loop is then a vector loop;
    3. marks the float arithmetic of its body `fastmath<reassoc, contract>`
       so that a reduction that stays innermost (a dot product along a
       contiguous dim) may be vectorized and fused into FMAs.
    Step 3 reorders float sums: results may differ from the sequential sum
    in the last bits (the gradient checks allow 1e-4). Integer bodies are
    exact under any order.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // LOGBTQ_DIALECT_LINALG_TRANSFORMS_PASSES_TD
