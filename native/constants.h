// Kernel constants exported to JavaScript, straight from the UAPI headers, so
// the TypeScript layer never types a kernel number by hand.
#pragma once

#include <napi.h>

namespace netloom {

Napi::Object make_constants(Napi::Env env);

}  // namespace netloom
