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
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "unique_fd.h"

extern char** environ;

namespace {

constexpr size_t kMaxInput = 16u << 20;

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

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; i++) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool put_bytes(std::string& out, const std::string& s) {
  if (s.size() > kMaxInput) return false;
  put_u32(out, static_cast<uint32_t>(s.size()));
  out += s;
  return true;
}

// The spec's error object on stdout, exit 1.
int fail(int code, const std::string& msg) {
  std::string m;
  for (char c : msg) {
    if (c == '"' || c == '\\') m.push_back('\\');
    m.push_back(c);
  }
  printf("{\"cniVersion\":\"1.1.0\",\"code\":%d,\"msg\":\"%s\"}\n", code, m.c_str());
  return 1;
}

}  // namespace

int main() {
  const char* env_path = getenv("NETLOOM_CNI_SOCKET");
  std::string path = env_path != nullptr && *env_path != '\0' ? env_path : "/run/netloom/cni.sock";
  std::string input;
  char buf[65536];
  for (;;) {
    ssize_t r = ::read(0, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail(5, std::string("netloom-cni-shim: reading stdin: ") + strerror(errno));
    if (r == 0) break;
    input.append(buf, static_cast<size_t>(r));
    if (input.size() > kMaxInput) return fail(6, "netloom-cni-shim: the configuration on stdin is larger than 16 MiB");
  }
  std::vector<std::string> vars;
  for (char** e = environ; *e != nullptr; e++) {
    if (strncmp(*e, "CNI_", 4) == 0 || strncmp(*e, "PATH=", 5) == 0) vars.emplace_back(*e);
  }
  std::string req;
  put_u32(req, static_cast<uint32_t>(vars.size()));
  for (const auto& v : vars) put_bytes(req, v);
  put_bytes(req, input);

  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof sa.sun_path) return fail(4, "NETLOOM_CNI_SOCKET: the path is too long for a unix socket");
  memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  netloom::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail(5, std::string("netloom-cni-shim: socket: ") + strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    return fail(11, "the netloom CNI daemon is not running at " + path + " (" + strerror(errno) + "): start it with `netloom-cni daemon`");
  }
  if (!write_all(fd.get(), req.data(), req.size())) return fail(5, std::string("netloom-cni-shim: sending to the daemon: ") + strerror(errno));
  ::shutdown(fd.get(), SHUT_WR);
  uint8_t head[8];
  if (!read_all(fd.get(), head, sizeof head)) return fail(5, "netloom-cni-shim: the daemon closed the connection without an answer");
  uint32_t code = head[0] | head[1] << 8 | head[2] << 16 | static_cast<uint32_t>(head[3]) << 24;
  uint32_t len = head[4] | head[5] << 8 | head[6] << 16 | static_cast<uint32_t>(head[7]) << 24;
  if (len > kMaxInput) return fail(5, "netloom-cni-shim: the daemon's answer is larger than 16 MiB");
  std::string out(len, '\0');
  if (len > 0 && !read_all(fd.get(), out.data(), len)) return fail(5, "netloom-cni-shim: the daemon's answer was cut short");
  if (!write_all(1, out.data(), out.size())) return 5;
  return code > 255 ? 1 : static_cast<int>(code);
}
