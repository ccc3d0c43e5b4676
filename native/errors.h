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

// Throws an MpiError that did not come from an MPI return code (a misuse the binding catches).
[[noreturn]] void ThrowUsageError(Napi::Env env, const char* code, const std::string& message);

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

// Builds (without throwing) an MpiError of the binding's own, e.g. ERR_MPI_FINALIZED.
Napi::Value MakeUsageError(Napi::Env env, const char* code, const std::string& message);

}  // namespace mpinode
