// flock(2) for Node (see file_lock.h).
#include "file_lock.h"

#include <sys/file.h>

#include <cerrno>

#include "errors.h"

namespace netloom {

Napi::Value Flock(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsBoolean() || !info[2].IsBoolean()) throw_type_error(env, "flock(fd, exclusive, wait): fd a number, exclusive and wait booleans");
  int fd = info[0].As<Napi::Number>().Int32Value();
  int op = (info[1].As<Napi::Boolean>().Value() ? LOCK_EX : LOCK_SH) | (info[2].As<Napi::Boolean>().Value() ? 0 : LOCK_NB);
  for (;;) {
    if (::flock(fd, op) == 0) return Napi::Boolean::New(env, true);
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK && (op & LOCK_NB) != 0) return Napi::Boolean::New(env, false);
    throw errno_error(env, errno, "flock");
  }
}

}  // namespace netloom
