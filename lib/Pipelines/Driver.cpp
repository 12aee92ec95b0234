//===- Driver.cpp - logbtq-compile as a library of phases -----------------===//

#include "logbtq/Pipelines/Driver.h"
#include "logbtq/Conversion/Passes.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"
#include "logbtq/Pipelines/ResourceBlobs.h"
#include "logbtq/Target/ONNX/ImportONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;
using namespace mlir::logbtq;

static Location fileLoc(MLIRContext &context, StringRef path) {
  return FileLineColLoc::get(&context, path, 0, 0);
}

/// Keeps the ONNX model, less its parameters, in the trainer for
/// --export-onnx (ONNXExportTemplate.h).
static LogicalResult attachONNXExportTemplate(ModuleOp module, StringRef bytes,
                                              Location loc,
                                              const ONNXImportOptions &options) {
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward)
    return success();
  std::vector<std::string> params;
  for (unsigned i = 0, e = forward.getNumArguments(); i < e; ++i)
    if (auto name = forward.getArgAttrOfType<StringAttr>(i, attrs::kParam))
      params.push_back(name.str());
  FailureOr<std::string> blob =
      buildONNXExportTemplate(bytes, loc, options, params);
  if (failed(blob))
    return failure();
  module->setAttr(attrs::kOnnxExport,
                  StringAttr::get(module.getContext(), *blob));
  return success();
}

OwningOpRef<ModuleOp> mlir::logbtq::loadModel(MLIRContext &context,
                                              const CompileOptions &options) {
  Location loc = fileLoc(context, options.input);
  auto buffer = llvm::MemoryBuffer::getFile(options.input, /*IsText=*/false);
  if (!buffer) {
    emitError(loc) << "cannot read the model: " << buffer.getError().message();
    return nullptr;
  }
  OwningOpRef<ModuleOp> module;
  if (StringRef(options.input).ends_with(".onnx")) {
    ONNXImportOptions importOptions;
    importOptions.batch = options.batch;
    importOptions.frozen = options.frozen;
    importOptions.trainFrom = options.trainFrom;
    importOptions.numClasses = options.numClasses;
    module = importONNX((*buffer)->getBuffer(), options.input, &context,
                        importOptions);
    if (module && failed(attachONNXExportTemplate(
                      *module, (*buffer)->getBuffer(), loc, importOptions)))
      return nullptr;
  } else if (options.numClasses) {
    emitError(loc) << "--num-classes replaces the head of an ONNX model; "
                      "this is not a .onnx file";
    return nullptr;
  } else if (StringRef(options.input).ends_with(".mlir")) {
    if (failed(checkResourceBlobs((*buffer)->getBuffer(), options.input,
                                  &context)))
      return nullptr;
    module = parseSourceString<ModuleOp>((*buffer)->getBuffer(),
                                         ParserConfig(&context), options.input);
  } else {
    emitError(loc) << "unknown model format: expected a .onnx or .mlir file";
    return nullptr;
  }
  if (!module)
    return nullptr;
  auto forward = module->lookupSymbol<func::FuncOp>("forward");
  if (!forward) {
    emitError(loc) << "the model has no func.func @forward";
    return nullptr;
  }
  // Linalg on tensors is raised to graph ops before training is built.
  bool hasLinalg = false;
  forward.walk([&](Operation *op) {
    hasLinalg |= isa<linalg::LinalgDialect>(op->getDialect());
  });
  // Then the weights torch-mlir keeps as constants become parameters.
  if (hasLinalg) {
    PassManager pm(&context);
    pm.addPass(createLogBTQRaiseLinalg());
    LogBTQLiftConstantsOptions lift;
    lift.frozen.assign(options.frozen.begin(), options.frozen.end());
    pm.addPass(createLogBTQLiftConstants(lift));
    if (failed(pm.run(*module)))
      return nullptr;
  }
  return module;
}

LogicalResult
mlir::logbtq::buildTraining(ModuleOp module,
                            const TrainingPipelineOptions &pipeline,
                            TimingScope &timing) {
  TimingScope scope = timing.nest("build the training program");
  PassManager pm(module.getContext());
  pm.enableTiming(scope);
  buildTrainingPipeline(pm, pipeline);
  return pm.run(module);
}

/// A TargetMachine for `cpu`: "native" is this CPU with all its features
/// (AVX-512 VNNI where present), "generic" the x86-64 baseline (SSE2), any
/// other name an LLVM CPU with its default features. Null, with `error`
/// set, for an unknown CPU or a host LLVM cannot target.
static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(StringRef cpu, std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string name = cpu.str();
  llvm::SubtargetFeatures features;
  if (cpu == "native") {
    name = llvm::sys::getHostCPUName().str();
    for (const auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
      features.AddFeature(feature, enabled);
  } else if (cpu == "generic") {
    name = triple.isX86() ? "x86-64" : "generic";
  }
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(triple, name, ""));
  if (!info || !info->isCPUStringValid(name)) {
    error = ("unknown --target-cpu '" + cpu + "' (native, generic, or an "
             "LLVM CPU name such as x86-64-v3 or znver4)")
                .str();
    return nullptr;
  }
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, name, features.getString(), {}, llvm::Reloc::PIC_));
}

LogicalResult mlir::logbtq::lowerToLLVMDialect(ModuleOp module,
                                               StringRef targetCPU,
                                               bool verifyEach,
                                               TimingScope &timing) {
  TimingScope scope = timing.nest("lower to the LLVM dialect");
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(targetCPU, error);
  if (!machine)
    return module.emitError(error);
  bool avx512 =
      machine->getTargetTriple().isX86() &&
      machine->getMCSubtargetInfo()->checkFeatures("+avx512f");
  PassManager pm(module.getContext());
  pm.enableTiming(scope);
  // A trainer runs its big loops on all cores (--threads N limits them).
  buildLowerToLLVMPipeline(pm, /*parallel=*/true, avx512);
  // Verifying the program after each of the pipeline's 50-odd passes took
  // an eighth of the compile time. The passes are verified pass by pass
  // in their tests (logbtq-opt verifies after each); here the result is
  // verified once, before the translation relies on it.
  pm.enableVerifier(verifyEach);
  if (failed(pm.run(module)))
    return failure();
  return verifyEach ? success() : verify(module);
}

/// The CPU features a trainer checks before it starts (TrainerMain.cpp):
/// the ones the runtime can query that the target machine may use.
static constexpr const char *kCheckedFeatures[] = {
    "sse3",       "ssse3",      "sse4.1",       "sse4.2",     "popcnt",
    "avx",        "avx2",       "fma",          "bmi",        "bmi2",
    "f16c",       "movbe",      "lzcnt",        "avx512f",    "avx512dq",
    "avx512cd",   "avx512bw",   "avx512vl",     "avx512ifma", "avx512vbmi",
    "avx512vbmi2", "avx512vnni", "avx512bitalg", "avx512vpopcntdq",
    "avx512bf16", "gfni",       "vpclmulqdq",   "vaes",       "avxvnni"};

/// Records the features `machine` compiles for as the string constant
/// `logbtq_cpu_features` ("avx2,avx512f,..."), which the runtime checks.
static void recordCPUFeatures(llvm::Module &module,
                              const llvm::TargetMachine &machine) {
  const llvm::MCSubtargetInfo *info = machine.getMCSubtargetInfo();
  std::string list;
  for (const char *feature : kCheckedFeatures) {
    if (!info->checkFeatures(("+" + StringRef(feature)).str()))
      continue;
    if (!list.empty())
      list += ",";
    list += feature;
  }
  llvm::Constant *text =
      llvm::ConstantDataArray::getString(module.getContext(), list);
  new llvm::GlobalVariable(module, text->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, text,
                           "logbtq_cpu_features");
}

/// LLVM's default pipeline at `optLevel` (0-3), without its loop unroller:
/// the kernels' loops are unrolled as the compiler generates them, and
/// what LLVM unrolled besides (small scalar loops around them) made no
/// measurable difference to training speed but a quarter of the code.
static void optimizeLLVMModule(llvm::Module &module,
                               llvm::TargetMachine &machine,
                               unsigned optLevel) {
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = false;
  tuning.LoopInterleaving = optLevel > 1;
  tuning.LoopVectorization = optLevel > 1;
  tuning.SLPVectorization = optLevel > 1;
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  const llvm::OptimizationLevel levels[] = {
      llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1,
      llvm::OptimizationLevel::O2, llvm::OptimizationLevel::O3};
  llvm::OptimizationLevel level = levels[std::min(optLevel, 3u)];
  llvm::ModulePassManager pipeline =
      level == llvm::OptimizationLevel::O0
          ? builder.buildO0DefaultPipeline(level)
          : builder.buildPerModuleDefaultPipeline(level);
  pipeline.run(module, modules);
}

std::unique_ptr<llvm::Module>
mlir::logbtq::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                                unsigned optLevel, StringRef targetCPU,
                                bool recordFeatures, TimingScope &timing) {
  TimingScope translateScope = timing.nest("translate to LLVM IR");
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, "logbtq_model");
  translateScope.stop();
  if (!llvmModule) {
    module.emitError("translation to LLVM IR failed");
    return nullptr;
  }
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(targetCPU, error);
  if (!machine) {
    module.emitError(error);
    return nullptr;
  }
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());
  // Functions carry the target so that the optimizer's cost model and the
  // code generator agree on it.
  for (llvm::Function &function : *llvmModule) {
    if (function.isDeclaration())
      continue;
    function.addFnAttr("target-cpu", machine->getTargetCPU());
    if (!machine->getTargetFeatureString().empty())
      function.addFnAttr("target-features",
                         machine->getTargetFeatureString());
  }
  if (recordFeatures)
    recordCPUFeatures(*llvmModule, *machine);
  TimingScope optimizeScope = timing.nest("optimize LLVM IR");
  optimizeLLVMModule(*llvmModule, *machine, optLevel);
  return llvmModule;
}

LogicalResult mlir::logbtq::emitObjectFile(MLIRContext &context,
                                           llvm::Module &module,
                                           StringRef path,
                                           StringRef targetCPU,
                                           TimingScope &timing) {
  TimingScope scope = timing.nest("emit the object file");
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(targetCPU, error);
  if (!machine)
    return emitError(fileLoc(context, path)) << error;
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return emitError(fileLoc(context, path))
           << "cannot write the object file: " << ec.message();
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, out.os(), nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return emitError(fileLoc(context, path))
           << "this host cannot emit object files";
  codegen.run(module);
  out.keep();
  return success();
}

std::string mlir::logbtq::runtimeDirectory(const CompileOptions &options) {
  if (!options.runtimeDir.empty())
    return options.runtimeDir;
  static int anchor;
  std::string exe = llvm::sys::fs::getMainExecutable(nullptr, &anchor);
  SmallString<256> dir(llvm::sys::path::parent_path(
      llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(dir, "lib");
  SmallString<256> probe(dir);
  llvm::sys::path::append(probe, "liblogbtq_runtime.a");
  if (!exe.empty() && llvm::sys::fs::exists(probe))
    return std::string(dir);
  return LOGBTQ_DEFAULT_RUNTIME_DIR;
}

LogicalResult mlir::logbtq::linkTrainer(MLIRContext &context,
                                        ArrayRef<std::string> objects,
                                        StringRef outputPath,
                                        const CompileOptions &options,
                                        TimingScope &timing) {
  TimingScope scope = timing.nest("link the trainer");
  Location loc = fileLoc(context, outputPath);
  std::string runtimeDir = runtimeDirectory(options);
  SmallString<256> runtime(runtimeDir), runtimeMain(runtimeDir),
      numerics(runtimeDir);
  llvm::sys::path::append(runtime, "liblogbtq_runtime.a");
  llvm::sys::path::append(runtimeMain, "liblogbtq_runtime_main.a");
  llvm::sys::path::append(numerics, "liblogbtq_numerics.a");
  for (StringRef lib :
       {StringRef(runtime), StringRef(runtimeMain), StringRef(numerics)})
    if (!llvm::sys::fs::exists(lib))
      return emitError(loc) << "runtime library " << lib
                            << " not found (build it, or pass --runtime-dir)";
  auto linker = llvm::sys::findProgramByName(options.linker);
  if (!linker)
    return emitError(loc) << "linker '" << options.linker
                          << "' not found on PATH";
  StringRef openmp = LOGBTQ_OPENMP_LIBRARY;
  std::string rpath =
      ("-Wl,-rpath," + llvm::sys::path::parent_path(openmp)).str();
  SmallVector<StringRef> args{*linker};
  args.append(objects.begin(), objects.end());
  args.push_back(runtimeMain);
  // A data-parallel trainer: the MPI communicator, which the runtime refers
  // to only weakly (so it is named to the linker), and OpenMPI.
  SmallString<256> mpi(runtimeDir);
  llvm::sys::path::append(mpi, "liblogbtq_runtime_mpi.a");
  SmallVector<StringRef> mpiLibraries;
  StringRef(LOGBTQ_MPI_LIBRARIES).split(mpiLibraries, ';', -1, false);
  if (options.ranks > 0) {
    if (!llvm::sys::fs::exists(mpi) || mpiLibraries.empty())
      return emitError(loc) << "--ranks needs MPI: " << mpi
                            << " was not built (install libopenmpi-dev and "
                               "build logbtq again)";
    args.append({"-Wl,--undefined=logbtq_create_mpi_communicator", mpi});
  }
  args.append({runtime, numerics, openmp, rpath});
  if (options.ranks > 0)
    args.append(mpiLibraries.begin(), mpiLibraries.end());
  args.append({"-lz", "-lm", "-o", outputPath});
  // A sanitizer build's runtime needs the sanitizers' own runtimes too
  // (scripts/test.sh --sanitize configures LOGBTQ_TRAINER_LINK_FLAGS).
  SmallVector<StringRef> extra;
  StringRef(LOGBTQ_TRAINER_LINK_FLAGS).split(extra, ' ', -1, false);
  args.append(extra.begin(), extra.end());
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*linker, args, std::nullopt, {}, 0, 0,
                                         &message);
  if (status != 0)
    return emitError(loc) << "linking failed (" << *linker << " exited with "
                          << status << (message.empty() ? "" : ": " + message)
                          << ")";
  return success();
}

/// Writes `print`'s text to `path` (or stdout for "-").
static LogicalResult writeText(MLIRContext &context, StringRef path,
                               function_ref<void(raw_ostream &)> print) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return emitError(fileLoc(context, path))
           << "cannot write the output: " << ec.message();
  print(out.os());
  out.keep();
  return success();
}

static LogicalResult writeMLIR(ModuleOp module, StringRef path) {
  return writeText(*module.getContext(), path,
                   [&](raw_ostream &os) { module.print(os); });
}

LogicalResult mlir::logbtq::compile(MLIRContext &context,
                                    const CompileOptions &options,
                                    const TrainingPipelineOptions &pipeline,
                                    TimingScope &timing) {
  Location inputLoc = fileLoc(context, options.input);
  auto phaseFailed = [&](StringRef phase) {
    return emitError(inputLoc) << phase << " failed";
  };
  if (failed(verifyTrainingOptions(pipeline,
                                   [&] { return emitError(inputLoc); })))
    return failure();
  if (options.ranks > 0 && options.emit == EmitKind::Library)
    return emitError(inputLoc)
           << "--ranks and --emit=lib: the C training API trains in one "
              "process; data-parallel training is the trainer's";
  if (options.emit >= EmitKind::LLVMIR) {
    // Checked once here, not by every step function's compilation.
    std::string error;
    if (!createTargetMachine(options.targetCPU, error))
      return emitError(inputLoc) << error;
  }
  TimingScope loadScope = timing.nest("load the model");
  OwningOpRef<ModuleOp> module = loadModel(context, options);
  loadScope.stop();
  if (!module)
    return phaseFailed("loading the model");
  if (options.emit == EmitKind::Forward)
    return writeMLIR(*module, options.output);

  if (failed(buildTraining(*module, pipeline, timing)))
    return phaseFailed("building the training program");
  if (options.emit == EmitKind::Training)
    return writeMLIR(*module, options.output);

  if (options.emit == EmitKind::Trainer || options.emit == EmitKind::Library) {
    std::string modelInfo;
    if (auto info = (*module)->getAttrOfType<StringAttr>(attrs::kModelInfo))
      modelInfo = info.str();
    // The step functions are compiled side by side, one object each.
    SmallVector<std::string> objects;
    llvm::scope_exit removeObjects([&] {
      for (const std::string &object : objects)
        llvm::sys::fs::remove(object);
    });
    if (failed(compileObjects(*module, options, objects, timing)))
      return phaseFailed("compiling the training program");
    if (options.emit == EmitKind::Library) {
      SmallString<256> header(options.header);
      if (header.empty()) {
        header = llvm::sys::path::parent_path(options.output);
        llvm::sys::path::append(header, "model.h");
      }
      if (failed(writeLibrary(context, objects, modelInfo, options.output,
                              header, options, timing)))
        return phaseFailed("writing the library");
      return success();
    }
    if (failed(linkTrainer(context, objects, options.output, options, timing)))
      return phaseFailed("linking the trainer");
    return success();
  }

  if (failed(lowerToLLVMDialect(*module, options.targetCPU, options.verifyEach,
                                timing)))
    return phaseFailed("lowering to LLVM");
  if (options.emit == EmitKind::LLVMDialect)
    return writeMLIR(*module, options.output);

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateToLLVMIR(*module, llvmContext, options.optLevel,
                        options.targetCPU, /*recordFeatures=*/true, timing);
  if (!llvmModule)
    return phaseFailed("translation to LLVM IR");
  if (options.emit == EmitKind::LLVMIR)
    return writeText(context, options.output, [&](raw_ostream &os) {
      llvmModule->print(os, nullptr);
    });
  return emitObjectFile(context, *llvmModule, options.output,
                        options.targetCPU, timing);
}
