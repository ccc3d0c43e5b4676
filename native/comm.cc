#include "comm.h"

#include "environment.h"
#include "errors.h"
#include "handles.h"

namespace mpinode {
namespace {

Napi::Value CommRank(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  int rank = 0;
  Check(info.Env(), MPI_Comm_rank(CommFromHandle(info.Env(), info[0]), &rank), "MPI_Comm_rank");
  return Napi::Number::New(info.Env(), rank);
}

Napi::Value CommSize(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  int size = 0;
  Check(info.Env(), MPI_Comm_size(CommFromHandle(info.Env(), info[0]), &size), "MPI_Comm_size");
  return Napi::Number::New(info.Env(), size);
}

// A communicator MPI just made, as a handle with MPI_ERRORS_RETURN; -1 for MPI_COMM_NULL.
Napi::Value Adopt(Napi::Env env, MPI_Comm comm) {
  if (comm == MPI_COMM_NULL) return Napi::Number::New(env, -1);
  MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
  try {
    return Napi::Number::New(env, AddComm(env, comm));
  } catch (...) {
    MPI_Comm_free(&comm);  // no slot left: do not leak it
    throw;
  }
}

Napi::Value CommDup(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  MPI_Comm copy;
  Check(info.Env(), MPI_Comm_dup(CommFromHandle(info.Env(), info[0]), &copy), "MPI_Comm_dup");
  return Adopt(info.Env(), copy);
}

// commSplit(comm, color, key) -> handle, or -1 when color is MPI_UNDEFINED
Napi::Value CommSplit(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  MPI_Comm comm = CommFromHandle(info.Env(), info[0]);
  int color = info[1].As<Napi::Number>().Int32Value();
  int key = info[2].As<Napi::Number>().Int32Value();
  MPI_Comm part;
  Check(info.Env(), MPI_Comm_split(comm, color, key, &part), "MPI_Comm_split");
  return Adopt(info.Env(), part);
}

// commSplitType(comm, type, key) -> handle, or -1 when type is MPI_UNDEFINED
Napi::Value CommSplitType(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  MPI_Comm comm = CommFromHandle(info.Env(), info[0]);
  int type = info[1].As<Napi::Number>().Int32Value();
  int key = info[2].As<Napi::Number>().Int32Value();
  MPI_Comm part;
  Check(info.Env(), MPI_Comm_split_type(comm, type, key, MPI_INFO_NULL, &part), "MPI_Comm_split_type");
  return Adopt(info.Env(), part);
}

Napi::Value CommFree(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  MPI_Comm comm = TakeComm(info.Env(), info[0]);
  Check(info.Env(), MPI_Comm_free(&comm), "MPI_Comm_free");
  return info.Env().Undefined();
}

// The largest tag value this MPI accepts (MPI_TAG_UB attribute of COMM_WORLD).
Napi::Value TagUpperBound(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  int* value = nullptr;
  int found = 0;
  Check(info.Env(), MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &value, &found), "MPI_Comm_get_attr");
  return Napi::Number::New(info.Env(), found ? *value : 32767);
}

}  // namespace

void RegisterComm(Napi::Env env, Napi::Object exports) {
  exports.Set("commRank", Napi::Function::New(env, CommRank, "commRank"));
  exports.Set("commSize", Napi::Function::New(env, CommSize, "commSize"));
  exports.Set("commDup", Napi::Function::New(env, CommDup, "commDup"));
  exports.Set("commSplit", Napi::Function::New(env, CommSplit, "commSplit"));
  exports.Set("commSplitType", Napi::Function::New(env, CommSplitType, "commSplitType"));
  exports.Set("commFree", Napi::Function::New(env, CommFree, "commFree"));
  exports.Set("tagUpperBound", Napi::Function::New(env, TagUpperBound, "tagUpperBound"));
}

}  // namespace mpinode
