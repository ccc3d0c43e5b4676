// Point-to-point calls on bytes: send, receive, probe, matched probe, requests.
#pragma once
#include <napi.h>

namespace mpinode {

void RegisterPointToPoint(Napi::Env env, Napi::Object exports);

}  // namespace mpinode
