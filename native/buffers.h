// Bytes of any ArrayBufferView, without copying; and the status every receive writes.
#pragma once
#include <napi.h>

#include "mpi_include.h"

namespace mpinode {

struct Bytes {
  void* data;
  int count;
};

// The bytes a TypedArray or DataView covers (JS has checked the type and the size).
Bytes BytesOf(Napi::Env env, const Napi::Value& view);

// This thread's status block, shared with JS as an Int32Array:
// [source, tag, error, count].
enum StatusField { kStatusSource = 0, kStatusTag = 1, kStatusError = 2, kStatusCount = 3 };
constexpr int kStatusLength = 4;
void WriteStatus(const MPI_Status& status);

// Creates this environment's status block and exports it as `status`.
void RegisterStatus(Napi::Env env, Napi::Object exports);

}  // namespace mpinode
