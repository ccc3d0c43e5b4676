// Communicators: rank, size, dup, split, split by type (node), free; the tag upper bound.
#pragma once
#include <napi.h>

namespace mpinode {

void RegisterComm(Napi::Env env, Napi::Object exports);

}  // namespace mpinode
