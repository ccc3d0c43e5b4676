// One way to turn an MPI return code into a JS exception.
#pragma once
#include <napi.h>

#include "mpi_include.h"

namespace mpinode {

// The MPI error class name ("MPI_ERR_RANK") for an error class number.
const char* ErrorClassName(int error_class);

// Throws an MpiError {code, errorClass, mpiCall} built from an MPI return code.
[[noreturn]] void ThrowMpiError(Napi::Env env, int rc, const char* mpi_call);

// Every MPI call's return code goes through here.
inline void Check(Napi::Env env, int rc, const char* mpi_call) {
  if (rc != MPI_SUCCESS) ThrowMpiError(env, rc, mpi_call);
}

// Throws an MpiError that did not come from an MPI return code (a misuse the binding catches).
[[noreturn]] void ThrowUsageError(Napi::Env env, const char* code, const std::string& message);

// Remembers the JS MpiError constructor of this thread's environment.
void SetErrorConstructor(const Napi::CallbackInfo& info);

// Builds (without throwing) the MpiError for an MPI return code; for async completions.
Napi::Value MakeMpiError(Napi::Env env, int rc, const char* mpi_call);

}  // namespace mpinode
