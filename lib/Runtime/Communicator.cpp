//===- Communicator.cpp - The communicator of one process -----------------===//

#include "logbtq/Runtime/Communicator.h"

#include <cstdlib>
#include <cstring>

namespace logbtq::runtime {
namespace {

class SingleProcess final : public Communicator {
public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allGather(const void *send, size_t bytes, void *receive) override {
    if (bytes)
      std::memmove(receive, send, bytes);
  }
  void allToAll(const void *send, size_t blockBytes, void *receive) override {
    allGather(send, blockBytes, receive);
  }
  void allReduceSum(float *, size_t) override {}
  void allReduceSum(double *, size_t) override {}
  void allReduceSum(int32_t *, size_t) override {}
  void allReduceMax(int32_t *, size_t) override {}
  [[noreturn]] void abort(int status) override { std::exit(status); }
};

} // namespace

std::unique_ptr<Communicator> createSingleProcessCommunicator() {
  return std::make_unique<SingleProcess>();
}

} // namespace logbtq::runtime
