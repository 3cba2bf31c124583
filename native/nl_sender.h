// Sends netlink requests from a dedicated thread.
//
// Why a thread: rtnetlink does a request's work synchronously inside the
// sender's sendmsg() — under RTNL, and for some operations (deleting a link,
// creating one while IPv6 sets it up) for tens of milliseconds. Sending on the
// event loop would freeze it for that long. So the loop thread only encodes
// and queues; this thread sends, batching whatever is queued into one
// sendmsg() (the kernel walks every message in the datagram and answers each
// on its own), and replies are read on the loop by uv_poll as they come.
//
// The thread owns a dup of the socket fd and shares its state through a
// shared_ptr, so shutdown() never waits for a send in progress: the thread
// notices, drops what is queued, closes its fd and exits by itself.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace netloom {

class NlSender {
 public:
  // What a message's ACK is for. An `Elidable` request (a change with no
  // reply data) may be sent without NLM_F_ACK when a later message in the
  // same datagram keeps its ACK: rtnetlink handles a socket's messages in
  // order and always answers a failure, so that later ACK proves it
  // succeeded. One ACK per datagram instead of one per request is what makes
  // `ip route flush` several times faster than deleting one by one.
  enum class Ack : uint8_t { Keep, Elidable, None /* a dump: the kernel never ACKs its start */ };

  // A batch that sendmsg() refused, with the errno.
  struct Failure {
    std::vector<uint32_t> seqs;
    int err;
    const char* syscall = "sendmsg";
  };

  // `fd` is a dup this object takes over. `on_failure` runs on the loop
  // thread (via uv_async) after a failed send; call take_failures() there.
  NlSender(uv_loop_t* loop, int fd, std::function<void()> on_failure);
  ~NlSender();
  NlSender(const NlSender&) = delete;
  NlSender& operator=(const NlSender&) = delete;

  // Queue one encoded request. Starts the thread on first use; returns 0, or
  // the errno if no thread could be started (the request is not queued).
  // `alone`: send it in a datagram of its own (an nfnetlink batch must be
  // the whole datagram: the kernel reads everything after BATCH_BEGIN as the
  // batch, and nothing after BATCH_END).
  int send(uint32_t seq, std::vector<uint8_t> bytes, Ack ack, bool alone = false);
  std::vector<Failure> take_failures();
  // Queue a failure found on the loop thread, delivered like a failed send
  // (asynchronously: never inside the JS call that made the request).
  void report(Failure f);
  // Stop: the thread exits after its current sendmsg, dropping the queue.
  // At environment teardown (`teardown`) wait for it to have exited: the
  // addon's code may be unloaded right after (a worker thread ending).
  void shutdown(bool teardown = false);

 private:
  struct State;
  std::shared_ptr<State> state_;
  uv_async_t* async_ = nullptr;
  std::function<void()> on_failure_;
  bool started_ = false;
  std::thread thread_;
};

}  // namespace netloom
