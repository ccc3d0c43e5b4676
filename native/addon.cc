// The addon's registration table and MPI's constants. Each call is a thin, 1:1 wrapper;
// src/mpi/ validates arguments and is the only code that loads this addon.
#include <napi.h>

#include "buffers.h"
#include "collectives.h"
#include "comm.h"
#include "environment.h"
#include "errors.h"
#include "handles.h"
#include "mpi_include.h"
#include "p2p.h"
#include "poller.h"

namespace mpinode {
namespace {

Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  SetErrorConstructor(info);
  return info.Env().Undefined();
}

Napi::Object Constants(Napi::Env env) {
  Napi::Object constants = Napi::Object::New(env);
  constants.Set("ANY_SOURCE", Napi::Number::New(env, MPI_ANY_SOURCE));
  constants.Set("ANY_TAG", Napi::Number::New(env, MPI_ANY_TAG));
  constants.Set("PROC_NULL", Napi::Number::New(env, MPI_PROC_NULL));
  constants.Set("UNDEFINED", Napi::Number::New(env, MPI_UNDEFINED));
  constants.Set("SUCCESS", Napi::Number::New(env, MPI_SUCCESS));
  constants.Set("THREAD_SINGLE", Napi::Number::New(env, MPI_THREAD_SINGLE));
  constants.Set("THREAD_FUNNELED", Napi::Number::New(env, MPI_THREAD_FUNNELED));
  constants.Set("THREAD_SERIALIZED", Napi::Number::New(env, MPI_THREAD_SERIALIZED));
  constants.Set("THREAD_MULTIPLE", Napi::Number::New(env, MPI_THREAD_MULTIPLE));
  constants.Set("COMM_WORLD", Napi::Number::New(env, kCommWorld));
  constants.Set("COMM_SELF", Napi::Number::New(env, kCommSelf));
  constants.Set("COMM_TYPE_SHARED", Napi::Number::New(env, MPI_COMM_TYPE_SHARED));
  constants.Set("ops", ReduceOps(env));
  Napi::Object classes = Napi::Object::New(env);
  for (int error_class = MPI_SUCCESS; error_class <= MPI_ERR_LASTCODE && error_class < 256; ++error_class) {
    const char* name = ErrorClassName(error_class);
    if (error_class == MPI_ERR_UNKNOWN || std::string(name) != "MPI_ERR_UNKNOWN") {
      classes.Set(name, Napi::Number::New(env, error_class));
    }
  }
  constants.Set("errorClasses", classes);
  return constants;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("constants", Constants(env));
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  RegisterStatus(env, exports);
  RegisterEnvironment(env, exports);
  RegisterComm(env, exports);
  RegisterPointToPoint(env, exports);
  RegisterCollectives(env, exports);
  RegisterPoller(env, exports);
  return exports;
}

}  // namespace
}  // namespace mpinode

Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return mpinode::Init(env, exports); }

NODE_API_MODULE(mpi, InitAddon)
