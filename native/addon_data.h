// Per-environment state of the addon (one per main thread or worker), kept
// with napi_set_instance_data so worker threads never share JS values.
#pragma once

#include <napi.h>

namespace netloom {

struct AddonData {
  // The NetlinkSocket class, for openSocket() to construct instances.
  Napi::FunctionReference socket_ctor;
  // The TunQueue class, for tunOpen() to wrap the fds it opened.
  Napi::FunctionReference tun_queue_ctor;

  static AddonData& of(Napi::Env env) {
    AddonData* d = env.GetInstanceData<AddonData>();
    if (d == nullptr) {
      d = new AddonData();
      env.SetInstanceData<AddonData>(d);
    }
    return *d;
  }
};

}  // namespace netloom
