// Packet memory. A device reads each wakeup's packets into one slab: a
// header of record offsets, then the records back to back. The filled part
// goes to JavaScript as one Buffer and the packets are views into it, so
// nothing is allocated per packet.
//
// Who owns the memory when:
// - A small batch (the usual case at low rates) is copied into a Buffer of
//   its own and the slab goes straight back to the device for the next read:
//   copying a few KiB costs less than pinning a whole slab until GC.
// - A large batch lends the slab itself (an external Buffer, no copy). It
//   comes back to the pool when JavaScript releases the batch (the buffer is
//   detached first, so views kept by mistake read as empty, never as other
//   packets), or when the Buffer is garbage-collected. The pool tells V8 how
//   much memory lent slabs hold, so the GC knows to run.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace netloom {

class SlabPool {
 public:
  SlabPool(size_t slab_size, size_t max_idle) : slab_size_(slab_size), max_idle_(max_idle) {}
  ~SlabPool();
  SlabPool(const SlabPool&) = delete;
  SlabPool& operator=(const SlabPool&) = delete;

  // A slab from the idle list, or a new one; nullptr when out of memory.
  uint8_t* take();
  // Back for reuse; freed if the idle list is full.
  void give(uint8_t* slab);

  size_t slab_size() const { return slab_size_; }
  // Slabs allocated and not yet freed (idle, in a device, lent out).
  size_t live() const { return live_; }
  size_t idle() const { return idle_.size(); }

 private:
  size_t slab_size_;
  size_t max_idle_;
  size_t live_ = 0;
  std::vector<uint8_t*> idle_;
};

// Batches at or below this size are copied rather than lent.
constexpr size_t kCopyBelow = 64 * 1024;

// A filled slab region [0, used) as JavaScript values: `buffer` (a Buffer)
// and `lease` (an External to hand back to releaseBatch, or undefined when
// the bytes were copied). `slab` is set to nullptr when it was lent out (the
// caller takes a fresh one for its next read) and kept when copied.
struct Handed {
  Napi::Value buffer;
  Napi::Value lease;
};
Handed hand_to_js(Napi::Env env, const std::shared_ptr<SlabPool>& pool, uint8_t*& slab, size_t used);

// releaseBatch(buffer, lease): detach the buffer; a lent slab goes back to
// its pool at once. Idempotent.
Napi::Value ReleaseBatch(const Napi::CallbackInfo& info);

}  // namespace netloom
