// segment(): vnet.h's segmentation for JavaScript, over a batch of records.
#pragma once

#include <napi.h>

namespace netloom {

// segment(buffer, offsets, count, tap, piLen, vnetLen) → { buffer, count: n },
// the buffer laid out as a batch: (n + 1) host-endian uint32 offsets, then
// n plain records (the
// packet-info header kept, the virtio header gone). GSO records become their
// segments; F_NEEDS_CSUM records get their checksum; others are copied.
// Throws an Error (code EINVAL) naming the record that cannot be split.
Napi::Value Segment(const Napi::CallbackInfo& info);

}  // namespace netloom
