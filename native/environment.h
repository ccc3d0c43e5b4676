// MPI's lifecycle: init once per process, finalize once, abort; and facts about the library.
#pragma once
#include <napi.h>

namespace mpinode {

// Throws unless MPI is initialized and not yet finalized: any MPI call after
// MPI_Finalize kills the whole job, so the binding refuses it first.
void EnsureActive(Napi::Env env);

// The thread level MPI provided, or -1 before init.
int ProvidedThreadLevel();

void RegisterEnvironment(Napi::Env env, Napi::Object exports);

}  // namespace mpinode
