// The addon's `ct` object: the ctnetlink codec for tests and inspection
// (encode, decode: any nfnetlink message, by its subsystem's tables), and the
// conntrack UAPI constants added to the addon's `constants`.
#pragma once

#include <napi.h>

namespace netloom {

Napi::Object make_ct_exports(Napi::Env env);

// IPCTNL_MSG_CT_*, IPS_* status bits, TCP_CONNTRACK_* states, the CTA_FILTER
// flags, the protocol numbers the decoder names.
void add_ct_constants(Napi::Env env, Napi::Object o);

}  // namespace netloom
