// A netlink socket (NETLINK_ROUTE, NETLINK_NETFILTER or NETLINK_GENERIC: the codec is
// chosen by protocol, see nl_codec.h) owned by native code and driven by libuv: requests
// matched to replies by sequence number, ACKs and NACKs with extended ACK
// text, multi-part dumps to NLMSG_DONE, one dump at a time (the kernel allows
// one per socket), a bounded window of requests in flight so ACKs can never
// overrun the receive buffer, and the event loop never blocked (sends go
// through NlSender, reads through uv_poll on the current env's loop).
#pragma once

#include <napi.h>
#include <uv.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "fd_poll.h"
#include "keep_filter.h"
#include "nl_batch.h"
#include "nl_sender.h"
#include "tape_sink.h"
#include "unique_fd.h"

namespace netloom {

struct NlCodec;

class NlSocket : public Napi::ObjectWrap<NlSocket> {
 public:
  // Registers the class; returns the addon's openSocket(netnsFd, protocol?) function.
  static Napi::Function Init(Napi::Env env);

  explicit NlSocket(const Napi::CallbackInfo& info);
  ~NlSocket() override;

 private:
  struct Pending {
    bool dump = false;
    bool raw = false;                  // request: resolve with the reply bytes, undecoded
    bool sent = false;
    bool abandoned = false;            // dump whose consumer went away: drain silently
    NlSender::Ack ack = NlSender::Ack::Keep;
    uint64_t order = 0;                // request: its place in send order
    std::vector<uint8_t> bytes;        // encoded, until handed to the sender
    napi_deferred deferred = nullptr;  // request
    Napi::FunctionReference on_batch;  // dump
    std::vector<std::vector<uint8_t>> replies;  // request: data messages before the ACK
    std::unique_ptr<NlBatch> batch;    // a transaction (nl_batch.cc): its answers so far
    std::unique_ptr<rtnl::KeepNode> keep;  // dump: decode only this, plus each message's bytes (keep_filter.h)
  };
  // What one wakeup collected for a dump, delivered in one JS call.
  struct Batch {
    rtnl::TapeSink tape;
    bool done = false;
    Napi::Value error;
  };

  static Napi::Value Open(const Napi::CallbackInfo& info);

  Napi::Value Request(const Napi::CallbackInfo& info);
  Napi::Value Dump(const Napi::CallbackInfo& info);
  Napi::Value Abandon(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value RefLoop(const Napi::CallbackInfo& info);
  Napi::Value UnrefLoop(const Napi::CallbackInfo& info);
  Napi::Value GetPending(const Napi::CallbackInfo& info);
  // subscribe(groups: number[], allNsid: boolean, onEvent(err, tape|null, overrun)):
  // join multicast groups and deliver notifications, one call per wakeup.
  Napi::Value Subscribe(const Napi::CallbackInfo& info);
  // batch(messages, options): one transaction in one datagram (nl_batch.cc).
  Napi::Value SendBatch(const Napi::CallbackInfo& info);
  void settle_batch(Pending& p);

  uint32_t next_seq();
  void enqueue(uint32_t seq, std::unique_ptr<Pending> p);
  void submit(uint32_t seq, Pending& p);
  void pump();
  void finish(uint32_t seq);
  void update_poll();

  void on_readable();
  void on_socket_error();
  void read_and_dispatch();
  void on_send_failure();
  void dispatch_send_failures();
  void handle_message(const uint8_t* msg, size_t len, int64_t netnsid, std::unordered_map<uint32_t, Batch>& batches);
  void settle_request(Pending& p, int err, const std::string& extack, long offset);
  void settle_implied(uint64_t before);
  void fail_in_flight(int err, const char* why);
  void deliver(std::unordered_map<uint32_t, Batch>& batches);
  void deliver_events();

  // Stops polling and sending and closes the fd. `notify`: reject what is
  // pending with ECANCELED (false when the env is going away: no JS then).
  // `teardown`: called from the env cleanup hook (see uv_close.h).
  void shutdown(bool notify, bool teardown = false);
  static void cleanup_hook(void* arg);

  Napi::Env env_;
  const NlCodec* codec_ = nullptr;
  UniqueFd fd_;
  FdPoll poll_;  // after fd_: closed before it
  bool polling_ = false;
  bool loop_ref_ = true;
  BusyHold hold_;
  bool closed_ = false;
  std::unique_ptr<NlSender> sender_;
  std::unique_ptr<Napi::AsyncContext> async_ctx_;
  uint32_t seq_ = 0;
  size_t in_flight_ = 0;
  bool dump_active_ = false;
  std::unordered_map<uint32_t, std::unique_ptr<Pending>> pending_;
  std::deque<uint32_t> backlog_;     // requests waiting for a window slot
  std::deque<uint32_t> dump_queue_;  // dumps waiting for the running one
  // Requests sent and not yet answered, in send order ({order, seq}): an
  // answer to one settles those before it whose ACK was elided.
  std::deque<std::pair<uint64_t, uint32_t>> acks_due_;
  uint64_t sent_count_ = 0;
  // At least 32 KiB: the kernel sizes each dump datagram by the largest
  // buffer recvmsg was given (up to 32 KiB), and a dump's resume cost grows
  // with the number of datagrams (nf_tables walks the chain again for each).
  std::vector<uint8_t> rx_ = std::vector<uint8_t>(32768);
  std::unordered_map<uint32_t, uint32_t> batch_seqs_;  // a batch member's seq → its batch's
  uint32_t portid_ = 0;                // our netlink address: replies carry it
  Napi::FunctionReference on_event_;  // set while subscribed to multicast groups
  rtnl::TapeSink events_;             // notifications of the current wakeup
  bool overrun_ = false;              // ENOBUFS seen in the current wakeup
};

}  // namespace netloom
