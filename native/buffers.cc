#include "buffers.h"

#include <climits>

#include "errors.h"

namespace mpinode {
namespace {

thread_local int32_t* tls_status = nullptr;

size_t ElementSize(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array:
      return 1;
    case napi_int16_array:
    case napi_uint16_array:
      return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array:
      return 4;
    default:
      return 8;
  }
}

}  // namespace

Bytes BytesOf(Napi::Env env, const Napi::Value& view) {
  void* data = nullptr;
  size_t bytes = 0;
  bool is_typed_array = false;
  napi_is_typedarray(env, view, &is_typed_array);
  if (is_typed_array) {
    napi_typedarray_type type;
    size_t length = 0;
    napi_get_typedarray_info(env, view, &type, &length, &data, nullptr, nullptr);
    bytes = length * ElementSize(type);
  } else {
    bool is_data_view = false;
    napi_is_dataview(env, view, &is_data_view);
    if (!is_data_view) throw Napi::TypeError::New(env, "expected an ArrayBufferView");
    napi_get_dataview_info(env, view, &bytes, &data, nullptr, nullptr);
  }
  if (bytes > static_cast<size_t>(INT_MAX)) {
    throw Napi::RangeError::New(env, "a message is at most 2147483647 bytes");
  }
  return Bytes{data, static_cast<int>(bytes)};
}

void WriteStatus(const MPI_Status& status) {
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  tls_status[kStatusSource] = status.MPI_SOURCE;
  tls_status[kStatusTag] = status.MPI_TAG;
  tls_status[kStatusError] = status.MPI_ERROR;
  tls_status[kStatusCount] = count;
}

void RegisterStatus(Napi::Env env, Napi::Object exports) {
  // One block per environment (each worker thread has its own), freed with the buffer.
  auto* block = new int32_t[kStatusLength]();
  tls_status = block;
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(
      env, block, sizeof(int32_t) * kStatusLength,
      [](Napi::Env, void* data) { delete[] static_cast<int32_t*>(data); });
  exports.Set("status", Napi::Int32Array::New(env, kStatusLength, buffer, 0));
}

}  // namespace mpinode
