//===- Communicator.h - The processes of a data-parallel run ----*- C++ -*-===//
//
// What the training loop needs from the processes that train one model
// together: who it is, how many there are, and three collectives. A
// trainer compiled with --ranks links the MPI implementation
// (liblogbtq_runtime_mpi.a, lib/Runtime/MPICommunicator.cpp) and runs under
// mpirun; everything else, and every test without MPI, gets the one-process
// communicator, whose collectives copy.
//
// A collective either completes on every rank or ends the whole job: MPI's
// default error handler on MPI_COMM_WORLD aborts every process, and a rank
// that stops on an error of its own calls abort(), which takes the others
// down too. No rank waits for one that is gone.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_RUNTIME_COMMUNICATOR_H
#define LOGBTQ_RUNTIME_COMMUNICATOR_H

#include <cstddef>
#include <cstdint>
#include <memory>

namespace logbtq::runtime {

class Communicator {
public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// Every rank's `bytes` bytes at `send`, rank after rank, into `receive`
  /// (size() * bytes bytes) on every rank.
  virtual void allGather(const void *send, size_t bytes, void *receive) = 0;
  /// Block r of `send` (blocks of `blockBytes`, size() of them) to rank r;
  /// `receive` gets every rank's block for this one, rank after rank.
  virtual void allToAll(const void *send, size_t blockBytes, void *receive) = 0;
  /// `values` summed element by element over the ranks, on every rank. The
  /// reduction order is MPI's: a float sum may differ in its last bits from
  /// one run to the next, but not between ranks (MPI gives every rank the
  /// same result of one reduction).
  virtual void allReduceSum(float *values, size_t n) = 0;
  virtual void allReduceSum(double *values, size_t n) = 0;
  virtual void allReduceSum(int32_t *values, size_t n) = 0;
  virtual void allReduceMax(int32_t *values, size_t n) = 0;
  /// Ends every process of the job with `status`, after this one's message
  /// has been printed.
  [[noreturn]] virtual void abort(int status) = 0;
};

/// The communicator of a run on one process.
std::unique_ptr<Communicator> createSingleProcessCommunicator();

} // namespace logbtq::runtime

/// Defined by liblogbtq_runtime_mpi.a only: a trainer that links it joins
/// the MPI job it was started in (MPI_Init; MPI_Finalize when the returned
/// communicator is destroyed).
extern "C" logbtq::runtime::Communicator *
logbtq_create_mpi_communicator(int *argc, char ***argv) __attribute__((weak));

#endif // LOGBTQ_RUNTIME_COMMUNICATOR_H
