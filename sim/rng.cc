// Philox4x32-10, the seed mixer and the Rng stream (see rng.h for the stream
// layout and why it is counter-based).
#include "sim/rng.h"

#include <cstdint>
#include <limits>

#include "sim/check.h"

namespace expertlab {
namespace {

// Multipliers and Weyl-sequence key increments from Salmon et al. (SC'11)
// and Random123's PHILOX_M4x32_* / PHILOX_W32_* constants.
constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;  // golden ratio
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;  // sqrt(3) - 1

constexpr uint64_t kGolden64 = 0x9E3779B97F4A7C15ull;

// One Philox S-box/P-box round: two 32x32->64 multiplies whose high halves
// are xored with the other words and the round key, followed by the fixed
// word permutation of the 4x32 variant.
inline std::array<uint32_t, 4> PhiloxRound(const std::array<uint32_t, 4>& x,
                                           const std::array<uint32_t, 2>& k) {
  const uint64_t p0 = static_cast<uint64_t>(kPhiloxM0) * x[0];
  const uint64_t p1 = static_cast<uint64_t>(kPhiloxM1) * x[2];
  const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32);
  const uint32_t lo0 = static_cast<uint32_t>(p0);
  const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32);
  const uint32_t lo1 = static_cast<uint32_t>(p1);
  return {hi1 ^ x[1] ^ k[0], lo1, hi0 ^ x[3] ^ k[1], lo0};
}

// High and low words of the full 128-bit product, written out with 32-bit
// pieces instead of a compiler-specific __int128 so the code is portable and
// -Wpedantic clean.
inline void MulWide64(uint64_t a, uint64_t b, uint64_t* hi, uint64_t* lo) {
  const uint64_t a_lo = a & 0xFFFFFFFFu;
  const uint64_t a_hi = a >> 32;
  const uint64_t b_lo = b & 0xFFFFFFFFu;
  const uint64_t b_hi = b >> 32;
  const uint64_t ll = a_lo * b_lo;
  const uint64_t lh = a_lo * b_hi;
  const uint64_t hl = a_hi * b_lo;
  const uint64_t hh = a_hi * b_hi;
  // Sum of the middle terms' low halves plus the carry out of ll; at most
  // 3 * (2^32 - 1), which fits.
  const uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
  *lo = (mid << 32) | (ll & 0xFFFFFFFFu);
  *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

inline std::array<uint32_t, 2> SplitKey(uint64_t key) {
  return {static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32)};
}

uint32_t CheckedU32(uint64_t value, const char* what) {
  EXPERTLAB_CHECK(value <= std::numeric_limits<uint32_t>::max())
      << "Rng: " << what << " " << value
      << " does not fit in 32 bits (it occupies one Philox counter word)";
  return static_cast<uint32_t>(value);
}

}  // namespace

std::array<uint32_t, 4> Philox4x32_10(std::array<uint32_t, 4> counter,
                                      std::array<uint32_t, 2> key) {
  // Ten rounds with the key bumped between rounds (nine bumps), exactly as
  // in Random123, which is what the known-answer vectors pin down.
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key[0] += kPhiloxW0;
      key[1] += kPhiloxW1;
    }
    counter = PhiloxRound(counter, key);
  }
  return counter;
}

uint64_t MixSeed(uint64_t a, uint64_t b) {
  // The inner Mix64 decorrelates a before b is added, so (a, b) and
  // (a + 1, b - 1) do not collide as they would with a plain sum.
  return Mix64(Mix64(a + kGolden64) + b);
}

double CounterUniform(uint64_t key, uint64_t a, uint32_t b, uint32_t c) {
  const std::array<uint32_t, 4> out = Philox4x32_10(
      {static_cast<uint32_t>(a), static_cast<uint32_t>(a >> 32), b, c}, SplitKey(key));
  return BitsToUniform((static_cast<uint64_t>(out[0]) << 32) | out[1]);
}

Rng::Rng(uint64_t root_seed, uint64_t cell_hash, uint64_t replicate, uint64_t stream_id)
    : root_seed_(root_seed),
      cell_hash_(cell_hash),
      replicate_(CheckedU32(replicate, "replicate")),
      stream_id_(CheckedU32(stream_id, "stream_id")),
      key_(SplitKey(MixSeed(root_seed, cell_hash))) {}

void Rng::Refill() {
  buffer_ = Philox4x32_10({static_cast<uint32_t>(next_block_),
                           static_cast<uint32_t>(next_block_ >> 32), replicate_, stream_id_},
                          key_);
  ++next_block_;
  used_ = 0;
}

uint32_t Rng::NextU32() {
  if (used_ == 4) Refill();
  return buffer_[used_++];
}

uint64_t Rng::NextU64() {
  // Two statements, not one expression, so the high word is drawn first
  // regardless of the compiler's evaluation order.
  const uint64_t hi = NextU32();
  const uint64_t lo = NextU32();
  return (hi << 32) | lo;
}

uint64_t Rng::UniformInt(uint64_t n) {
  EXPERTLAB_CHECK(n > 0) << "Rng::UniformInt: n must be positive, got " << n;
  // x * n / 2^64 maps 64 random bits onto [0, n); the low word tells where
  // in its bucket x fell, and rejecting the first 2^64 mod n positions of
  // each bucket makes every bucket exactly the same size.
  uint64_t hi = 0;
  uint64_t lo = 0;
  MulWide64(NextU64(), n, &hi, &lo);
  if (lo < n) {
    const uint64_t threshold = (uint64_t{0} - n) % n;  // 2^64 mod n
    while (lo < threshold) MulWide64(NextU64(), n, &hi, &lo);
  }
  return hi;
}

Rng Rng::Fork(uint64_t stream_id) const {
  return Rng(root_seed_, cell_hash_, replicate_, stream_id);
}

void Rng::Save(ByteWriter& out) const {
  out.Put<uint64_t>(root_seed_);
  out.Put<uint64_t>(cell_hash_);
  out.Put<uint32_t>(replicate_);
  out.Put<uint32_t>(stream_id_);
  out.Put<uint64_t>(next_block_);
  out.Put<int32_t>(used_);
}

void Rng::Restore(ByteReader& in) {
  const uint64_t root = in.Get<uint64_t>(), cell = in.Get<uint64_t>();
  const uint32_t replicate = in.Get<uint32_t>(), stream = in.Get<uint32_t>();
  EXPERTLAB_CHECK(root == root_seed_ && cell == cell_hash_ && replicate == replicate_ &&
                  stream == stream_id_)
      << "checkpoint: the saved random stream (stream " << stream << ", replicate " << replicate
      << ") is not this one (stream " << stream_id_ << ", replicate " << replicate_ << ")";
  const uint64_t block = in.Get<uint64_t>();
  const int32_t used = in.Get<int32_t>();
  EXPERTLAB_CHECK(used >= 0 && used <= 4 && (used == 4 || block > 0))
      << "checkpoint: bad random stream position";
  // The buffer holds block `block - 1` unless it was used up.
  next_block_ = used < 4 ? block - 1 : block;
  if (used < 4) Refill();
  used_ = used;
}

}  // namespace expertlab
