// One way to turn an MPI return code into a JS exception.
#pragma once
#include <napi.h>

#include <string>

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

// Throws an MpiError the binding raises itself, with an ERR_MPI_* code instead of an MPI error
// class: a call MPI would not survive (after MPI_Finalize) or a handle that is not live.
[[noreturn]] void ThrowBindingError(Napi::Env env, const char* code, const std::string& message);

// Remembers the JS MpiError constructor of this thread's environment.
void SetErrorConstructor(const Napi::CallbackInfo& info);

// What MPI says about a return code. It asks MPI, so the poller thread takes it down while
// MPI is active: by the time the JS thread builds the error, MPI may be finalized.
struct MpiErrorInfo {
  int rc;
  int error_class;
  std::string message;
};
MpiErrorInfo DescribeMpiError(int rc);

// Builds (without throwing) the MpiError for a described MPI error; for async completions.
Napi::Value MakeMpiError(Napi::Env env, const MpiErrorInfo& error, const char* mpi_call);

// Builds (without throwing) the binding's own MpiError, e.g. ERR_MPI_FINALIZED; for async completions.
Napi::Value MakeBindingError(Napi::Env env, const char* code, const std::string& message);

}  // namespace mpinode
