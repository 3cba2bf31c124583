// Creating, re-opening and deleting tun/tap devices. The kernel refuses to
// create them over rtnetlink, so this is /dev/net/tun and its ioctls, done
// on a fresh thread switched into the target namespace: a tun device lives
// in the namespace its fd was opened in, no other thread ever leaves its
// own namespace, and the loop never waits for the RTNL lock these ioctls take.
#pragma once

#include <napi.h>

namespace netloom {

// tunOpen(netnsFd, options) → Promise<{ name, ifindex, flags, features,
// offloads, queues: TunQueue[] }>. netnsFd -1: the current namespace.
Napi::Value TunOpen(const Napi::CallbackInfo& info);
// tunDelete(netnsFd, name) → Promise<boolean>: attach, TUNSETPERSIST 0,
// close; true if the device is gone (false: other fds still hold it).
Napi::Value TunDelete(const Napi::CallbackInfo& info);
// tunFeatures() → Promise<number>: TUNGETFEATURES, the IFF_* flags this
// kernel's tun driver accepts.
Napi::Value TunFeatures(const Napi::CallbackInfo& info);

}  // namespace netloom
