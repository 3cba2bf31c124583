// The write side of one tun/tap queue: packets go to the kernel at once
// (write/writev, no copy); when the kernel answers EAGAIN they are copied
// into a queue, in order, and written when the fd polls writable — never
// dropped for lack of room. It also converts between record formats, so a
// forwarder can pipe between devices that differ in IFF_VNET_HDR: a plain
// packet gets an empty virtio header, and a GSO super-packet bound for a
// device without one is segmented (and partial checksums completed) here.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace netloom {

// How each record on a queue is laid out: [packet info][virtio_net_hdr][frame].
struct TunFormat {
  bool tap = false;
  uint8_t pi_len = 0;    // 4 without IFF_NO_PI
  uint8_t vnet_len = 0;  // 0, or TUNSETVNETHDRSZ (10, 12, ...)
  size_t hdr_len() const { return pi_len + vnet_len; }
  bool operator==(const TunFormat& o) const { return tap == o.tap && pi_len == o.pi_len && vnet_len == o.vnet_len; }
};

// The largest record a queue can produce or take: an IPv6 packet of 65535
// payload bytes plus its fixed header, in an Ethernet frame with two VLAN
// tags, plus packet info and virtio header. tun's MTU and GSO size are both
// capped at 64 KiB, so a read of this size is never truncated.
constexpr size_t kMaxFrame = 65535 + 40 + 14 + 8;
inline size_t max_record(const TunFormat& f) { return f.hdr_len() + kMaxFrame; }

// Per-queue counters, shared by the reader and the writer.
struct TunStats {
  uint64_t rx_packets = 0, rx_bytes = 0, rx_batches = 0;
  uint64_t tx_packets = 0, tx_bytes = 0;
  uint64_t tx_dropped = 0;   // refused by the kernel (or unsendable), not retried
  uint64_t tx_segmented = 0; // super-packets split on their way to a plain device
  int last_tx_error = 0;     // errno of the last refusal
};

class TunWriter {
 public:
  enum Result { kWritten, kQueued, kDropped };

  TunWriter(int fd, TunFormat fmt, TunStats& stats) : fd_(fd), fmt_(fmt), stats_(stats) {}
  void set_target(int fd, TunFormat fmt) {
    fd_ = fd;
    fmt_ = fmt;
  }

  // One record in format `src` (pi_len must match ours). Converts, writes
  // or queues. On kDropped, `err` holds the errno.
  Result write_record(const uint8_t* rec, size_t len, const TunFormat& src, int& err);
  // A frame with an optional virtio header given separately (`vnet` of
  // `vnet_len` bytes, or none: an empty header is sent on a vnet queue).
  // A packet-info header, if the queue has one, must lead `frame`.
  Result write_frame(const uint8_t* frame, size_t len, const uint8_t* vnet, size_t vnet_len, int& err);

  // Write what is queued. True once the queue is empty.
  bool flush();
  bool idle() const { return queue_.empty(); }
  size_t queued_packets() const { return queue_.size(); }
  size_t queued_bytes() const { return queued_bytes_; }
  // Forget what is queued (closing): counted as dropped.
  void discard();
  void detach_fd() { fd_ = -1; }

 private:
  Result emit(const iovec* iov, int n, int& err);
  Result write_segments(const uint8_t* pi, const uint8_t* vnet, const uint8_t* frame, size_t len, int& err);

  int fd_;
  TunFormat fmt_;
  TunStats& stats_;
  std::deque<std::vector<uint8_t>> queue_;
  size_t queued_bytes_ = 0;
  std::unique_ptr<uint8_t[]> scratch_;  // conversions and segments, made on first need
};

}  // namespace netloom
