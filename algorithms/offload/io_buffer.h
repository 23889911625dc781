// Memory that expert blobs are read into: one region of `slots` x `stride`
// bytes, aligned to and backed by transparent huge pages where the kernel
// allows them (madvise MADV_HUGEPAGE, a hint), touched at allocation as a
// serving engine pins its cache (a first load into fresh pages would
// otherwise pay their page faults as load time).
//
// Why huge pages: an O_DIRECT read gathers straight into the buffer's
// physical pages, one block-request segment per discontiguous page: about
// 400 segments (in requests of at most max_segments, 254 on a virtio disk)
// for a 1.6 MB blob in 4 KiB pages, one or two in 2 MiB pages. On the
// development host's virtual disk a shuffled O_DIRECT read of 1.6 MB blobs
// ran at 1.5 GB/s into 4 KiB pages and at 4.4 GB/s into huge pages, the
// file's sequential buffered rate (bench/offload_bench.cc,
// BM_OffloadColdLoad).
#pragma once

#include <cstdint>
#include <memory>

namespace expertlab::offload {

class IoBuffer {
 public:
  // `stride` a multiple of 4096 (O_DIRECT alignment).
  IoBuffer(int slots, int64_t stride);
  uint8_t* Slot(int slot) const { return data_.get() + slot * stride_; }
  int64_t stride() const { return stride_; }

 private:
  struct Free {
    void operator()(uint8_t* p) const;
  };
  int64_t stride_;
  std::unique_ptr<uint8_t, Free> data_;
};

}  // namespace expertlab::offload
