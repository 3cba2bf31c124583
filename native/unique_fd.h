// One owner per file descriptor: closes on destruction, moves, never copies.
#pragma once

#include <unistd.h>

#include <utility>

namespace netloom {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(std::exchange(o.fd_, -1));
    return *this;
  }
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }

  // Give up ownership without closing.
  int release() { return std::exchange(fd_, -1); }

  // Close the current fd (if any) and own `fd` instead. close(2) errors are
  // ignored on purpose: the fd is gone either way on Linux, and retrying
  // could close an fd another thread just got.
  void reset(int fd = -1) {
    int old = std::exchange(fd_, fd);
    if (old >= 0) ::close(old);
  }

 private:
  int fd_ = -1;
};

}  // namespace netloom
