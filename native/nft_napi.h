// The addon's `nft` object: the nf_tables codec for tests and inspection
// (encode, decode, encodeBatch) and the userdata TLVs (udataEncode,
// udataDecode), so TypeScript never lays out bytes itself.
#pragma once

#include <napi.h>

namespace netloom {

Napi::Object make_nft_exports(Napi::Env env);

// The nf_tables UAPI constants, added to the addon's `constants`.
void add_nft_constants(Napi::Env env, Napi::Object o);

}  // namespace netloom
