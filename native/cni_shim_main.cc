// netloom-cni-shim: the CNI plugin executable a runtime runs for every
// container, kept tiny: it hands the invocation (the CNI_* environment, PATH
// and stdin) to the resident netloom CNI daemon (`netloom-cni daemon`) over a
// unix socket and prints what the daemon answers, with its exit code. So an
// ADD costs the plugin's work, not a Node start-up. When no daemon listens
// it answers the spec's "try again later" (code 11) error object.
//
//   NETLOOM_CNI_SOCKET   the daemon's socket (default /run/netloom/cni.sock)
//
// Wire format, both ways little-endian u32 lengths: request = count, then
// that many "KEY=VALUE" strings (length + bytes), then stdin (length +
// bytes); answer = exit code, then stdout (length + bytes).
//
// It runs once per ADD/DEL/CHECK, so its start-up is on every runtime's
// critical path: it links against libc alone (no libstdc++, no exceptions;
// binding.gyp drops the unused libraries), which saves the dynamic loader
// about a millisecond of relocating libstdc++ per exec.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "unique_fd.h"

extern char** environ;

namespace {

constexpr size_t kMaxInput = 16u << 20;

// A growable byte buffer owning its malloc'd storage (freed on every path).
// Every method returns false (or null) when memory runs out.
class Bytes {
 public:
  Bytes() = default;
  Bytes(const Bytes&) = delete;
  Bytes& operator=(const Bytes&) = delete;
  ~Bytes() { free(data_); }

  bool append(const void* p, size_t n) {
    char* at = extend(n);
    if (at == nullptr) return false;
    if (n > 0) memcpy(at, p, n);
    return true;
  }
  bool put_u32(uint32_t v) {
    const unsigned char b[4] = {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v >> 16), static_cast<unsigned char>(v >> 24)};
    return append(b, sizeof b);
  }
  // A length-prefixed field.
  bool put_field(const void* p, size_t n) { return n <= kMaxInput && put_u32(static_cast<uint32_t>(n)) && append(p, n); }
  // `n` more bytes at the end, counted as written: the caller fills them.
  // Never null but when memory ran out, even for n == 0 on a new buffer.
  char* extend(size_t n) {
    if (data_ == nullptr || size_ + n > cap_) {
      size_t cap = cap_ == 0 ? 4096 : cap_;
      while (cap < size_ + n) cap *= 2;
      void* grown = realloc(data_, cap);
      if (grown == nullptr) return nullptr;
      data_ = static_cast<char*>(grown);
      cap_ = cap;
    }
    char* at = data_ + size_;
    size_ += n;
    return at;
  }

  const char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

bool write_all(int fd, const void* p, size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    ssize_t w = ::write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    c += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, void* p, size_t n) {
  char* c = static_cast<char*>(p);
  while (n > 0) {
    ssize_t r = ::read(fd, c, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    c += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// The spec's error object on stdout, exit 1: `what` and, when given, `detail`
// (a path or an errno text), JSON-escaped.
int fail(int code, const char* what, const char* detail = nullptr, const char* tail = nullptr) {
  printf("{\"cniVersion\":\"1.1.0\",\"code\":%d,\"msg\":\"", code);
  for (const char* part : {what, detail, tail}) {
    for (const char* c = part; c != nullptr && *c != '\0'; c++) {
      if (*c == '"' || *c == '\\') putchar('\\');
      putchar(*c);
    }
  }
  printf("\"}\n");
  return 1;
}

// The environment the daemon needs: the CNI_* variables and PATH.
bool forwarded(const char* var) { return strncmp(var, "CNI_", 4) == 0 || strncmp(var, "PATH=", 5) == 0; }

}  // namespace

int main() {
  const char* env_path = getenv("NETLOOM_CNI_SOCKET");
  const char* path = env_path != nullptr && *env_path != '\0' ? env_path : "/run/netloom/cni.sock";
  Bytes input;
  char buf[65536];
  for (;;) {
    ssize_t r = ::read(0, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail(5, "netloom-cni-shim: reading stdin: ", strerror(errno));
    if (r == 0) break;
    if (input.size() + static_cast<size_t>(r) > kMaxInput) return fail(6, "netloom-cni-shim: the configuration on stdin is larger than 16 MiB");
    if (!input.append(buf, static_cast<size_t>(r))) return fail(5, "netloom-cni-shim: out of memory");
  }
  uint32_t count = 0;
  for (char** e = environ; *e != nullptr; e++) {
    if (forwarded(*e)) count++;
  }
  Bytes req;
  bool ok = req.put_u32(count);
  for (char** e = environ; ok && *e != nullptr; e++) {
    if (forwarded(*e)) ok = req.put_field(*e, strlen(*e));
  }
  if (!ok || !req.put_field(input.data(), input.size())) return fail(5, "netloom-cni-shim: out of memory");

  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  size_t path_len = strlen(path);
  if (path_len >= sizeof sa.sun_path) return fail(4, "NETLOOM_CNI_SOCKET: the path is too long for a unix socket");
  memcpy(sa.sun_path, path, path_len + 1);
  netloom::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail(5, "netloom-cni-shim: socket: ", strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    char why[256];
    snprintf(why, sizeof why, " (%s): start it with `netloom-cni daemon`", strerror(errno));
    return fail(11, "the netloom CNI daemon is not running at ", path, why);
  }
  if (!write_all(fd.get(), req.data(), req.size())) return fail(5, "netloom-cni-shim: sending to the daemon: ", strerror(errno));
  ::shutdown(fd.get(), SHUT_WR);
  uint8_t head[8];
  if (!read_all(fd.get(), head, sizeof head)) return fail(5, "netloom-cni-shim: the daemon closed the connection without an answer");
  uint32_t code = head[0] | head[1] << 8 | head[2] << 16 | static_cast<uint32_t>(head[3]) << 24;
  uint32_t len = head[4] | head[5] << 8 | head[6] << 16 | static_cast<uint32_t>(head[7]) << 24;
  if (len > kMaxInput) return fail(5, "netloom-cni-shim: the daemon's answer is larger than 16 MiB");
  Bytes out;
  char* room = out.extend(len);
  if (room == nullptr) return fail(5, "netloom-cni-shim: out of memory");
  if (len > 0 && !read_all(fd.get(), room, len)) return fail(5, "netloom-cni-shim: the daemon's answer was cut short");
  if (!write_all(1, out.data(), out.size())) return 5;
  return code > 255 ? 1 : static_cast<int>(code);
}
