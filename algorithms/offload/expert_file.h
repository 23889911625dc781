// The on-disk form of a multi-layer MoE model for the offloading engine
// (engine.h): the routers, which stay in memory, and one contiguous blob per
// (layer, expert), each starting on a 4096-byte boundary so that it can be
// read with one O_DIRECT pread into an aligned buffer.
//
// Layout (host byte order; the magic rejects a foreign one):
//   [0, header_bytes)            header: magic "XLABOFF1", version, layers,
//                                experts, top_k, d_model, d_ff, activation,
//                                format, group, expert_bytes, stride,
//                                router_offset, data_offset, the routers'
//                                checksum, one checksum per expert, and the
//                                header's own checksum last
//   [router_offset, ...)         routers, layer by layer, [d x E] floats
//   data_offset + key * stride   expert key = layer * experts + expert:
//                                w_gate [d x f], w_up [d x f] (SwiGLU
//                                only), w_down [f x d], each as the codes
//                                then the scales of quantize.h's format
// Checksums are 64-bit FNV-1a (Fowler, Noll, Vo) taken over 64-bit words
// in four interleaved lanes (word i into lane i mod 4), the lanes then
// folded in as words, then the tail words and bytes: 32 times fewer
// serial multiplies than per byte. Each step (xor a word, multiply by the
// odd FNV prime) is a bijection of the state and of the word, so any
// change to one word changes the result: a flipped byte or a truncated
// file is detected before a weight is used.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "algorithms/moe/layer.h"
#include "algorithms/offload/quantize.h"
#include "algorithms/offload/quantized_expert.h"

namespace expertlab::offload {

inline constexpr int64_t kExpertAlignment = 4096;

// A multi-layer MoE decode model held in memory: one layer config shared
// by every layer (routed experts only), one weight set per layer.
struct MoeStack {
  moe::MoeConfig config;
  std::vector<moe::MoeWeights<float>> layers;
};

// Random N(0, 1/fan_in) weights for `layers` layers of `config`.
MoeStack RandomMoeStack(const moe::MoeConfig& config, int layers, Rng& rng);

// 64-bit FNV-1a of `bytes`, in four word lanes (above).
uint64_t Fnv1a64(std::span<const uint8_t> bytes);

struct ExpertFileHeader {
  int layers = 0;
  int experts = 0;
  int top_k = 0;
  int64_t d_model = 0;
  int64_t d_ff = 0;
  moe::Activation activation = moe::Activation::kSwiGlu;
  WeightFormat format = WeightFormat::kFp32;
  int group = 0;             // weights per scale (0 for fp32)
  int64_t expert_bytes = 0;  // payload of one expert
  int64_t stride = 0;        // expert_bytes rounded up to kExpertAlignment
  int64_t router_offset = 0;
  int64_t data_offset = 0;
  uint64_t router_checksum = 0;
  std::vector<uint64_t> checksums;  // [layers x experts]

  int keys() const { return layers * experts; }
  int64_t Offset(int key) const { return data_offset + key * stride; }
  int64_t FileBytes() const { return Offset(keys()); }
};

// Writes `stack` with experts in `format` (group: quantize.h). Errors name
// the path on any I/O failure.
void WriteExpertFile(const std::string& path, const MoeStack& stack, WeightFormat format,
                     int group);

// Reads and checks the header of the open file `fd` (header checksum, sizes,
// file length); errors name `path` and what is wrong.
ExpertFileHeader ReadExpertFileHeader(int fd, const std::string& path);
// The routers ([layers] of [d x E]), checksum verified.
std::vector<std::vector<float>> ReadRouters(int fd, const ExpertFileHeader& header,
                                            const std::string& path);

// Verifies expert `key`'s payload (the first expert_bytes of `blob`)
// against the header; an error naming the path, layer and expert if not.
void VerifyExpert(const ExpertFileHeader& header, int key, std::span<const uint8_t> blob,
                  const std::string& path);
// Views of a verified payload's matrices (gate, up for SwiGLU, down), for
// computing straight from the codes (quantized_expert.h); `blob` must
// outlive them.
ExpertView ExpertViewOf(const ExpertFileHeader& header, std::span<const uint8_t> blob);
// Decodes a verified payload into the gate, up (SwiGLU only) and down
// slices of weights `w`'s expert `expert`.
void DecodeExpert(const ExpertFileHeader& header, std::span<const uint8_t> blob,
                  moe::MoeWeights<float>& w, int64_t expert);

}  // namespace expertlab::offload
