// Counter-based random numbers for reproducible simulation: Philox4x32-10
// (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC'11) and the Rng stream every experiment cell draws from.
//
// Why counter-based: a Philox output is a pure function of (counter, key), so
// a stream keyed by (root seed, cell hash, replicate, stream id) yields the
// same numbers no matter which thread, shard or machine runs the cell, and no
// generator state ever has to be saved, split or communicated. Sub-components
// get their own stream id (Fork) instead of sharing one sequence, so adding a
// draw in one component never shifts the numbers another component sees.
//
// Stream layout (frozen: changing it changes every stored result):
//   key     = MixSeed(root_seed, cell_hash), low 32 bits in key[0]
//   counter = {block_lo, block_hi, replicate, stream_id}
// Blocks are consumed in order 0, 1, 2, ...; each yields four 32-bit words,
// handed out in order out[0], out[1], out[2], out[3].
//
// Nothing here reads the clock, the thread id or any std:: distribution.
#pragma once

#include <array>
#include <cstdint>

#include "sim/bytes.h"

namespace expertlab {

// The Philox4x32 bijection with 10 rounds, bit-compatible with Random123's
// philox4x32_R(10, ...), so it can be checked against the published
// known-answer vectors.
std::array<uint32_t, 4> Philox4x32_10(std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key);

// SplitMix64's output function (Steele, Lea, Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014): a bijection on 64-bit words
// with full avalanche, so nearby inputs (seeds 1, 2, 3...) give unrelated
// outputs. Stateless, so a value keyed by a counter can be regenerated on
// demand.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Combines two 64-bit words into one well-mixed word (SplitMix64 finaliser,
// Steele, Lea, Flood, OOPSLA'14). For a fixed `a` it is a bijection in `b`
// and vice versa, so two different cells under one root seed never share a
// key. Not symmetric: MixSeed(a, b) != MixSeed(b, a) in general.
uint64_t MixSeed(uint64_t a, uint64_t b);

// Maps 64 random bits to a double in [0, 1) using the top 53 bits, so every
// value is a multiple of 2^-53 and all are equally likely.
inline double BitsToUniform(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

// Maps 64 random bits to a double in the open interval (0, 1): the top 52
// bits plus one half, times 2^-52. The extremes are 2^-53 and 1 - 2^-53, both
// exactly representable, so log(u) and log(1 - u) are always finite.
inline double BitsToUniformOpen(uint64_t bits) {
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52;
}

// A [0, 1) double from one Philox block, with no stored state: for values
// that must be regenerated on demand (e.g. loss(t, i) of expert i at day t)
// rather than stored. key is split into two 32-bit words (low in key[0]); the
// counter is {low(a), high(a), b, c}; the result is BitsToUniform of
// (out[0] << 32 | out[1]). Callers must give distinct (key, a, b, c) to
// anything that should be independent.
double CounterUniform(uint64_t key, uint64_t a, uint32_t b, uint32_t c);

// A stream of random numbers identified by (root_seed, cell_hash, replicate,
// stream_id). Copying an Rng copies its position; two copies then produce the
// same numbers, which is occasionally what a test wants and otherwise a bug:
// give independent consumers independent stream ids via Fork.
class Rng {
 public:
  // replicate and stream_id must fit in 32 bits (they occupy one counter word
  // each); a larger value throws expertlab::Error rather than silently
  // aliasing another stream.
  Rng(uint64_t root_seed, uint64_t cell_hash, uint64_t replicate, uint64_t stream_id);

  uint32_t NextU32();

  // Two consecutive 32-bit words, the first drawn in the high half.
  uint64_t NextU64();

  // Uniform on [0, 1) with 53 random bits (one NextU64).
  double Uniform() { return BitsToUniform(NextU64()); }

  // Uniform on (0, 1): never 0 and never 1 (one NextU64, 52 random bits).
  double UniformOpen() { return BitsToUniformOpen(NextU64()); }

  // Exactly uniform on {0, ..., n-1}; n must be positive. Lemire's
  // multiply-and-reject ("Fast random integer generation in an interval",
  // ACM TOMACS 2019): unbiased for every n up to 2^64 - 1, and usually one
  // NextU64 with no division.
  uint64_t UniformInt(uint64_t n);

  // A fresh stream (block 0) with the same root seed, cell and replicate but
  // the given stream id. It does not depend on how far this stream has been
  // consumed, so components can be forked in any order. Fork(stream_id())
  // restarts this very stream, which is almost never intended.
  Rng Fork(uint64_t stream_id) const;

  uint64_t root_seed() const { return root_seed_; }
  uint64_t cell_hash() const { return cell_hash_; }
  uint64_t replicate() const { return replicate_; }
  uint64_t stream_id() const { return stream_id_; }
  // Index of the next Philox block to be generated (how far the stream has
  // been consumed, in blocks of four 32-bit words).
  uint64_t next_block() const { return next_block_; }

  // Checkpoints (sim/bytes.h): Save writes the stream's identity and
  // position; Restore, on an Rng of the same identity, moves it to the
  // saved position (an Error for another stream's or a truncated blob).
  void Save(ByteWriter& out) const;
  void Restore(ByteReader& in);

 private:
  void Refill();

  uint64_t root_seed_;
  uint64_t cell_hash_;
  uint32_t replicate_;
  uint32_t stream_id_;
  std::array<uint32_t, 2> key_;
  uint64_t next_block_ = 0;
  std::array<uint32_t, 4> buffer_{};
  // Words of buffer_ already handed out; 4 means "empty", so the first block
  // is generated lazily and constructing an Rng costs one MixSeed only.
  int used_ = 4;
};

}  // namespace expertlab
