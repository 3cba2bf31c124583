// Module init and exports only.
#include <napi.h>

#include "constants.h"
#include "ct_napi.h"
#include "file_lock.h"
#include "genl_codec.h"
#include "netns.h"
#include "netns_run.h"
#include "nft_napi.h"
#include "nl_socket.h"
#include "ping.h"
#include "rtnl_napi.h"
#include "slab_pool.h"
#include "tun_open.h"
#include "tun_queue.h"
#include "vnet_napi.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("openSocket", netloom::NlSocket::Init(env));
  exports.Set("encode", Napi::Function::New(env, netloom::rtnl::Encode, "encode"));
  exports.Set("decode", Napi::Function::New(env, netloom::rtnl::Decode, "decode"));
  exports.Set("keyNames", Napi::Function::New(env, netloom::rtnl::KeyNames, "keyNames"));
  exports.Set("netns", netloom::make_netns_exports(env));
  exports.Set("nft", netloom::make_nft_exports(env));
  exports.Set("ct", netloom::make_ct_exports(env));
  exports.Set("genl", netloom::genl::make_genl_exports(env));
  exports.Set("ping", Napi::Function::New(env, netloom::Ping, "ping"));
  exports.Set("flock", Napi::Function::New(env, netloom::Flock, "flock"));
  exports.Set("runIn", Napi::Function::New(env, netloom::RunIn, "runIn"));
  exports.Set("sysctlRead", Napi::Function::New(env, netloom::SysctlRead, "sysctlRead"));
  exports.Set("sysctlWrite", Napi::Function::New(env, netloom::SysctlWrite, "sysctlWrite"));
  exports.Set("constants", netloom::make_constants(env));
  netloom::TunQueue::Init(env);
  exports.Set("tunOpen", Napi::Function::New(env, netloom::TunOpen, "tunOpen"));
  exports.Set("tunDelete", Napi::Function::New(env, netloom::TunDelete, "tunDelete"));
  exports.Set("tunFeatures", Napi::Function::New(env, netloom::TunFeatures, "tunFeatures"));
  exports.Set("releaseBatch", Napi::Function::New(env, netloom::ReleaseBatch, "releaseBatch"));
  exports.Set("segment", Napi::Function::New(env, netloom::Segment, "segment"));
  return exports;
}

}  // namespace

NODE_API_MODULE(netloom, Init)
