// Transactions on the NlSocket engine (nfnetlink batches): the answers to
// one batch, which was sent as one datagram of an opening message, n member
// messages that each asked for an ACK, and a closing message.
//
// The kernel applies the whole batch or nothing and answers only after it
// has processed all of it: an error for each failing member and an ACK for
// the last one (the only one that asks), in order; an error
// against the opening message (a refused generation id, a failed commit)
// means nothing was applied, and may come alone (ERESTART: the members are
// never looked at). So the batch is settled by the opening message's error,
// or by the last member's answer, whichever comes first.
#pragma once

#include <napi.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "nl_codec.h"
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

  // Any other message with a member's sequence number: the copy the kernel
  // sends at commit of what a member asked NLM_F_ECHO for (a new rule, with
  // the handle it was given). Kept, to be decoded when the batch settles.
  void on_echo(uint32_t seq, const uint8_t* msg, size_t len);

  // { begin: NativeError | null, failures: [{ index, error: NativeError }],
  //   echoes: [{ index, message }] }: `index` counts members from 0.
  Napi::Value result(Napi::Env env, const NlCodec& codec) const;

 private:
  long member_index(uint32_t seq) const;

  std::vector<uint32_t> seqs_;
  std::vector<bool> answered_;
  bool begin_failed_ = false;
  rtnl::AckInfo begin_;
  std::vector<std::pair<size_t, rtnl::AckInfo>> failures_;
  std::vector<std::pair<size_t, std::vector<uint8_t>>> echoes_;
};

}  // namespace netloom
