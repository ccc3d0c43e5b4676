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

Napi::Value CommDup(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  MPI_Comm copy;
  Check(info.Env(), MPI_Comm_dup(CommFromHandle(info.Env(), info[0]), &copy), "MPI_Comm_dup");
  MPI_Comm_set_errhandler(copy, MPI_ERRORS_RETURN);
  return Napi::Number::New(info.Env(), AddComm(info.Env(), copy));
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
  exports.Set("commFree", Napi::Function::New(env, CommFree, "commFree"));
  exports.Set("tagUpperBound", Napi::Function::New(env, TagUpperBound, "tagUpperBound"));
}

}  // namespace mpinode
