// Little-endian byte encoding for checkpoints: a cell's state (counters,
// sums, model weights) written as fixed-width values and length-prefixed
// strings/arrays, read back in the same order. The layout is the one of
// the host (x86-64 and AArch64 are both little-endian), which is all a
// checkpoint needs: it is read back by the same sweep.
//
//   ByteWriter w;  w.Put<int64_t>(step);  w.PutVector(weights);
//   ByteReader r(state);  step = r.Get<int64_t>();  weights = r.GetVector<float>();
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sim/check.h"

namespace expertlab {

class ByteWriter {
 public:
  template <class T>
  void Put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void PutString(std::string_view text) {
    Put<uint64_t>(text.size());
    bytes_.append(text);
  }
  template <class T>
  void PutVector(const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    Put<uint64_t>(values.size());
    bytes_.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  }
  const std::string& bytes() const { return bytes_; }
  std::string Take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

// Reads what a ByteWriter wrote; running past the end is an Error (a
// truncated or foreign blob), never a read out of bounds.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  template <class T>
  T Get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, Take(sizeof(T)), sizeof(T));
    return value;
  }
  std::string GetString() {
    const uint64_t size = Get<uint64_t>();
    return std::string(Take(size), size);
  }
  template <class T>
  std::vector<T> GetVector() {
    const uint64_t size = Get<uint64_t>();
    EXPERTLAB_CHECK(size <= Remaining() / sizeof(T)) << "checkpoint state is truncated";
    std::vector<T> values(size);
    std::memcpy(values.data(), Take(size * sizeof(T)), size * sizeof(T));
    return values;
  }
  size_t Remaining() const { return bytes_.size() - offset_; }

 private:
  const char* Take(uint64_t size) {
    EXPERTLAB_CHECK(size <= Remaining()) << "checkpoint state is truncated";
    const char* p = bytes_.data() + offset_;
    offset_ += size;
    return p;
  }
  std::string_view bytes_;
  size_t offset_ = 0;
};

}  // namespace expertlab
