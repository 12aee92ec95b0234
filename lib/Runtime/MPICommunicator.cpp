//===- MPICommunicator.cpp - The processes of an mpirun job ---------------===//
//
// The only file of liblogbtq_runtime_mpi.a, which a trainer compiled with
// --ranks links with OpenMPI. Errors of MPI itself abort the job (the
// default handler of MPI_COMM_WORLD, set again here in case an MCA
// parameter changed it), so every collective below completes or nobody
// goes on.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Runtime/Communicator.h"

// The C interface only: mpi.h in C++ would pull in the long-deprecated C++
// bindings, which live in a library of their own.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>

namespace logbtq::runtime {
namespace {

class MPICommunicator final : public Communicator {
public:
  MPICommunicator(int *argc, char ***argv) {
    MPI_Init(argc, argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    MPI_Comm_rank(MPI_COMM_WORLD, &myRank);
    MPI_Comm_size(MPI_COMM_WORLD, &worldSize);
  }
  ~MPICommunicator() override { MPI_Finalize(); }

  int rank() const override { return myRank; }
  int size() const override { return worldSize; }

  void allGather(const void *send, size_t bytes, void *receive) override {
    // MPI counts in int; a model's gradient codes are far below 2 GiB.
    if (bytes > size_t(INT_MAX)) {
      std::fprintf(stderr,
                   "rank %d: a gather of %zu bytes is over MPI's "
                   "2 GiB\n",
                   myRank, bytes);
      abort(2);
    }
    MPI_Allgather(send, int(bytes), MPI_BYTE, receive, int(bytes), MPI_BYTE,
                  MPI_COMM_WORLD);
  }
  void allToAll(const void *send, size_t blockBytes, void *receive) override {
    if (blockBytes > size_t(INT_MAX)) {
      std::fprintf(stderr,
                   "rank %d: blocks of %zu bytes are over MPI's 2 GiB\n",
                   myRank, blockBytes);
      abort(2);
    }
    MPI_Alltoall(send, int(blockBytes), MPI_BYTE, receive, int(blockBytes),
                 MPI_BYTE, MPI_COMM_WORLD);
  }
  void allReduceSum(float *values, size_t n) override {
    reduce(values, n, MPI_FLOAT, MPI_SUM);
  }
  void allReduceSum(double *values, size_t n) override {
    reduce(values, n, MPI_DOUBLE, MPI_SUM);
  }
  void allReduceSum(int32_t *values, size_t n) override {
    reduce(values, n, MPI_INT32_T, MPI_SUM);
  }
  void allReduceMax(int32_t *values, size_t n) override {
    reduce(values, n, MPI_INT32_T, MPI_MAX);
  }
  [[noreturn]] void abort(int status) override {
    std::fflush(stdout);
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, status);
    std::_Exit(status); // not reached
  }

private:
  void reduce(void *values, size_t n, MPI_Datatype type, MPI_Op op) {
    int elementBytes = 0;
    MPI_Type_size(type, &elementBytes);
    auto *bytes = static_cast<unsigned char *>(values);
    for (size_t done = 0; done < n;) {
      size_t chunk = std::min(n - done, size_t(INT_MAX));
      MPI_Allreduce(MPI_IN_PLACE, bytes + done * elementBytes, int(chunk), type, op,
                    MPI_COMM_WORLD);
      done += chunk;
    }
  }

  int myRank = 0;
  int worldSize = 1;
};

} // namespace
} // namespace logbtq::runtime

extern "C" logbtq::runtime::Communicator *
logbtq_create_mpi_communicator(int *argc, char ***argv) {
  return new logbtq::runtime::MPICommunicator(argc, argv);
}
