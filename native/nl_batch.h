// Transactions on the NlSocket engine (nfnetlink batches): the answers to
// one batch, which was sent as one datagram of an opening message, n member
// messages that each asked for an ACK, and a closing message.
//
// The kernel applies the whole batch or nothing and answers only after it
// has processed all of it: one ACK or error per member, in order; an error
// against the opening message (a refused generation id, a failed commit)
// means nothing was applied, and may come alone (ERESTART: the members are
// never looked at). So the batch is settled by the opening message's error,
// or by the last member's answer, whichever comes first.
#pragma once

#include <napi.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "rtnl_codec.h"

namespace netloom {

class NlBatch {
 public:
  // seqs[0]: the opening message; seqs[1..n]: the members; seqs[n+1]: the closing one.
  explicit NlBatch(std::vector<uint32_t> seqs);

  const std::vector<uint32_t>& seqs() const { return seqs_; }

  // An NLMSG_ERROR with one of the batch's sequence numbers. True once the
  // batch is settled.
  bool on_ack(uint32_t seq, const rtnl::AckInfo& ack);

  // { begin: NativeError | null, failures: [{ index, error: NativeError }] }:
  // `index` counts members from 0.
  Napi::Value result(Napi::Env env) const;

 private:
  long member_index(uint32_t seq) const;

  std::vector<uint32_t> seqs_;
  std::vector<bool> answered_;
  size_t answers_ = 0;
  bool begin_failed_ = false;
  rtnl::AckInfo begin_;
  std::vector<std::pair<size_t, rtnl::AckInfo>> failures_;
};

}  // namespace netloom
