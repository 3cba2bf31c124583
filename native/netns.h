// Network namespace file descriptors: create (unshare on a fresh thread),
// open by path, bind-mount under a run directory the way `ip netns add` does,
// unmount and unlink the way `ip netns delete` does.
#pragma once

#include <napi.h>

namespace netloom {

// The `netns` object of the addon's exports.
Napi::Object make_netns_exports(Napi::Env env);

}  // namespace netloom
