// Collectives: barrier, bcast, allgather(v), gather(v), allreduce on typed elements, and the
// nonblocking ibarrier and ibcast.
#pragma once
#include <napi.h>

namespace mpinode {

// The reduction operations' names and the indices allreduce takes (exported as constants.ops).
Napi::Object ReduceOps(Napi::Env env);

void RegisterCollectives(Napi::Env env, Napi::Object exports);

}  // namespace mpinode
