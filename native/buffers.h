// Bytes or typed elements of any ArrayBufferView, without copying; and the status every receive
// writes.
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

// The elements of a TypedArray with the MPI datatype that matches them (a DataView: its bytes,
// MPI_BYTE). For collectives, where reductions need the real type.
struct Elements {
  void* data;
  int count;
  MPI_Datatype type;
};
Elements ElementsOf(Napi::Env env, const Napi::Value& view);

// ElementsOf, or no buffer at all ({nullptr, 0, MPI_BYTE}) for undefined: the receive buffer of
// a rank that is not the root, where MPI ignores it.
Elements OptionalElementsOf(Napi::Env env, const Napi::Value& view);

// This thread's status block, shared with JS as an Int32Array: [source, tag, count].
// (MPI_ERROR is left out: MPI sets it only in calls that complete several requests.)
enum StatusField { kStatusSource = 0, kStatusTag = 1, kStatusCount = 2 };
constexpr int kStatusLength = 3;
void WriteStatus(const MPI_Status& status);

// Creates this environment's status block and exports it as `status`.
void RegisterStatus(Napi::Env env, Napi::Object exports);

}  // namespace mpinode
