//===- Passes.td - Linalg-level passes of logbtq -----------*- tablegen -*-===//
//
// Passes that rewrite upstream Linalg, SCF and OpenMP (after
// -convert-logbtq-to-linalg): they know nothing of the logbtq dialect.
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

def LogBTQVectorize : Pass<"logbtq-vectorize"> {
  let summary = "Vectorize Linalg ops on tensors whose results do not "
                "depend on the order of evaluation";
  let description = [{
    The MU8 program spends most of its time in elementwise bodies that LLVM
    does not vectorize (table lookups, f64 comparisons, the counter-based
    random draws of stochastic rounding): LLVM's loop vectorizer cannot
    bound the accesses of the loops `convert-linalg-to-loops` emits. This
    pass vectorizes them in MLIR, before bufferization, for every static
    `linalg.generic` whose result is the same under any evaluation order:
    - all loops parallel (elementwise maps, broadcasts, table lookups
      through `tensor.extract`, which become `vector.gather`), or
    - reductions whose combiners are exact under reassociation: integer
      `addi`/`ori`/`andi`/`xori`/`min`/`max` and float `maxnumf`/
      `minnumf`/`maximumf`/`minimumf` (counters and range maxima), or
      float `addf`/`mulf` that carry the `reassoc` flag (the barrier's
      sum, whose order only the reported loss sees).
    A `tensor.extract` at computed indices becomes a `vector.gather` whose
    offsets are linearized over the tensor's shape, which is only right for
    a dense buffer; a tensor that may bufferize to a strided view (a slice,
    possibly reshaped) is first copied (`bufferization.alloc_tensor` with
    `copy`).
    Other float sums are left alone: vectorizing them would change the
    last bits of results the tests pin down.

    Dims are first collapsed into one: all of them for a reduction over
    every loop (identity inputs, 0-d outputs); for an elementwise op, the
    last dims that every operand reads together, in order and last, or not
    at all (a bias add over NCHW images reads the bias as `(d1)`), unless
    an operand may be a strided view. A 14 x 14 image is then one dim of
    196 (12 vectors and 4 left over) rather than rows of 14 that would all
    stay scalar. An op that reads `linalg.index` is collapsed only when its
    rows are not whole vectors (the stochastic rounding of a 5 x 5 filter):
    the index is split back with a division and a remainder per lane. The
    innermost dim is then split at the largest multiple of
    `vector-width` (the remainder stays scalar), tiled by `vector-width`
    (all other dims by 1) and each tile vectorized with upstream
    `linalg::vectorize`. The tiles of a large elementwise op are
    independent, so its loop is an `scf.forall` (see `parallel-threshold`).
    A 1-D reduction of at least twice that size is split into equal chunks
    (at most 16,384 elements, a divisor of its size) reduced by an
    `scf.forall` into partial results that are merged in chunk order: the
    chunks depend on the size only, so results do not depend on the number
    of threads. The vector ops compute what the scalar body
    computes lane by lane, so results are bit for bit those of the scalar
    loops (test/Integration/MU8 and the MU8 step test check it), except
    the order of a `reassoc` sum.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Elements per vector (an innermost dim smaller than this stays "
           "scalar)">,
    Option<"parallelThreshold", "parallel-threshold", "int64_t",
           /*default=*/"32768",
           "Elementwise ops of at least this many elements loop over their "
           "tiles with scf.forall (smaller ones would spend more on "
           "starting threads than they save)">,
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect",
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::ub::UBDialect", "::mlir::bufferization::BufferizationDialect"
  ];
}

def LogBTQStridedCopiesToLinalg : Pass<"logbtq-strided-copies-to-linalg"> {
  let summary = "Turn memref.copy between strided buffers into linalg.copy";
  let description = [{
    Bufferization copies tensors into and out of views: the padded input of
    a convolution, a product's result without its padding columns. A
    `memref.copy` whose source or target is not one contiguous block lowers
    to a call of the runtime's generic `memrefCopy`, which walks the
    elements one at a time with their strides computed at run time; in the
    cnn's step that was a few percent of the time, all of it on one core.
    This pass rewrites such a copy as `linalg.copy`, which becomes a loop
    nest whose contiguous innermost loop LLVM vectorizes. Copies between
    contiguous buffers stay `memref.copy` (a `memcpy`).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def LogBTQOutlineParallel : Pass<"logbtq-outline-parallel", "::mlir::ModuleOp"> {
  let summary = "Move the body of every omp.parallel into a function of its "
                "own";
  let description = [{
    The translation to LLVM IR outlines each `omp.parallel` region with
    LLVM's code extractor, which scans the whole enclosing function for
    every region: a step function of a few hundred parallel loops spent
    more time there than in anything else of its translation. This pass
    moves the body of each outermost `omp.parallel` (its work-sharing loop
    and everything in it) into a private `func.func` of its own, taking the
    values it uses from above as arguments, and leaves a call in the
    region; the extractor then scans only that call's block. LLVM's
    inliner puts the bodies back where they came from, so the generated
    code does not change (unless `-logbtq-merge-functions` finds the same
    body elsewhere, and keeps one copy out of line). A work-sharing loop in its own function is an
    orphaned construct, which OpenMP binds to the enclosing parallel
    region at run time.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def LogBTQOutlineLoops : Pass<"logbtq-outline-loops", "::mlir::ModuleOp"> {
  let summary = "Move each serial loop nest of a public function into a "
                "function of its own";
  let description = [{
    A step function holds hundreds of loop nests one after the other: the
    layers' small kernels, copies and reductions that do not run in
    parallel. Some of LLVM's loop passes (induction-variable simplification,
    loop rotation) and the SCF-to-CFG conversion take time that grows
    faster than the size of the function they work on: in resnet-tiny's
    train step, induction-variable simplification alone took 40% of LLVM's
    optimization time and the SCF-to-CFG conversion over a second. This
    pass moves every `scf.for` and every Linalg op (on buffers: a loop nest
    to be) directly in the body of a public function into a private
    function of its own, taking the values it uses from above as arguments
    (constants are cloned in, so trip counts and strides stay known), and
    leaves a call. The functions are internal and marked `noinline`, so
    LLVM optimizes them one at a time; a call per loop nest and step is
    all it costs at run time.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def LogBTQNameConstants : Pass<"logbtq-name-constants", "::mlir::ModuleOp"> {
  let summary = "Name and order the constant globals of the bufferization "
                "by their first use";
  let description = [{
    One-shot bufferization turns each tensor constant into a private
    `memref.global` named after its type (`@__constant_128xf32`, then
    `@__constant_128xf32_0`, ...), in the order it bufferizes the functions.
    In MLIR 22 that order comes from iterating a map keyed by pointers, so
    the same input gives globals that are named and placed differently
    from one run to the next, and so does everything after it: the
    lowered IR, and which outlined functions `-logbtq-merge-functions`
    sees as the same. This pass renames them in the order of their first
    `memref.get_global` in the module (the first of a type keeps the bare
    name, the next ones get `_0`, `_1`, ... as the bufferization would),
    puts them at the top of the module in that order and erases those that
    nothing reads. Compiling a model twice then gives the same program,
    byte for byte.
  }];
}

def LogBTQMergeFunctions : Pass<"logbtq-merge-functions", "::mlir::ModuleOp"> {
  let summary = "Keep one copy of private functions that are the same";
  let description = [{
    The layers of a network repeat their shapes: every convolution of a
    residual block, its gradient and the decode of its filter are the same
    loops over the same types. Once the outlining passes have put each loop
    nest into a function of its own, many of those functions differ only
    in their names; on resnet-tiny's train step, 282 parallel bodies are 63
    different functions and 704 serial loop nests 239. This pass keeps the
    first of each set of private functions with the same type, attributes
    and body (compared operation by operation, locations aside), points
    the calls of the others at it and erases them. A function that is then
    called from more than one place is marked `noinline`, so that LLVM
    does not copy it back into each caller.
  }];
}

def LogBTQLookupsToPermutes : Pass<"logbtq-lookups-to-permutes"> {
  let summary = "Read small constant tables with AVX-512 permutes instead of "
                "gathers";
  let description = [{
    The vectorized MU8 kernels read small constant tables per element: the
    decode tables (256 entries), the integer kernels' grid table (256) and
    the encode's threshold and level tables (128 each). `-logbtq-vectorize`
    makes each read of 16 lanes a `vector.gather`, one hardware gather,
    which costs several times a register permute (about 4.4 ns against
    0.8 ns for a 128-entry f32 lookup on the project machine).

    This pass rewrites a 16-lane `vector.gather` from a constant 1-D table
    of at most `max-entries` f32 or i32 entries into permutes: the table,
    padded with zeros to a power of two of at least 32 entries, becomes
    16-lane vector constants; each pair of them is permuted by the low five
    bits of the index (`vpermi2ps`/`vpermi2d`, through
    `llvm.call_intrinsic`), and the pairs' results are chosen by selects on
    the index's bits 5, 6 and 7. A lane reads exactly the table entry the
    gather would read, so results are bit for bit unchanged; a gather with
    a mask that is not all true keeps its pass-through lanes.

    The intrinsics need AVX-512 (AVX512F): the lowering pipeline runs this
    pass only when the target CPU has it (`x86-avx512`). Other gathers (big
    tables, tensors that are not constants) are left alone.
  }];
  let options = [
    Option<"maxEntries", "max-entries", "int64_t", /*default=*/"256",
           "Largest table (in entries) read with permutes">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // LOGBTQ_DIALECT_LINALG_TRANSFORMS_PASSES_TD
