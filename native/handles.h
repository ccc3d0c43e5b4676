// Small integer handles for MPI objects, so JS holds plain numbers.
// Communicators are process-wide (worker threads share them); matched messages and
// requests belong to the thread that created them.
#pragma once
#include <napi.h>

#include "mpi_include.h"

namespace mpinode {

constexpr int kCommWorld = 0;
constexpr int kCommSelf = 1;

// Communicators: slots 0 and 1 are MPI_COMM_WORLD and MPI_COMM_SELF.
MPI_Comm CommFromHandle(Napi::Env env, const Napi::Value& handle);
int AddComm(Napi::Env env, MPI_Comm comm);
MPI_Comm TakeComm(Napi::Env env, const Napi::Value& handle);  // frees the slot

// Matched messages (MPI_Improbe/MPI_Mprobe results) of this thread.
int AddMessage(MPI_Message message);
MPI_Message TakeMessage(Napi::Env env, const Napi::Value& handle);

// Requests (isend/irecv) of this thread.
int AddRequest(MPI_Request request);
MPI_Request* RequestSlot(Napi::Env env, const Napi::Value& handle);
void ReleaseRequest(const Napi::Value& handle);  // after completion, or when moved to the poller

}  // namespace mpinode
