#include "collectives.h"

#include "buffers.h"
#include "environment.h"
#include "errors.h"
#include "handles.h"

namespace mpinode {
namespace {

// The reduction operations, by the index JS passes (constants.ops); Open MPI's MPI_Op values
// are addresses, so JS cannot hold them.
const char* const kOpNames[] = {"SUM", "PROD", "MAX", "MIN", "LAND", "LOR", "LXOR", "BAND", "BOR", "BXOR"};
constexpr int kOpCount = sizeof(kOpNames) / sizeof(kOpNames[0]);

MPI_Op OpOf(int index) {
  switch (index) {
    case 0: return MPI_SUM;
    case 1: return MPI_PROD;
    case 2: return MPI_MAX;
    case 3: return MPI_MIN;
    case 4: return MPI_LAND;
    case 5: return MPI_LOR;
    case 6: return MPI_LXOR;
    case 7: return MPI_BAND;
    case 8: return MPI_BOR;
    default: return MPI_BXOR;
  }
}

int IntArg(const Napi::CallbackInfo& info, size_t index) {
  return info[index].As<Napi::Number>().Int32Value();
}

// The leading (comm) argument of every call, after the liveness check.
MPI_Comm ActiveComm(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  return CommFromHandle(info.Env(), info[0]);
}

// An Int32Array of counts or displacements, or nullptr for undefined (a rank not the root).
const int* IntsOf(const Napi::Value& value) {
  if (value.IsUndefined()) return nullptr;
  return value.As<Napi::Int32Array>().Data();
}

// barrier(comm)
Napi::Value Barrier(const Napi::CallbackInfo& info) {
  Check(info.Env(), MPI_Barrier(ActiveComm(info)), "MPI_Barrier");
  return info.Env().Undefined();
}

// bcast(comm, buffer, root): every rank passes a buffer of the same size
Napi::Value Bcast(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  Bytes bytes = BytesOf(info.Env(), info[1]);
  Check(info.Env(), MPI_Bcast(bytes.data, bytes.count, MPI_BYTE, IntArg(info, 2), comm), "MPI_Bcast");
  return info.Env().Undefined();
}

// allgather(comm, send, recv): each rank's send lands at rank * send.length in recv
Napi::Value Allgather(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  Elements send = ElementsOf(info.Env(), info[1]);
  Elements recv = ElementsOf(info.Env(), info[2]);
  Check(info.Env(), MPI_Allgather(send.data, send.count, send.type, recv.data, send.count, recv.type, comm),
        "MPI_Allgather");
  return info.Env().Undefined();
}

// allgatherv(comm, send, recv, counts, displs): counts and displs are Int32Arrays, in elements
Napi::Value Allgatherv(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  Elements send = ElementsOf(info.Env(), info[1]);
  Elements recv = ElementsOf(info.Env(), info[2]);
  Check(info.Env(),
        MPI_Allgatherv(send.data, send.count, send.type, recv.data, IntsOf(info[3]), IntsOf(info[4]), recv.type, comm),
        "MPI_Allgatherv");
  return info.Env().Undefined();
}

// gather(comm, send, recv or undefined, root): recv matters at the root only
Napi::Value Gather(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  Elements send = ElementsOf(info.Env(), info[1]);
  Elements recv = OptionalElementsOf(info.Env(), info[2]);
  Check(info.Env(),
        MPI_Gather(send.data, send.count, send.type, recv.data, send.count, recv.type, IntArg(info, 3), comm),
        "MPI_Gather");
  return info.Env().Undefined();
}

// gatherv(comm, send, recv, counts, displs, root): the last three may be undefined off the root
Napi::Value Gatherv(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  Elements send = ElementsOf(info.Env(), info[1]);
  Elements recv = OptionalElementsOf(info.Env(), info[2]);
  Check(info.Env(),
        MPI_Gatherv(send.data, send.count, send.type, recv.data, IntsOf(info[3]), IntsOf(info[4]), recv.type,
                    IntArg(info, 5), comm),
        "MPI_Gatherv");
  return info.Env().Undefined();
}

// allreduce(comm, send, recv, op): recv may be send itself (MPI_IN_PLACE)
Napi::Value Allreduce(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  Elements send = ElementsOf(info.Env(), info[1]);
  Elements recv = ElementsOf(info.Env(), info[2]);
  const void* from = info[1].StrictEquals(info[2]) ? MPI_IN_PLACE : send.data;
  Check(info.Env(), MPI_Allreduce(from, recv.data, send.count, send.type, OpOf(IntArg(info, 3)), comm),
        "MPI_Allreduce");
  return info.Env().Undefined();
}

// ibarrier(comm) -> request handle
Napi::Value Ibarrier(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  MPI_Request request;
  Check(info.Env(), MPI_Ibarrier(comm, &request), "MPI_Ibarrier");
  return Napi::Number::New(info.Env(), AddRequest(request));
}

// ibcast(comm, buffer, root) -> request handle (JS keeps the buffer alive)
Napi::Value Ibcast(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  Bytes bytes = BytesOf(info.Env(), info[1]);
  MPI_Request request;
  Check(info.Env(), MPI_Ibcast(bytes.data, bytes.count, MPI_BYTE, IntArg(info, 2), comm, &request), "MPI_Ibcast");
  return Napi::Number::New(info.Env(), AddRequest(request));
}

}  // namespace

Napi::Object ReduceOps(Napi::Env env) {
  Napi::Object ops = Napi::Object::New(env);
  for (int index = 0; index < kOpCount; ++index) ops.Set(kOpNames[index], Napi::Number::New(env, index));
  return ops;
}

void RegisterCollectives(Napi::Env env, Napi::Object exports) {
  exports.Set("barrier", Napi::Function::New(env, Barrier, "barrier"));
  exports.Set("bcast", Napi::Function::New(env, Bcast, "bcast"));
  exports.Set("allgather", Napi::Function::New(env, Allgather, "allgather"));
  exports.Set("allgatherv", Napi::Function::New(env, Allgatherv, "allgatherv"));
  exports.Set("gather", Napi::Function::New(env, Gather, "gather"));
  exports.Set("gatherv", Napi::Function::New(env, Gatherv, "gatherv"));
  exports.Set("allreduce", Napi::Function::New(env, Allreduce, "allreduce"));
  exports.Set("ibarrier", Napi::Function::New(env, Ibarrier, "ibarrier"));
  exports.Set("ibcast", Napi::Function::New(env, Ibcast, "ibcast"));
}

}  // namespace mpinode
