// What nf_tables adds to the nfnetlink wire format (nfnl_codec: single
// messages): batches (BATCH_BEGIN ... BATCH_END in one datagram, optionally
// guarded by the ruleset generation) and the userdata TLVs nft keeps
// comments in. Pure functions apart from reading the
// JS values to encode; nothing here touches a socket.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "rtnl_codec.h"

namespace netloom::nft {

// BATCH_BEGIN (seqs[0], res_id NFNL_SUBSYS_NFTABLES, NFNL_BATCH_GENID when
// options.genid is a non-zero number), each member with NLM_F_REQUEST |
// NLM_F_ACK added (seqs[1..n]), BATCH_END (seqs[n+1]). A member's encoding
// error names it: "messages[3].attrs.name: ...".
void encode_batch(Napi::Env env, rtnl::Writer& w, Napi::Array members, Napi::Value options, const std::vector<uint32_t>& seqs);

// nftnl_udata TLVs ({u8 type, u8 len, value}): what nft stores in
// NFTA_*_USERDATA (type 0 is the comment, NUL-terminated).
struct Udata {
  uint8_t type;
  std::vector<uint8_t> value;
};
// False if an entry does not fit (over 255 bytes, or the whole over `cap`).
bool encode_udata(const std::vector<Udata>& in, size_t cap, std::vector<uint8_t>& out);
// False if malformed (an entry running past the end); `out` holds what was whole.
bool decode_udata(const uint8_t* p, size_t n, std::vector<Udata>& out);

}  // namespace netloom::nft
