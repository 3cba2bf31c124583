// Closing the libuv handles this addon allocates.
#pragma once

#include <uv.h>

namespace netloom {

// Close a handle allocated with `new H`, freeing it in the close callback.
//
// Except at environment teardown (`teardown`: called from an env cleanup
// hook): when a worker thread exits, Node unloads the addon before the
// worker's loop runs its last close callbacks, so a callback in this
// addon's code would be called at an address no longer mapped (a crash
// seen when terminating workers with sockets open). There the handle is
// closed without a callback and its few bytes are left to the dying loop.
template <typename H>
void close_handle(H* h, bool teardown) {
  auto* handle = reinterpret_cast<uv_handle_t*>(h);
  if (teardown) {
    uv_close(handle, nullptr);
    return;
  }
  uv_close(handle, [](uv_handle_t* x) { delete reinterpret_cast<H*>(x); });
}

}  // namespace netloom
