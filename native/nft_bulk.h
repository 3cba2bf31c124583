// Many nf_tables messages of one kind in one call, from columns instead of
// one JS object per attribute: the payloads of a chain's rules (their
// expressions already encoded) and of a set's elements. A ruleset of 10,000
// rules or a set of 100,000 elements is otherwise mostly the generic
// encoder walking JS objects. Each payload is byte for byte what the generic
// encoder makes of the same message (test/nft/rule-bytes.test.mjs and
// test/nft/set-bytes.test.mjs compare them).
#pragma once

#include <napi.h>

namespace netloom::nft {

// encodeRules(type, head, exprs, ends, userdata) → { bytes, ends }.
Napi::Value EncodeRules(const Napi::CallbackInfo& info);

// encodeElements(type, head, columns, ends) → { bytes, ends }.
Napi::Value EncodeElements(const Napi::CallbackInfo& info);

}  // namespace netloom::nft
