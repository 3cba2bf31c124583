// The rtnetlink codec: the table-driven decoder, the Writer, and ACK/DONE parsing (see rtnl_codec.h).
#include "rtnl_codec.h"

#include <arpa/inet.h>
#include <endian.h>
#include <linux/netlink.h>

#include <cerrno>
#include <cstring>

#include "sockaddr_codec.h"

namespace netloom::rtnl {

using schema::AttrSetSpec;
using schema::AttrSpec;
using schema::Kind;
using schema::StructSpec;

namespace {

constexpr int kMaxDepth = 16;  // deeper than any real rtnetlink message; bounds hostile input
constexpr size_t kAlign = NLA_ALIGNTO;

size_t align(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

uint64_t load_uint(const uint8_t* p, size_t n, bool be) {
  switch (n) {
    case 1: return p[0];
    case 2: { uint16_t v; memcpy(&v, p, 2); return be ? be16toh(v) : v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return be ? be32toh(v) : v; }
    case 8: { uint64_t v; memcpy(&v, p, 8); return be ? be64toh(v) : v; }
    default: return 0;
  }
}

int64_t load_sint(const uint8_t* p, size_t n, bool be) {
  uint64_t u = load_uint(p, n, be);
  switch (n) {
    case 1: return static_cast<int8_t>(u);
    case 2: return static_cast<int16_t>(u);
    case 4: return static_cast<int32_t>(u);
    default: return static_cast<int64_t>(u);
  }
}

size_t int_width(Kind k) {
  switch (k) {
    case Kind::U8: case Kind::S8: return 1;
    case Kind::U16: case Kind::S16: return 2;
    case Kind::U32: case Kind::S32: return 4;
    case Kind::U64: case Kind::S64: return 8;
    default: return 0;
  }
}

bool is_signed(Kind k) { return k == Kind::S8 || k == Kind::S16 || k == Kind::S32 || k == Kind::S64 || k == Kind::Sint; }

// One scalar-ish payload (an attribute's, an array element's or a struct
// member's) under `key`. Returns false if the payload does not fit the kind,
// so the caller can keep it as raw bytes instead of inventing a value.
bool emit_scalar(Kind kind, bool be, const char* key, const uint8_t* p, size_t n, Sink& sink) {
  char text[64];
  switch (kind) {
    case Kind::U8: case Kind::U16: case Kind::U32: case Kind::U64:
    case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64: {
      size_t w = int_width(kind);
      if (n < w) return false;
      if (is_signed(kind)) sink.sint(key, load_sint(p, w, be));
      else sink.uint(key, load_uint(p, w, be));
      return true;
    }
    case Kind::Uint: case Kind::Sint:
      if (n != 4 && n != 8) return false;
      if (kind == Kind::Sint) sink.sint(key, load_sint(p, n, be));
      else sink.uint(key, load_uint(p, n, be));
      return true;
    case Kind::String: {
      const void* nul = memchr(p, 0, n);
      sink.text(key, reinterpret_cast<const char*>(p), nul ? static_cast<const uint8_t*>(nul) - p : n);
      return true;
    }
    case Kind::Mac:
      if (n == 0 || n > 20) return false;
      sink.text(key, text, format_hwaddr(p, n, text));
      return true;
    case Kind::Ipv4: case Kind::Ipv6: case Kind::IpAny: {
      if ((kind == Kind::Ipv4 && n != 4) || (kind == Kind::Ipv6 && n != 16) || (n != 4 && n != 16)) return false;
      size_t len = format_ip(p, n, text, sizeof text);
      if (len == 0) return false;
      sink.text(key, text, len);
      return true;
    }
    case Kind::Flag:
      // Some attributes are accepted as flags but reported with a value
      // (IFLA_VXLAN_TTL_INHERIT comes back as a u8): give the value then.
      if (n == 0) sink.flag(key);
      else if (n == 1 || n == 2 || n == 4 || n == 8) sink.uint(key, load_uint(p, n, false));
      else return false;
      return true;
    case Kind::Bitfield32:
      if (n < 8) return false;
      sink.begin_object(key);
      sink.uint("value", load_uint(p, 4, false));
      sink.uint("selector", load_uint(p + 4, 4, false));
      sink.end_object();
      return true;
    case Kind::Binary:
      sink.bytes(key, p, n);
      return true;
    case Kind::Sockaddr:
      return sockaddr::decode(p, n, key, sink);
    default:
      return false;
  }
}

void decode_struct(const StructSpec& st, const uint8_t* p, size_t n, Sink& sink) {
  for (uint16_t i = 0; i < st.nfields; i++) {
    const schema::StructField& f = st.fields[i];
    if (f.name == nullptr || f.kind == Kind::Pad) continue;
    size_t w = int_width(f.kind);
    size_t len = w ? w : f.len;
    // Older kernels send shorter versions of growing structs: decode what is there.
    if (static_cast<size_t>(f.offset) + len > n) continue;
    if (!emit_scalar(f.kind, f.big_endian, f.name, p + f.offset, len, sink)) sink.bytes(f.name, p + f.offset, len);
  }
}

// Walks the attributes in [p, p+len): calls fn(type, payload, payload_len, raw_type).
template <typename Fn>
void for_each_attr(const uint8_t* p, size_t len, Fn&& fn) {
  while (len >= NLA_HDRLEN) {
    uint16_t alen, atype;
    memcpy(&alen, p, 2);
    memcpy(&atype, p + 2, 2);
    if (alen < NLA_HDRLEN || alen > len) return;  // malformed: stop, keep what was read
    fn(static_cast<uint16_t>(atype & NLA_TYPE_MASK), p + NLA_HDRLEN, alen - NLA_HDRLEN);
    size_t step = align(alen);
    if (step >= len) return;
    p += step;
    len -= step;
  }
}

// The string value of the attribute `type` in [p, p+len), for sub-message selectors.
std::string find_string_attr(const uint8_t* p, size_t len, uint16_t type) {
  std::string out;
  for_each_attr(p, len, [&](uint16_t t, const uint8_t* v, size_t n) {
    if (t != type) return;
    const void* nul = memchr(v, 0, n);
    out.assign(reinterpret_cast<const char*>(v), nul ? static_cast<const uint8_t*>(nul) - v : n);
  });
  return out;
}

// A nest's payload: optional fixed header, then attributes of `set`.
void decode_nest_body(const StructSpec* fixed, const AttrSetSpec* set, const uint8_t* p, size_t n, Sink& sink, int depth) {
  if (fixed) {
    sink.begin_object("header");
    decode_struct(*fixed, p, n, sink);
    sink.end_object();
    size_t skip = align(fixed->size);
    p = n > skip ? p + skip : p + n;
    n = n > skip ? n - skip : 0;
    sink.begin_object("attrs");
    decode_attrs(set, p, n, sink, depth + 1);
    sink.end_object();
  } else {
    decode_attrs(set, p, n, sink, depth + 1);
  }
}

void decode_element(const AttrSpec& a, const char* key, const uint8_t* p, size_t n, Sink& sink, int depth) {
  // An indexed-array element: a nest of the nested set, or a scalar of `elem`.
  if (a.elem == Kind::Nest) {
    sink.begin_object(key);
    if (depth < kMaxDepth) decode_attrs(a.nested, p, n, sink, depth + 1);
    sink.end_object();
  } else if (!emit_scalar(a.elem, a.big_endian, key, p, n, sink)) {
    sink.bytes(key, p, n);
  }
}

// One attribute of `set` (whose whole payload is [set_p, set_p+set_len), for
// sub-message selectors) under `key`.
void decode_one(const AttrSetSpec& set, const AttrSpec& a, const uint8_t* set_p, size_t set_len, const char* key,
                const uint8_t* p, size_t n, Sink& sink, int depth) {
  switch (a.kind) {
    case Kind::Nest:
      sink.begin_object(key);
      if (depth < kMaxDepth) decode_nest_body(a.fixed, a.nested, p, n, sink, depth);
      sink.end_object();
      return;
    case Kind::Struct:
      if (a.fixed == nullptr) break;
      sink.begin_object(key);
      decode_struct(*a.fixed, p, n, sink);
      sink.end_object();
      return;
    case Kind::StructArray: {
      // Whole structs only; anything else is kept as bytes.
      if (a.fixed == nullptr || a.fixed->size == 0 || n % a.fixed->size != 0) break;
      sink.begin_array(key);
      for (size_t off = 0; off < n; off += a.fixed->size) {
        sink.begin_object(nullptr);
        decode_struct(*a.fixed, p + off, a.fixed->size, sink);
        sink.end_object();
      }
      sink.end_array();
      return;
    }
    case Kind::IndexedArray:
      sink.begin_array(key);
      if (depth < kMaxDepth)
        for_each_attr(p, n, [&](uint16_t, const uint8_t* v, size_t vn) { decode_element(a, nullptr, v, vn, sink, depth + 1); });
      sink.end_array();
      return;
    case Kind::SubMessage: {
      // The format is named by a sibling (IFLA_INFO_KIND for IFLA_INFO_DATA).
      const AttrSpec* sel = (a.sub && a.selector) ? schema::find_attr(set, a.selector) : nullptr;
      if (sel == nullptr) break;
      std::string value = find_string_attr(set_p, set_len, sel->type);
      const schema::SubFormat* f = schema::find_format(*a.sub, value.data(), value.size());
      if (f == nullptr) break;  // a kind the tables do not know: keep the bytes
      sink.begin_object(key);
      if (depth < kMaxDepth) {
        if (f->set) decode_nest_body(f->fixed, f->set, p, n, sink, depth);
        else if (n > 0) sink.unknown(0, p, n);
      }
      sink.end_object();
      return;
    }
    case Kind::Pad:
      return;
    default:
      if (emit_scalar(a.kind, a.big_endian, key, p, n, sink)) return;
      break;
  }
  sink.bytes(key, p, n);
}

}  // namespace

void decode_attrs(const AttrSetSpec* set, const uint8_t* p, size_t len, Sink& sink, int depth) {
  if (set == nullptr) {
    for_each_attr(p, len, [&](uint16_t t, const uint8_t* v, size_t n) { sink.unknown(t, v, n); });
    return;
  }
  // Multi-attributes repeat; they become one array, emitted at the first
  // occurrence. The list of types already emitted stays tiny in practice.
  uint16_t done_multi[8];
  size_t ndone = 0;
  const uint8_t* const set_p = p;
  const size_t set_len = len;
  for_each_attr(p, len, [&](uint16_t t, const uint8_t* v, size_t n) {
    const AttrSpec* a = schema::find_attr(*set, t);
    if (a == nullptr || a->name == nullptr) {
      sink.unknown(t, v, n);
      return;
    }
    if (!a->multi) {
      decode_one(*set, *a, set_p, set_len, a->name, v, n, sink, depth);
      return;
    }
    for (size_t i = 0; i < ndone; i++)
      if (done_multi[i] == t) return;
    if (ndone < sizeof done_multi / sizeof done_multi[0]) done_multi[ndone++] = t;
    sink.begin_array(a->name);
    // From this occurrence (v - NLA_HDRLEN) to the end of the set.
    const uint8_t* from = v - NLA_HDRLEN;
    for_each_attr(from, set_len - static_cast<size_t>(from - set_p), [&](uint16_t t2, const uint8_t* v2, size_t n2) {
      if (t2 == t) decode_one(*set, *a, set_p, set_len, nullptr, v2, n2, sink, depth);
    });
    sink.end_array();
  });
}

void decode_message(const uint8_t* msg, size_t len, Sink& sink, int64_t netnsid) {
  nlmsghdr h{};
  if (len >= NLMSG_HDRLEN) memcpy(&h, msg, sizeof h);
  decode_message_as(len >= NLMSG_HDRLEN ? schema::find_message(h.nlmsg_type) : nullptr, msg, len, sink, netnsid);
}

void decode_message_as(const schema::MessageSpec* m, const uint8_t* msg, size_t len, Sink& sink, int64_t netnsid) {
  const auto close = [&] {
    if (netnsid != kNoNetnsid) sink.sint("netnsid", netnsid);
    sink.end_object();
  };
  sink.begin_object(nullptr);
  if (len < NLMSG_HDRLEN) {
    sink.bytes("payload", msg, len);
    close();
    return;
  }
  nlmsghdr h;
  memcpy(&h, msg, sizeof h);
  size_t total = h.nlmsg_len < len ? h.nlmsg_len : len;
  if (total < NLMSG_HDRLEN) total = NLMSG_HDRLEN;
  const uint8_t* p = msg + NLMSG_HDRLEN;
  size_t n = total - NLMSG_HDRLEN;
  sink.uint("type", h.nlmsg_type);
  sink.uint("flags", h.nlmsg_flags);
  if (m == nullptr) {
    sink.begin_object("header");
    sink.end_object();
    sink.begin_object("attrs");
    sink.end_object();
    sink.bytes("payload", p, n);
    close();
    return;
  }
  sink.begin_object("header");
  if (m->header) decode_struct(*m->header, p, n, sink);
  sink.end_object();
  size_t skip = m->header ? NLMSG_ALIGN(m->header->size) : 0;
  sink.begin_object("attrs");
  if (n > skip) decode_attrs(m->attrs, p + skip, n - skip, sink, 0);
  sink.end_object();
  close();
}

// ---------------------------------------------------------------- writer

size_t Writer::begin_message(uint16_t type, uint16_t flags, uint32_t seq) {
  size_t start = reserve(sizeof(nlmsghdr));
  nlmsghdr h{};
  h.nlmsg_type = type;
  h.nlmsg_flags = flags;
  h.nlmsg_seq = seq;
  memcpy(at(start), &h, sizeof h);
  return start;
}

void Writer::end_message(size_t start) {
  uint32_t len = static_cast<uint32_t>(buf_.size() - start);
  memcpy(at(start), &len, sizeof len);
}

size_t Writer::reserve(size_t n) {
  size_t off = buf_.size();
  buf_.resize(off + align(n), 0);
  return off;
}

void Writer::attr(uint16_t type, const void* data, size_t len) {
  size_t off = reserve(NLA_HDRLEN + len);
  uint16_t alen = static_cast<uint16_t>(NLA_HDRLEN + len);
  memcpy(at(off), &alen, 2);
  memcpy(at(off + 2), &type, 2);
  if (len) memcpy(at(off + NLA_HDRLEN), data, len);
}

size_t Writer::begin_nest(uint16_t type) {
  // NLA_F_NESTED on every nest: strictly parsed attributes require it (the
  // kernel refuses IFLA_PROP_LIST without it), and the legacy parsers mask it
  // off, so it is right everywhere.
  size_t off = reserve(NLA_HDRLEN);
  uint16_t t = static_cast<uint16_t>(type | NLA_F_NESTED);
  memcpy(at(off + 2), &t, 2);
  return off;
}

void Writer::end_nest(size_t start) {
  uint16_t alen = static_cast<uint16_t>(buf_.size() - start);
  memcpy(at(start), &alen, 2);
}

// ---------------------------------------------------------------- acks

namespace {

void parse_extack(const uint8_t* p, size_t n, AckInfo& out) {
  for_each_attr(p, n, [&](uint16_t t, const uint8_t* v, size_t vn) {
    if (t == NLMSGERR_ATTR_MSG) {
      const void* nul = memchr(v, 0, vn);
      out.msg.assign(reinterpret_cast<const char*>(v), nul ? static_cast<const uint8_t*>(nul) - v : vn);
    } else if (t == NLMSGERR_ATTR_OFFS && vn >= 4) {
      out.offset = static_cast<long>(load_uint(v, 4, false));
    }
  });
}

// The kernel sends -errno (1..4095, its MAX_ERRNO). Anything else is a
// damaged message: EPROTO, and never -INT_MIN.
int errno_of(int wire) {
  if (wire <= 0 && wire > -4096) return -wire;
  if (wire > 0 && wire < 4096) return wire;
  return EPROTO;
}

}  // namespace

bool parse_error(const uint8_t* msg, size_t len, AckInfo& out) {
  if (len < NLMSG_HDRLEN + sizeof(nlmsgerr)) return false;
  nlmsghdr h;
  memcpy(&h, msg, sizeof h);
  nlmsgerr e;
  memcpy(&e, msg + NLMSG_HDRLEN, sizeof e);
  out.error = errno_of(e.error);
  if (!(h.nlmsg_flags & NLM_F_ACK_TLVS)) return true;
  // The TLVs follow the echoed request: just its header when the kernel
  // capped it (NETLINK_CAP_ACK), the whole request otherwise.
  size_t off = NLMSG_HDRLEN + sizeof(int);
  off += (h.nlmsg_flags & NLM_F_CAPPED) ? NLMSG_HDRLEN : NLMSG_ALIGN(e.msg.nlmsg_len);
  size_t total = h.nlmsg_len < len ? h.nlmsg_len : len;
  if (off < total) parse_extack(msg + off, total - off, out);
  return true;
}

bool parse_done(const uint8_t* msg, size_t len, AckInfo& out) {
  if (len < NLMSG_HDRLEN) return false;
  nlmsghdr h;
  memcpy(&h, msg, sizeof h);
  size_t total = h.nlmsg_len < len ? h.nlmsg_len : len;
  if (total < NLMSG_HDRLEN + sizeof(int)) return true;
  int err;
  memcpy(&err, msg + NLMSG_HDRLEN, sizeof err);
  out.error = errno_of(err);
  if (h.nlmsg_flags & NLM_F_ACK_TLVS) {
    size_t off = NLMSG_HDRLEN + sizeof(int);
    if (off < total) parse_extack(msg + off, total - off, out);
  }
  return true;
}

}  // namespace netloom::rtnl
