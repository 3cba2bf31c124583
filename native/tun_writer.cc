// The write side of one tun/tap queue: now, or queued after EAGAIN (see tun_writer.h).
#include "tun_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vnet.h"

namespace netloom {

namespace {
constexpr size_t kMaxVnetLen = 64;  // TUNSETVNETHDRSZ accepts any size >= 10; netloom caps it here
}

TunWriter::Result TunWriter::emit(const iovec* iov, int n, int& err) {
  size_t total = 0;
  for (int i = 0; i < n; i++) total += iov[i].iov_len;
  auto enqueue = [&] {
    std::vector<uint8_t> copy;
    copy.reserve(total);
    for (int i = 0; i < n; i++) {
      auto* b = static_cast<const uint8_t*>(iov[i].iov_base);
      copy.insert(copy.end(), b, b + iov[i].iov_len);
    }
    queued_bytes_ += total;
    queue_.push_back(std::move(copy));
    return kQueued;
  };
  // Order is kept: once anything waits, everything after it waits too.
  if (!queue_.empty()) return enqueue();
  if (fd_ < 0) {
    err = EBADF;
    stats_.tx_dropped++;
    stats_.last_tx_error = err;
    return kDropped;
  }
  for (;;) {
    // One piece (the common case: a record passed through) is a plain write.
    ssize_t r = n == 1 ? ::write(fd_, iov[0].iov_base, iov[0].iov_len) : ::writev(fd_, iov, n);
    if (r >= 0) {
      stats_.tx_packets++;
      stats_.tx_bytes += total;
      return kWritten;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return enqueue();
    err = errno;
    stats_.tx_dropped++;
    stats_.last_tx_error = err;
    return kDropped;
  }
}

TunWriter::Result TunWriter::write_record(const uint8_t* rec, size_t len, const TunFormat& src, int& err) {
  if (len <= src.hdr_len() || src.pi_len != fmt_.pi_len || src.tap != fmt_.tap || src.vnet_len > kMaxVnetLen) {
    err = EINVAL;
    stats_.tx_dropped++;
    stats_.last_tx_error = err;
    return kDropped;
  }
  const uint8_t* vnet = rec + src.pi_len;
  const uint8_t* frame = rec + src.hdr_len();
  size_t flen = len - src.hdr_len();
  if (src.vnet_len == fmt_.vnet_len) {
    iovec iov{const_cast<uint8_t*>(rec), len};
    return emit(&iov, 1, err);
  }
  if (fmt_.vnet_len > 0) {
    // Ours has a virtio header, theirs none or one of another size: the
    // standard 10 bytes carry over, the rest (num_buffers) is zero.
    uint8_t hdr[kMaxVnetLen] = {};
    if (src.vnet_len > 0) memcpy(hdr, vnet, src.vnet_len < vnet::header_size() ? src.vnet_len : vnet::header_size());
    iovec iov[3] = {{const_cast<uint8_t*>(rec), fmt_.pi_len}, {hdr, fmt_.vnet_len}, {const_cast<uint8_t*>(frame), flen}};
    return emit(iov, 3, err);
  }
  return write_segments(rec, vnet, frame, flen, err);
}

TunWriter::Result TunWriter::write_frame(const uint8_t* frame, size_t len, const uint8_t* vnet, size_t vnet_len, int& err) {
  if (len <= fmt_.pi_len || (vnet != nullptr && fmt_.vnet_len == 0)) {
    err = EINVAL;
    stats_.tx_dropped++;
    stats_.last_tx_error = err;
    return kDropped;
  }
  if (fmt_.vnet_len == 0) {
    iovec iov{const_cast<uint8_t*>(frame), len};
    return emit(&iov, 1, err);
  }
  uint8_t hdr[kMaxVnetLen] = {};
  if (vnet != nullptr) memcpy(hdr, vnet, vnet_len < fmt_.vnet_len ? vnet_len : fmt_.vnet_len);
  iovec iov[3] = {{const_cast<uint8_t*>(frame), fmt_.pi_len}, {hdr, fmt_.vnet_len}, {const_cast<uint8_t*>(frame + fmt_.pi_len), len - fmt_.pi_len}};
  return emit(iov, 3, err);
}

// A packet with a virtio header, for a device without one: the kernel on
// the other side will not segment or checksum it, so do it here.
TunWriter::Result TunWriter::write_segments(const uint8_t* pi, const uint8_t* vnet_hdr, const uint8_t* frame, size_t len, int& err) {
  auto drop = [&](int e) {
    err = e;
    stats_.tx_dropped++;
    stats_.last_tx_error = e;
    return kDropped;
  };
  if (len > kMaxFrame) return drop(EMSGSIZE);
  vnet::Header h = vnet::parse(vnet_hdr);
  bool gso = vnet::is_gso(h);
  bool csum = vnet::needs_csum(h);
  if (!gso && !csum) {
    iovec iov[2] = {{const_cast<uint8_t*>(pi), fmt_.pi_len}, {const_cast<uint8_t*>(frame), len}};
    return emit(iov, 2, err);
  }
  if (!scratch_) scratch_.reset(new uint8_t[kMaxFrame]);
  if (!gso) {
    memcpy(scratch_.get(), frame, len);
    if (vnet::complete_checksum(scratch_.get(), len, h.csum_start, h.csum_offset) != nullptr) return drop(EINVAL);
    iovec iov[2] = {{const_cast<uint8_t*>(pi), fmt_.pi_len}, {scratch_.get(), len}};
    return emit(iov, 2, err);
  }
  vnet::Plan p;
  if (vnet::plan(h, frame, len, fmt_.tap, p) != nullptr) return drop(EINVAL);
  stats_.tx_segmented++;
  Result worst = kWritten;
  for (size_t k = 0; k < p.count; k++) {
    size_t n = vnet::build_segment(p, frame, k, scratch_.get());
    iovec iov[2] = {{const_cast<uint8_t*>(pi), fmt_.pi_len}, {scratch_.get(), n}};
    Result r = emit(iov, 2, err);
    if (r == kDropped) worst = kDropped;
    else if (r == kQueued && worst == kWritten) worst = kQueued;
  }
  return worst;
}

bool TunWriter::flush() {
  while (!queue_.empty()) {
    const std::vector<uint8_t>& front = queue_.front();
    ssize_t r = fd_ < 0 ? (errno = EBADF, -1) : ::write(fd_, front.data(), front.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
    if (r < 0) {
      stats_.tx_dropped++;
      stats_.last_tx_error = errno;
    } else {
      stats_.tx_packets++;
      stats_.tx_bytes += front.size();
    }
    queued_bytes_ -= front.size();
    queue_.pop_front();
  }
  return true;
}

void TunWriter::discard() {
  stats_.tx_dropped += queue_.size();
  queue_.clear();
  queued_bytes_ = 0;
}

}  // namespace netloom
