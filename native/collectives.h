// Collectives: barrier, and bcast (the baseline the swarm is measured against).
#pragma once
#include <napi.h>

namespace mpinode {

void RegisterCollectives(Napi::Env env, Napi::Object exports);

}  // namespace mpinode
