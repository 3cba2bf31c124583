// errno and kernel NACKs → JavaScript Error objects with stable fields
// (code, errno, syscall, extack, extackOffset), the shape lib/native.ts types
// as NativeError.
#pragma once

#include <napi.h>

#include <string>

namespace netloom {

// "EEXIST" for 17, "E<number>" when libc has no name.
const char* errno_name(int err);

// A failed syscall: message "<syscall>: <strerror>", code, errno, syscall.
Napi::Error errno_error(Napi::Env env, int err, const char* syscall);

// A kernel NACK (NLMSG_ERROR with a negative error, or an error in
// NLMSG_DONE): message is the extended ACK text when present.
Napi::Error nack_error(Napi::Env env, int err, const std::string& extack, long extack_offset);

// Throws a JS TypeError/RangeError from C++ (converted by node-addon-api).
[[noreturn]] void throw_type_error(Napi::Env env, const std::string& msg);
[[noreturn]] void throw_range_error(Napi::Env env, const std::string& msg);

}  // namespace netloom
