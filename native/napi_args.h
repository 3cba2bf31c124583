// Arguments of N-API calls read with the checks every native method makes:
// a TypeError naming the argument when it has the wrong type.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "errors.h"

namespace netloom {

inline uint32_t u32_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) throw_type_error(info.Env(), std::string(what) + " must be a number");
  return info[i].As<Napi::Number>().Uint32Value();
}

// The bytes of a Buffer or Uint8Array argument, borrowed for the call.
inline void bytes_of(Napi::Env env, const Napi::Value& v, const char* what, const uint8_t*& p, size_t& n) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw_type_error(env, std::string(what) + " must be a Buffer or Uint8Array");
  Napi::Uint8Array a = v.As<Napi::Uint8Array>();
  p = a.Data();
  n = a.ByteLength();
}

}  // namespace netloom
