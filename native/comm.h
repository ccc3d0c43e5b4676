// Communicators: rank, size, dup, free.
#pragma once
#include <napi.h>

namespace mpinode {

void RegisterComm(Napi::Env env, Napi::Object exports);

}  // namespace mpinode
