// ICMP/ICMPv6 echo from inside a namespace: what `ip netns exec NS ping`
// proves, without needing a ping binary. Runs on a fresh thread (it blocks
// waiting for replies, bounded by count × timeout).
#pragma once

#include <napi.h>

namespace netloom {

// ping(netnsFd, address, count, timeoutMs, intervalMs, size) → Promise<{ sent, received, rtts }>
Napi::Value Ping(const Napi::CallbackInfo& info);

}  // namespace netloom
