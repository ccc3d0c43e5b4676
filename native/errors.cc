#include "errors.h"

#include <string>

namespace mpinode {
namespace {

struct ClassName {
  int error_class;
  const char* name;
};

#define MPINODE_CLASS(name) {name, #name}
const ClassName kClassNames[] = {
    MPINODE_CLASS(MPI_SUCCESS),       MPINODE_CLASS(MPI_ERR_BUFFER),
    MPINODE_CLASS(MPI_ERR_COUNT),     MPINODE_CLASS(MPI_ERR_TYPE),
    MPINODE_CLASS(MPI_ERR_TAG),       MPINODE_CLASS(MPI_ERR_COMM),
    MPINODE_CLASS(MPI_ERR_RANK),      MPINODE_CLASS(MPI_ERR_REQUEST),
    MPINODE_CLASS(MPI_ERR_ROOT),      MPINODE_CLASS(MPI_ERR_GROUP),
    MPINODE_CLASS(MPI_ERR_OP),        MPINODE_CLASS(MPI_ERR_TOPOLOGY),
    MPINODE_CLASS(MPI_ERR_DIMS),      MPINODE_CLASS(MPI_ERR_ARG),
    MPINODE_CLASS(MPI_ERR_UNKNOWN),   MPINODE_CLASS(MPI_ERR_TRUNCATE),
    MPINODE_CLASS(MPI_ERR_OTHER),     MPINODE_CLASS(MPI_ERR_INTERN),
    MPINODE_CLASS(MPI_ERR_IN_STATUS), MPINODE_CLASS(MPI_ERR_PENDING),
    MPINODE_CLASS(MPI_ERR_NO_MEM),    MPINODE_CLASS(MPI_ERR_KEYVAL),
    MPINODE_CLASS(MPI_ERR_INFO),      MPINODE_CLASS(MPI_ERR_INFO_KEY),
    MPINODE_CLASS(MPI_ERR_INFO_VALUE), MPINODE_CLASS(MPI_ERR_INFO_NOKEY),
    MPINODE_CLASS(MPI_ERR_SPAWN),     MPINODE_CLASS(MPI_ERR_PORT),
    MPINODE_CLASS(MPI_ERR_SERVICE),   MPINODE_CLASS(MPI_ERR_NAME),
    MPINODE_CLASS(MPI_ERR_WIN),       MPINODE_CLASS(MPI_ERR_BASE),
    MPINODE_CLASS(MPI_ERR_SIZE),      MPINODE_CLASS(MPI_ERR_DISP),
    MPINODE_CLASS(MPI_ERR_LOCKTYPE),  MPINODE_CLASS(MPI_ERR_ASSERT),
    MPINODE_CLASS(MPI_ERR_RMA_CONFLICT), MPINODE_CLASS(MPI_ERR_RMA_SYNC),
    MPINODE_CLASS(MPI_ERR_FILE),      MPINODE_CLASS(MPI_ERR_NOT_SAME),
    MPINODE_CLASS(MPI_ERR_AMODE),     MPINODE_CLASS(MPI_ERR_UNSUPPORTED_DATAREP),
    MPINODE_CLASS(MPI_ERR_UNSUPPORTED_OPERATION), MPINODE_CLASS(MPI_ERR_NO_SUCH_FILE),
    MPINODE_CLASS(MPI_ERR_FILE_EXISTS), MPINODE_CLASS(MPI_ERR_BAD_FILE),
    MPINODE_CLASS(MPI_ERR_ACCESS),    MPINODE_CLASS(MPI_ERR_NO_SPACE),
    MPINODE_CLASS(MPI_ERR_QUOTA),     MPINODE_CLASS(MPI_ERR_READ_ONLY),
    MPINODE_CLASS(MPI_ERR_FILE_IN_USE), MPINODE_CLASS(MPI_ERR_DUP_DATAREP),
    MPINODE_CLASS(MPI_ERR_CONVERSION), MPINODE_CLASS(MPI_ERR_IO),
    MPINODE_CLASS(MPI_ERR_RMA_RANGE), MPINODE_CLASS(MPI_ERR_RMA_ATTACH),
    MPINODE_CLASS(MPI_ERR_RMA_SHARED), MPINODE_CLASS(MPI_ERR_RMA_FLAVOR),
};
#undef MPINODE_CLASS

// One MpiError constructor per JS environment (main thread and each worker).
struct EnvData {
  Napi::FunctionReference error_constructor;
};

Napi::Object NewError(Napi::Env env, const std::string& message) {
  auto* data = env.GetInstanceData<EnvData>();
  if (data != nullptr && !data->error_constructor.IsEmpty()) {
    return data->error_constructor.New({Napi::String::New(env, message)});
  }
  return Napi::Error::New(env, message).Value();
}

}  // namespace

const char* ErrorClassName(int error_class) {
  for (const auto& entry : kClassNames) {
    if (entry.error_class == error_class) return entry.name;
  }
  return "MPI_ERR_UNKNOWN";
}

MpiErrorInfo DescribeMpiError(int rc) {
  int error_class = MPI_ERR_UNKNOWN;
  MPI_Error_class(rc, &error_class);
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(rc, text, &length) != MPI_SUCCESS) length = 0;
  return MpiErrorInfo{rc, error_class, std::string(text, static_cast<size_t>(length))};
}

Napi::Value MakeMpiError(Napi::Env env, const MpiErrorInfo& info, const char* mpi_call) {
  Napi::Object error = NewError(env, std::string(mpi_call) + ": " + info.message);
  error.Set("code", ErrorClassName(info.error_class));
  error.Set("errorClass", info.error_class);
  error.Set("errorCode", info.rc);
  error.Set("mpiCall", mpi_call);
  error.Set("mpiMessage", info.message);
  return error;
}

void ThrowMpiError(Napi::Env env, int rc, const char* mpi_call) {
  throw Napi::Error(env, MakeMpiError(env, DescribeMpiError(rc), mpi_call));
}

Napi::Value MakeBindingError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Object error = NewError(env, message);
  error.Set("code", code);
  return error;
}

void ThrowBindingError(Napi::Env env, const char* code, const std::string& message) {
  throw Napi::Error(env, MakeBindingError(env, code, message));
}

void SetErrorConstructor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* data = env.GetInstanceData<EnvData>();
  if (data == nullptr) {
    data = new EnvData();
    env.SetInstanceData(data);
  }
  data->error_constructor = Napi::Persistent(info[0].As<Napi::Function>());
}

}  // namespace mpinode
