#include "collectives.h"

#include "buffers.h"
#include "environment.h"
#include "errors.h"
#include "handles.h"

namespace mpinode {
namespace {

// barrier(comm)
Napi::Value Barrier(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  Check(info.Env(), MPI_Barrier(CommFromHandle(info.Env(), info[0])), "MPI_Barrier");
  return info.Env().Undefined();
}

// bcast(comm, buffer, root): every rank passes a buffer of the same size
Napi::Value Bcast(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  MPI_Comm comm = CommFromHandle(info.Env(), info[0]);
  Bytes bytes = BytesOf(info.Env(), info[1]);
  int root = info[2].As<Napi::Number>().Int32Value();
  Check(info.Env(), MPI_Bcast(bytes.data, bytes.count, MPI_BYTE, root, comm), "MPI_Bcast");
  return info.Env().Undefined();
}

}  // namespace

void RegisterCollectives(Napi::Env env, Napi::Object exports) {
  exports.Set("barrier", Napi::Function::New(env, Barrier, "barrier"));
  exports.Set("bcast", Napi::Function::New(env, Bcast, "bcast"));
}

}  // namespace mpinode
