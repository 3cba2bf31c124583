// An LD_PRELOAD shim for tools/capture-wg.mjs: stands in for the kernel on
// `wg`'s NETLINK_GENERIC socket, so the requests wireguard-tools sends can be
// recorded on a kernel without the wireguard family. wg's embedded libmnl
// uses socket, bind, getsockname, sendto, recvmsg and close (see
// wireguard-tools' src/netlink.h); for a NETLINK_GENERIC socket this hands
// out one end of an AF_UNIX datagram pair instead, appends every datagram
// sent to the file named by $NETLOOM_WG_CAPTURE (one hex line each), and
// answers on the other end the way the kernel would: CTRL_CMD_GETFAMILY for
// "wireguard" with a family of id $NETLOOM_WG_FAMILY_ID, every other request
// with an ACK, a dump with NLMSG_DONE. No other socket is touched.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SHIM_PORTID 4242u

static int fake_fd = -1;  // wg opens one generic netlink socket at a time
static int peer_fd = -1;

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

static void record(const void *buf, size_t len) {
  const char *path = getenv("NETLOOM_WG_CAPTURE");
  if (path == NULL) return;
  FILE *f = fopen(path, "a");
  if (f == NULL) return;
  for (size_t i = 0; i < len; i++) fprintf(f, "%02x", ((const uint8_t *)buf)[i]);
  fputc('\n', f);
  fclose(f);
}

struct reply {
  uint8_t buf[512];
  size_t len;
};

static void put_attr(struct reply *r, uint16_t type, const void *data, uint16_t len) {
  struct nlattr a = {.nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type};
  memcpy(r->buf + r->len, &a, sizeof a);
  memcpy(r->buf + r->len + NLA_HDRLEN, data, len);
  r->len += NLA_ALIGN(NLA_HDRLEN + len);
}

static void begin(struct reply *r, uint16_t type, uint16_t flags, uint32_t seq) {
  memset(r, 0, sizeof *r);
  struct nlmsghdr h = {.nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq, .nlmsg_pid = SHIM_PORTID};
  memcpy(r->buf, &h, sizeof h);
  r->len = NLMSG_HDRLEN;
}

static void finish(struct reply *r) {
  uint32_t len = (uint32_t)r->len;
  memcpy(r->buf, &len, sizeof len);
  send(peer_fd, r->buf, r->len, 0);
}

// NLMSG_ERROR with error 0 (an ACK) or NLMSG_DONE, each with an int 0 after the header.
static void answer(uint16_t type, const struct nlmsghdr *req) {
  struct reply r;
  begin(&r, type, type == NLMSG_DONE ? NLM_F_MULTI : 0, req->nlmsg_seq);
  if (type == NLMSG_ERROR) {
    struct nlmsgerr e = {.error = 0, .msg = *req};
    memcpy(r.buf + r.len, &e, sizeof e);
    r.len += sizeof e;
  } else {
    r.len += sizeof(int);
  }
  finish(&r);
}

static void new_family(const struct nlmsghdr *req) {
  const char *id_text = getenv("NETLOOM_WG_FAMILY_ID");
  uint16_t id = (uint16_t)(id_text ? atoi(id_text) : 42);
  uint32_t version = 1, hdrsize = 0, maxattr = 8;
  struct reply r;
  begin(&r, GENL_ID_CTRL, 0, req->nlmsg_seq);
  struct genlmsghdr g = {.cmd = CTRL_CMD_NEWFAMILY, .version = 2};
  memcpy(r.buf + r.len, &g, sizeof g);
  r.len += GENL_HDRLEN;
  put_attr(&r, CTRL_ATTR_FAMILY_NAME, "wireguard", 10);
  put_attr(&r, CTRL_ATTR_FAMILY_ID, &id, sizeof id);
  put_attr(&r, CTRL_ATTR_VERSION, &version, sizeof version);
  put_attr(&r, CTRL_ATTR_HDRSIZE, &hdrsize, sizeof hdrsize);
  put_attr(&r, CTRL_ATTR_MAXATTR, &maxattr, sizeof maxattr);
  finish(&r);
}

static void respond(const uint8_t *buf, size_t len) {
  while (len >= NLMSG_HDRLEN) {
    struct nlmsghdr h;
    memcpy(&h, buf, sizeof h);
    if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len) return;
    const struct genlmsghdr *g = (const void *)(buf + NLMSG_HDRLEN);
    if (h.nlmsg_type == GENL_ID_CTRL && h.nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN && g->cmd == CTRL_CMD_GETFAMILY) new_family(&h);
    if (h.nlmsg_flags & NLM_F_DUMP) answer(NLMSG_DONE, &h);
    else if (h.nlmsg_flags & NLM_F_ACK) answer(NLMSG_ERROR, &h);
    size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= len) return;
    buf += step;
    len -= step;
  }
}

int socket(int domain, int type, int protocol) {
  if (domain != AF_NETLINK || protocol != NETLINK_GENERIC) return REAL(socket)(domain, type, protocol);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) != 0) return -1;
  fake_fd = sv[0];
  peer_fd = sv[1];
  return fake_fd;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  if (fd == fake_fd) return 0;
  return REAL(bind)(fd, addr, len);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len) {
  if (fd != fake_fd) return REAL(getsockname)(fd, addr, len);
  struct sockaddr_nl nl = {.nl_family = AF_NETLINK, .nl_pid = SHIM_PORTID};
  size_t n = *len < sizeof nl ? *len : sizeof nl;
  memcpy(addr, &nl, n);
  *len = sizeof nl;
  return 0;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *dest, socklen_t dest_len) {
  if (fd != fake_fd) return REAL(sendto)(fd, buf, len, flags, dest, dest_len);
  record(buf, len);
  respond(buf, len);
  return (ssize_t)len;
}

// The kernel's answers come "from" port 0, as libmnl checks.
ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
  if (fd != fake_fd) return REAL(recvmsg)(fd, msg, flags);
  void *name = msg->msg_name;
  socklen_t name_len = msg->msg_namelen;
  msg->msg_name = NULL;
  msg->msg_namelen = 0;
  ssize_t n = REAL(recvmsg)(fd, msg, flags);
  msg->msg_name = name;
  struct sockaddr_nl from = {.nl_family = AF_NETLINK};
  if (name != NULL && name_len >= sizeof from) memcpy(name, &from, sizeof from);
  msg->msg_namelen = sizeof from;
  return n;
}

int close(int fd) {
  if (fd == fake_fd && fd >= 0) {
    REAL(close)(peer_fd);
    fake_fd = peer_fd = -1;
  }
  return REAL(close)(fd);
}
