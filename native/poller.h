// One native thread per process that waits for messages and requests on behalf of
// Promise-returning calls, so no JS thread ever blocks inside MPI.
#pragma once
#include <napi.h>

#include "mpi_include.h"

namespace mpinode {

// Resolves callback(error, buffer, source, tag) once a message matching (source, tag)
// arrives: the poller receives it (matched probe, then MPI_Mrecv) into a fresh buffer.
void WatchMessage(Napi::Env env, MPI_Comm comm, int source, int tag, Napi::Function callback);

// Resolves callback(error, source, tag, count) once the request completes.
void WatchRequest(Napi::Env env, MPI_Request request, Napi::Function callback);

// How the poller waits when nothing is ready: `spins` empty rounds, then sleeps that
// start at `sleep_start_us` and double up to `sleep_cap_us`.
void SetPollerBackoff(int spins, int sleep_start_us, int sleep_cap_us);

// Stops and joins the thread; pending watches fail with ERR_MPI_FINALIZED. Before MPI_Finalize.
void StopPoller();

void RegisterPoller(Napi::Env env, Napi::Object exports);

}  // namespace mpinode
