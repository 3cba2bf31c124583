// NetNs.run(fn) and namespace sysctls.
//
// run: the calling thread (the JS thread) is switched into the namespace for
// the duration of a synchronous callback, then always switched back, so that
// sockets Node creates inside the callback belong to that namespace.
//
// sysctls: /proc/sys/net shows the network namespace of the thread that
// opens the file, so reads and writes happen on a fresh thread switched into
// the namespace (never the loop thread, never a pool thread).
#pragma once

#include <napi.h>

namespace netloom {

// runIn(netnsFd, fn) → fn's return value (exceptions propagate after restoring).
Napi::Value RunIn(const Napi::CallbackInfo& info);
// sysctlRead(netnsFd, relPath) → Promise<string>; relPath is below /proc/sys/net.
Napi::Value SysctlRead(const Napi::CallbackInfo& info);
// sysctlWrite(netnsFd, relPath, value) → Promise<void>.
Napi::Value SysctlWrite(const Napi::CallbackInfo& info);

}  // namespace netloom
