#include "algorithms/offload/expert_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/check.h"

namespace expertlab::offload {
namespace {

constexpr uint64_t kExpertFileMagic = 0x3146464f42414c58ULL;  // "XLABOFF1" read as bytes
constexpr uint64_t kExpertFileVersion = 2;
// Header words before the per-expert checksums.
enum ExpertFileWord {
  kWordMagic,
  kWordVersion,
  kWordLayers,
  kWordExperts,
  kWordTopK,
  kWordDModel,
  kWordDff,
  kWordActivation,
  kWordFormat,
  kWordGroup,
  kWordExpertBytes,
  kWordStride,
  kWordRouterOffset,
  kWordDataOffset,
  kWordRouterChecksum,
  kExpertFileFixedWords
};

int64_t AlignToBlock(int64_t n) {
  return (n + kExpertAlignment - 1) / kExpertAlignment * kExpertAlignment;
}

std::span<const uint8_t> ExpertFileBytes(const void* p, size_t n) {
  return {static_cast<const uint8_t*>(p), n};
}

// One weight matrix of an expert: rows x cols, and its bytes in `format`.
struct ExpertMatrix {
  int64_t rows, cols;
  int64_t CodeBytes(WeightFormat format) const { return offload::CodeBytes(format, rows * cols); }
  int64_t ScaleCount(WeightFormat format, int group) const {
    return format == WeightFormat::kFp32 ? 0 : rows * cols / group;
  }
};

// The matrices of one expert in payload order, with their weight slices.
struct ExpertSlices {
  std::vector<ExpertMatrix> shapes;
  std::vector<float*> data;
};

// An expert's matrices in payload order: w_gate [d x f], w_up [d x f]
// (SwiGLU only), w_down [f x d].
std::vector<ExpertMatrix> PayloadShapes(int64_t d, int64_t f, bool swiglu) {
  if (swiglu) return {{d, f}, {d, f}, {f, d}};
  return {{d, f}, {f, d}};
}

ExpertSlices ExpertSlicesOf(moe::MoeWeights<float>& w, int64_t g) {
  ExpertSlices s;
  s.shapes = PayloadShapes(w.d, w.f, w.swiglu);
  s.data.push_back(w.Gate(g));
  if (w.swiglu) s.data.push_back(w.Up(g));
  s.data.push_back(w.Down(g));
  return s;
}

// Views of a payload's matrices in payload order: each matrix's codes, then
// its scales.
std::vector<QuantView> PayloadViews(const ExpertFileHeader& header, std::span<const uint8_t> blob) {
  std::vector<QuantView> views;
  int64_t at = 0;
  for (const ExpertMatrix& shape :
       PayloadShapes(header.d_model, header.d_ff, header.activation == moe::Activation::kSwiGlu)) {
    QuantView m{static_cast<int>(header.format),
                shape.rows,
                shape.cols,
                header.group,
                nullptr,
                blob.data() + at};
    at += shape.CodeBytes(header.format);
    // Scales follow the codes; codes of a whole number of floats keep them aligned.
    EXPERTLAB_CHECK(at % static_cast<int64_t>(alignof(float)) == 0)
        << "expert file: scales at byte " << at << " of an expert are not float-aligned";
    m.scales = reinterpret_cast<const float*>(blob.data() + at);
    at += shape.ScaleCount(header.format, header.group) * static_cast<int64_t>(sizeof(float));
    views.push_back(m);
  }
  EXPERTLAB_CHECK(at <= static_cast<int64_t>(blob.size()))
      << "expert file: an expert's payload needs " << at << " bytes, the blob has " << blob.size();
  return views;
}

void ExpertFileWrite(int fd, const void* data, size_t n, int64_t offset, const std::string& path) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, p, n, offset);
    EXPERTLAB_CHECK(w > 0) << "expert file " << path << ": write failed: " << std::strerror(errno);
    p += w;
    n -= static_cast<size_t>(w);
    offset += w;
  }
}

void ExpertFileRead(int fd, void* data, size_t n, int64_t offset, const std::string& path,
                    const char* what) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::pread(fd, p, n, offset);
    EXPERTLAB_CHECK(r >= 0) << "expert file " << path << ": reading " << what
                            << " failed: " << std::strerror(errno);
    EXPERTLAB_CHECK(r > 0) << "expert file " << path << ": truncated while reading " << what;
    p += r;
    n -= static_cast<size_t>(r);
    offset += r;
  }
}

}  // namespace

MoeStack RandomMoeStack(const moe::MoeConfig& config, int layers, Rng& rng) {
  EXPERTLAB_CHECK(layers >= 1) << "layers: expected >= 1, got " << layers;
  EXPERTLAB_CHECK(config.shared_experts == 0)
      << "shared_experts: the offloading engine holds routed experts only, got "
      << config.shared_experts;
  MoeStack stack{config, {}};
  for (int l = 0; l < layers; ++l)
    stack.layers.push_back(moe::MoeWeights<float>::Random(config, rng));
  return stack;
}

uint64_t Fnv1a64(std::span<const uint8_t> bytes) {
  constexpr uint64_t kPrime = 1099511628211ULL;
  constexpr uint64_t kBasis = 14695981039346656037ULL;
  // Four lanes, word i into lane i mod 4: four independent multiply chains
  // keep the checksum off a load's critical path (one chain is latency
  // bound at about a word per 4 cycles, a sixth of a cold load's time).
  uint64_t lane[4] = {kBasis, kBasis, kBasis, kBasis};
  size_t i = 0;
  for (; i + 32 <= bytes.size(); i += 32)
    for (int j = 0; j < 4; ++j) {
      uint64_t word;
      std::memcpy(&word, bytes.data() + i + 8 * j, 8);
      lane[j] = (lane[j] ^ word) * kPrime;
    }
  uint64_t h = kBasis;
  for (uint64_t l : lane) h = (h ^ l) * kPrime;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h = (h ^ word) * kPrime;
  }
  for (; i < bytes.size(); ++i) h = (h ^ bytes[i]) * kPrime;
  return h;
}

void WriteExpertFile(const std::string& path, const MoeStack& stack, WeightFormat format,
                     int group) {
  const moe::MoeConfig& c = stack.config;
  const int layers = static_cast<int>(stack.layers.size()), experts = static_cast<int>(c.experts);
  EXPERTLAB_CHECK(layers >= 1 && c.shared_experts == 0)
      << "expert file: expected >= 1 layer of routed experts only";
  EXPERTLAB_CHECK(c.expert_widths.empty())
      << "expert file: experts of different widths are not supported (one payload size)";
  EXPERTLAB_CHECK(c.gate_rank == 0)
      << "expert file: factorised gates (gate_rank > 0) are not supported: their first factor "
         "lives in the router block";
  moe::MoeWeights<float> scratch;
  std::vector<std::vector<uint8_t>> blobs;
  for (int l = 0; l < layers; ++l) {
    scratch = stack.layers[static_cast<size_t>(l)];
    scratch.CheckShapes(c);
    for (int e = 0; e < experts; ++e) {
      const ExpertSlices s = ExpertSlicesOf(scratch, e);
      std::vector<uint8_t> blob;
      for (size_t m = 0; m < s.shapes.size(); ++m) {
        const ExpertMatrix& shape = s.shapes[m];
        const QuantizedMatrix q =
            Quantize({s.data[m], static_cast<size_t>(shape.rows * shape.cols)}, shape.rows,
                     shape.cols, format, group);
        blob.insert(blob.end(), q.codes.begin(), q.codes.end());
        const auto scales = ExpertFileBytes(q.scales.data(), q.scales.size() * sizeof(float));
        blob.insert(blob.end(), scales.begin(), scales.end());
      }
      blobs.push_back(std::move(blob));
    }
  }
  std::vector<uint64_t> words(kExpertFileFixedWords + blobs.size() + 1, 0);
  const int64_t expert_bytes = static_cast<int64_t>(blobs[0].size());
  const int64_t router_bytes = layers * c.d_model * c.experts * 4;
  const int64_t router_offset = AlignToBlock(static_cast<int64_t>(words.size() * 8));
  words[kWordMagic] = kExpertFileMagic;
  words[kWordVersion] = kExpertFileVersion;
  words[kWordLayers] = static_cast<uint64_t>(layers);
  words[kWordExperts] = static_cast<uint64_t>(experts);
  words[kWordTopK] = static_cast<uint64_t>(c.top_k);
  words[kWordDModel] = static_cast<uint64_t>(c.d_model);
  words[kWordDff] = static_cast<uint64_t>(c.d_ff);
  words[kWordActivation] = static_cast<uint64_t>(c.activation);
  words[kWordFormat] = static_cast<uint64_t>(format);
  words[kWordGroup] = static_cast<uint64_t>(format == WeightFormat::kFp32 ? 0 : group);
  words[kWordExpertBytes] = static_cast<uint64_t>(expert_bytes);
  words[kWordStride] = static_cast<uint64_t>(AlignToBlock(expert_bytes));
  words[kWordRouterOffset] = static_cast<uint64_t>(router_offset);
  words[kWordDataOffset] = static_cast<uint64_t>(AlignToBlock(router_offset + router_bytes));
  std::vector<float> routers;
  for (const auto& w : stack.layers)
    routers.insert(routers.end(), w.router.begin(), w.router.end());
  words[kWordRouterChecksum] = Fnv1a64(ExpertFileBytes(routers.data(), routers.size() * 4));
  for (size_t k = 0; k < blobs.size(); ++k) words[kExpertFileFixedWords + k] = Fnv1a64(blobs[k]);
  words.back() = Fnv1a64(ExpertFileBytes(words.data(), (words.size() - 1) * 8));

  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  EXPERTLAB_CHECK(fd >= 0) << "expert file " << path << ": cannot create: " << std::strerror(errno);
  try {
    ExpertFileWrite(fd, words.data(), words.size() * 8, 0, path);
    ExpertFileWrite(fd, routers.data(), routers.size() * 4, router_offset, path);
    const int64_t data_offset = static_cast<int64_t>(words[kWordDataOffset]);
    for (size_t k = 0; k < blobs.size(); ++k) {
      std::vector<uint8_t> padded(static_cast<size_t>(AlignToBlock(expert_bytes)), 0);
      std::memcpy(padded.data(), blobs[k].data(), blobs[k].size());
      ExpertFileWrite(fd, padded.data(), padded.size(),
                      data_offset + static_cast<int64_t>(k) * AlignToBlock(expert_bytes), path);
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  // On disk before returning: an engine reading the file while the kernel
  // still writes it back would time loads against that writeback.
  const bool synced = ::fdatasync(fd) == 0;
  EXPERTLAB_CHECK(::close(fd) == 0 && synced)
      << "expert file " << path << ": write-back failed: " << std::strerror(errno);
}

ExpertFileHeader ReadExpertFileHeader(int fd, const std::string& path) {
  std::vector<uint64_t> words(kExpertFileFixedWords);
  ExpertFileRead(fd, words.data(), words.size() * 8, 0, path, "the header");
  EXPERTLAB_CHECK(words[kWordMagic] == kExpertFileMagic &&
                  words[kWordVersion] == kExpertFileVersion)
      << "expert file " << path << ": not an expertlab expert file (version " << kExpertFileVersion
      << ")";
  ExpertFileHeader h;
  h.layers = static_cast<int>(words[kWordLayers]);
  h.experts = static_cast<int>(words[kWordExperts]);
  EXPERTLAB_CHECK(words[kWordLayers] >= 1 && words[kWordExperts] >= 1 &&
                  words[kWordLayers] * words[kWordExperts] < (1u << 24))
      << "expert file " << path << ": corrupt header (layers, experts)";
  words.resize(kExpertFileFixedWords + static_cast<size_t>(h.keys()) + 1);
  ExpertFileRead(fd, words.data(), words.size() * 8, 0, path, "the header");
  EXPERTLAB_CHECK(Fnv1a64(ExpertFileBytes(words.data(), (words.size() - 1) * 8)) == words.back())
      << "expert file " << path << ": header checksum mismatch (corrupt file)";
  h.top_k = static_cast<int>(words[kWordTopK]);
  h.d_model = static_cast<int64_t>(words[kWordDModel]);
  h.d_ff = static_cast<int64_t>(words[kWordDff]);
  h.activation = static_cast<moe::Activation>(words[kWordActivation]);
  EXPERTLAB_CHECK(words[kWordFormat] <= static_cast<uint64_t>(WeightFormat::kInt2))
      << "expert file " << path << ": unknown weight format " << words[kWordFormat];
  h.format = static_cast<WeightFormat>(words[kWordFormat]);
  h.group = static_cast<int>(words[kWordGroup]);
  h.expert_bytes = static_cast<int64_t>(words[kWordExpertBytes]);
  h.stride = static_cast<int64_t>(words[kWordStride]);
  h.router_offset = static_cast<int64_t>(words[kWordRouterOffset]);
  h.data_offset = static_cast<int64_t>(words[kWordDataOffset]);
  h.router_checksum = words[kWordRouterChecksum];
  h.checksums.assign(words.begin() + kExpertFileFixedWords, words.end() - 1);
  struct stat st {};
  EXPERTLAB_CHECK(::fstat(fd, &st) == 0) << "expert file " << path << ": cannot stat";
  EXPERTLAB_CHECK(st.st_size >= h.FileBytes())
      << "expert file " << path << ": truncated (" << st.st_size << " bytes, expected "
      << h.FileBytes() << ")";
  return h;
}

std::vector<std::vector<float>> ReadRouters(int fd, const ExpertFileHeader& header,
                                            const std::string& path) {
  const size_t per_layer = static_cast<size_t>(header.d_model * header.experts);
  std::vector<float> all(per_layer * static_cast<size_t>(header.layers));
  ExpertFileRead(fd, all.data(), all.size() * 4, header.router_offset, path, "the routers");
  EXPERTLAB_CHECK(Fnv1a64(ExpertFileBytes(all.data(), all.size() * 4)) == header.router_checksum)
      << "expert file " << path << ": router checksum mismatch (corrupt file)";
  std::vector<std::vector<float>> routers;
  for (int l = 0; l < header.layers; ++l)
    routers.emplace_back(all.begin() + static_cast<int64_t>(per_layer) * l,
                         all.begin() + static_cast<int64_t>(per_layer) * (l + 1));
  return routers;
}

void VerifyExpert(const ExpertFileHeader& header, int key, std::span<const uint8_t> blob,
                  const std::string& path) {
  EXPERTLAB_CHECK(static_cast<int64_t>(blob.size()) >= header.expert_bytes &&
                  Fnv1a64(blob.first(static_cast<size_t>(header.expert_bytes))) ==
                      header.checksums[static_cast<size_t>(key)])
      << "expert file " << path << ": checksum mismatch for layer " << key / header.experts
      << " expert " << key % header.experts << " (corrupt file)";
}

ExpertView ExpertViewOf(const ExpertFileHeader& header, std::span<const uint8_t> blob) {
  const std::vector<QuantView> views = PayloadViews(header, blob);
  ExpertView v;
  v.activation = header.activation;
  v.gate = views.front();
  if (views.size() == 3) v.up = views[1];
  v.down = views.back();
  return v;
}

void DecodeExpert(const ExpertFileHeader& header, std::span<const uint8_t> blob,
                  moe::MoeWeights<float>& w, int64_t expert) {
  const ExpertSlices s = ExpertSlicesOf(w, expert);
  const std::vector<QuantView> views = PayloadViews(header, blob);
  for (size_t m = 0; m < views.size(); ++m)
    Dequantize(views[m], {s.data[m], static_cast<size_t>(s.shapes[m].rows * s.shapes[m].cols)});
}

}  // namespace expertlab::offload
