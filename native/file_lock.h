// flock(2) for Node, which has none: the lock host-local (the reference CNI
// IPAM) takes on its network directory, so that netloom-ipam and it can
// share one lease store safely.
#pragma once

#include <napi.h>

namespace netloom {

// flock(fd, exclusive, wait) → true when taken (false: would block, only
// with wait = false). Blocks the calling thread while waiting: meant for
// short-lived plugin processes that have nothing else to do meanwhile.
Napi::Value Flock(const Napi::CallbackInfo& info);

}  // namespace netloom
