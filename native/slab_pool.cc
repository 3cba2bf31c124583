// Packet memory: slabs a queue reads into and lends to JavaScript (see slab_pool.h).
#include "slab_pool.h"

#include <new>

#include "errors.h"

namespace netloom {

SlabPool::~SlabPool() {
  for (uint8_t* s : idle_) delete[] s;
}

uint8_t* SlabPool::take() {
  if (!idle_.empty()) {
    uint8_t* s = idle_.back();
    idle_.pop_back();
    return s;
  }
  uint8_t* s = new (std::nothrow) uint8_t[slab_size_];
  if (s != nullptr) live_++;
  return s;
}

void SlabPool::give(uint8_t* slab) {
  if (slab == nullptr) return;
  if (idle_.size() < max_idle_) {
    idle_.push_back(slab);
    return;
  }
  delete[] slab;
  live_--;
}

namespace {

// A slab lent to JavaScript. Two JS objects point at it: the Buffer (whose
// finalizer runs after GC or after a detach) and the External that
// releaseBatch receives; it is freed when both are gone. Everything runs on
// the JS thread (Node calls external-buffer finalizers there), so no atomics.
struct Lease {
  std::shared_ptr<SlabPool> pool;
  uint8_t* mem;
  int64_t accounted;
  bool returned = false;
  int refs = 2;
};

const napi_type_tag kLeaseTag = {0x6e65746c6f6f6d21ULL, 0x736c61626c656173ULL};  // "netloom!" "slablease"

void give_back(napi_env env, Lease* l) {
  if (l->returned) return;
  l->returned = true;
  l->pool->give(l->mem);
  int64_t total;
  napi_adjust_external_memory(env, -l->accounted, &total);
}

void drop_ref(Lease* l) {
  if (--l->refs == 0) delete l;
}

}  // namespace

Handed hand_to_js(Napi::Env env, const std::shared_ptr<SlabPool>& pool, uint8_t*& slab, size_t used) {
  if (used <= kCopyBelow) return {Napi::Buffer<uint8_t>::Copy(env, slab, used), env.Undefined()};
  auto* lease = new Lease{pool, slab, static_cast<int64_t>(pool->slab_size())};
  napi_value buf;
  napi_status st = napi_create_external_buffer(
      env, used, slab,
      [](napi_env e, void*, void* hint) {
        auto* l = static_cast<Lease*>(hint);
        give_back(e, l);
        drop_ref(l);
      },
      lease, &buf);
  if (st != napi_ok) {
    delete lease;  // the slab stays the caller's
    throw Napi::Error::New(env, "napi_create_external_buffer failed");
  }
  slab = nullptr;
  int64_t total;
  napi_adjust_external_memory(env, lease->accounted, &total);
  Napi::External<Lease> ext;
  try {
    ext = Napi::External<Lease>::New(env, lease, [](Napi::Env, Lease* l) { drop_ref(l); });
    ext.TypeTag(&kLeaseTag);
  } catch (...) {
    if (ext.IsEmpty()) drop_ref(lease);  // only the buffer refers to it now
    throw;
  }
  return {Napi::Value(env, buf), ext};
}

Napi::Value ReleaseBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray()) throw_type_error(env, "releaseBatch(buffer, lease): buffer must be a Buffer");
  Napi::ArrayBuffer ab = info[0].As<Napi::TypedArray>().ArrayBuffer();
  Lease* lease = nullptr;
  if (info.Length() > 1 && info[1].IsExternal()) {
    Napi::External<Lease> ext = info[1].As<Napi::External<Lease>>();
    if (!ext.CheckTypeTag(&kLeaseTag)) throw_type_error(env, "releaseBatch: lease is not a netloom slab lease");
    lease = ext.Data();
    if (!ab.IsDetached() && ab.Data() != lease->mem) throw_type_error(env, "releaseBatch: buffer does not belong to the lease");
  }
  // Detach first: after this no JavaScript view can reach the memory, so a
  // lent slab can be reused at once.
  if (!ab.IsDetached()) ab.Detach();
  if (lease != nullptr) give_back(env, lease);
  return env.Undefined();
}

}  // namespace netloom
