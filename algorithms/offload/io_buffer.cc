#include "algorithms/offload/io_buffer.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "sim/check.h"

namespace expertlab::offload {
namespace {

constexpr int64_t kHugePage = int64_t{2} << 20;

}  // namespace

void IoBuffer::Free::operator()(uint8_t* p) const { std::free(p); }

IoBuffer::IoBuffer(int slots, int64_t stride) : stride_(stride) {
  EXPERTLAB_CHECK(stride > 0 && stride % 4096 == 0 && slots >= 0)
      << "io buffer: stride must be a positive multiple of 4096, got " << stride;
  // aligned_alloc needs a size that is a multiple of the alignment.
  const int64_t bytes =
      std::max<int64_t>(1, (slots * stride + kHugePage - 1) / kHugePage) * kHugePage;
  void* p = std::aligned_alloc(static_cast<size_t>(kHugePage), static_cast<size_t>(bytes));
  EXPERTLAB_CHECK(p != nullptr) << "io buffer: out of memory for " << slots << " x " << stride
                                << " bytes";
  data_.reset(static_cast<uint8_t*>(p));
  // A hint: without transparent huge pages the buffer still works, only
  // O_DIRECT reads are split into more requests.
  ::madvise(p, static_cast<size_t>(bytes), MADV_HUGEPAGE);
  std::memset(p, 0, static_cast<size_t>(bytes));
}

}  // namespace expertlab::offload
