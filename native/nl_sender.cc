// The sender thread: netlink requests batched into sendmsg() calls off the event loop (see nl_sender.h).
#include "nl_sender.h"

#include <limits.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>

#include "unique_fd.h"
#include "uv_close.h"

namespace netloom {

namespace {
// Bytes per sendmsg(): well under the default socket send buffer, which
// bounds one netlink datagram to the kernel.
constexpr size_t kMaxBatchBytes = 32 * 1024;
constexpr size_t kMaxBatchMessages = 256;
}  // namespace

namespace {
struct Item {
  uint32_t seq;
  std::vector<uint8_t> bytes;
  NlSender::Ack ack;
  bool alone;
};

// Drop NLM_F_ACK from every elidable message that has an ACKed request
// after it in the batch (see NlSender::Ack).
void elide_acks(std::vector<Item>& batch) {
  size_t last = batch.size();
  for (size_t i = batch.size(); i-- > 0;)
    if (batch[i].ack != NlSender::Ack::None) {
      last = i;
      break;
    }
  for (size_t i = 0; i < last && last < batch.size(); i++) {
    if (batch[i].ack != NlSender::Ack::Elidable || batch[i].bytes.size() < sizeof(nlmsghdr)) continue;
    nlmsghdr h;
    memcpy(&h, batch[i].bytes.data(), sizeof h);
    h.nlmsg_flags = static_cast<uint16_t>(h.nlmsg_flags & ~NLM_F_ACK);
    memcpy(batch[i].bytes.data(), &h, sizeof h);
  }
}
}  // namespace

struct NlSender::State {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Item> queue;
  std::vector<Failure> failures;
  uv_async_t* async = nullptr;  // nulled under mu when the loop side goes away
  bool stop = false;
  UniqueFd fd;

  void run() {
    std::vector<Item> batch;
    std::vector<iovec> iov;
    for (;;) {
      {
        std::unique_lock<std::mutex> lk(mu);
        cv.wait(lk, [&] { return stop || !queue.empty(); });
        if (stop) {
          fd.reset();  // the socket closes now, not when the JS object is collected
          return;
        }
        size_t bytes = 0;
        batch.clear();
        while (!queue.empty() && batch.size() < kMaxBatchMessages &&
               (batch.empty() || bytes + queue.front().bytes.size() <= kMaxBatchBytes)) {
          if (queue.front().alone && !batch.empty()) break;
          bytes += queue.front().bytes.size();
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
          if (batch.back().alone) break;
        }
      }
      elide_acks(batch);
      iov.clear();
      for (auto& m : batch) iov.push_back(iovec{m.bytes.data(), m.bytes.size()});
      msghdr mh{};
      mh.msg_iov = iov.data();
      mh.msg_iovlen = iov.size();
      ssize_t r;
      do r = ::sendmsg(fd.get(), &mh, 0);
      while (r < 0 && errno == EINTR);
      if (r < 0) {
        Failure f{{}, errno};
        for (auto& m : batch) f.seqs.push_back(m.seq);
        std::lock_guard<std::mutex> lk(mu);
        failures.push_back(std::move(f));
        if (async) uv_async_send(async);
      }
    }
  }
};

NlSender::NlSender(uv_loop_t* loop, int fd, std::function<void()> on_failure)
    : state_(std::make_shared<State>()), on_failure_(std::move(on_failure)) {
  state_->fd.reset(fd);
  async_ = new uv_async_t;
  async_->data = this;
  uv_async_init(loop, async_, [](uv_async_t* a) {
    auto* self = static_cast<NlSender*>(a->data);
    if (self && self->on_failure_) self->on_failure_();
  });
  uv_unref(reinterpret_cast<uv_handle_t*>(async_));  // never keeps the process alive by itself
  state_->async = async_;
}

NlSender::~NlSender() { shutdown(); }

int NlSender::send(uint32_t seq, std::vector<uint8_t> bytes, Ack ack, bool alone) {
  if (!started_) {
    try {
      std::shared_ptr<State> st = state_;
      thread_ = std::thread([st] { st->run(); });
    } catch (const std::system_error& e) {
      return e.code().value() ? e.code().value() : EAGAIN;
    }
    started_ = true;
  }
  {
    std::lock_guard<std::mutex> lk(state_->mu);
    state_->queue.push_back(Item{seq, std::move(bytes), ack, alone});
  }
  state_->cv.notify_one();
  return 0;
}

void NlSender::report(Failure f) {
  std::lock_guard<std::mutex> lk(state_->mu);
  state_->failures.push_back(std::move(f));
  if (state_->async) uv_async_send(state_->async);
}

std::vector<NlSender::Failure> NlSender::take_failures() {
  std::lock_guard<std::mutex> lk(state_->mu);
  return std::move(state_->failures);
}

void NlSender::shutdown(bool teardown) {
  if (async_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lk(state_->mu);
    state_->stop = true;
    state_->queue.clear();
    state_->async = nullptr;
    if (!started_) state_->fd.reset();  // no thread to close it
  }
  state_->cv.notify_one();
  // Normally the thread finishes on its own (never wait for a send in
  // progress on the event loop); at teardown its code is about to go.
  if (thread_.joinable()) {
    if (teardown) thread_.join();
    else thread_.detach();
  }
  async_->data = nullptr;
  close_handle(async_, teardown);
  async_ = nullptr;
}

}  // namespace netloom
