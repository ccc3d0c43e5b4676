#include "buffers.h"

#include <climits>

#include "errors.h"

namespace mpinode {
namespace {

thread_local int32_t* tls_status = nullptr;

struct ElementType {
  size_t size;
  MPI_Datatype type;
};

ElementType ElementTypeOf(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
      return {1, MPI_INT8_T};
    case napi_uint8_array:
    case napi_uint8_clamped_array:
      return {1, MPI_UINT8_T};
    case napi_int16_array:
      return {2, MPI_INT16_T};
    case napi_uint16_array:
      return {2, MPI_UINT16_T};
    case napi_int32_array:
      return {4, MPI_INT32_T};
    case napi_uint32_array:
      return {4, MPI_UINT32_T};
    case napi_float32_array:
      return {4, MPI_FLOAT};
    case napi_float64_array:
      return {8, MPI_DOUBLE};
    case napi_bigint64_array:
      return {8, MPI_INT64_T};
    case napi_biguint64_array:
      return {8, MPI_UINT64_T};
    default:
      return {1, MPI_BYTE};
  }
}

constexpr size_t kMaxBytes = static_cast<size_t>(INT_MAX);

// A TypedArray's elements, or a DataView's bytes, checked to fit MPI's int counts as bytes.
struct View {
  void* data;
  size_t length;
  ElementType element;
};

View ViewOf(Napi::Env env, const Napi::Value& value) {
  View view{nullptr, 0, {1, MPI_BYTE}};
  bool is_typed_array = false;
  napi_is_typedarray(env, value, &is_typed_array);
  if (is_typed_array) {
    napi_typedarray_type type;
    napi_get_typedarray_info(env, value, &type, &view.length, &view.data, nullptr, nullptr);
    view.element = ElementTypeOf(type);
  } else {
    bool is_data_view = false;
    napi_is_dataview(env, value, &is_data_view);
    if (!is_data_view) throw Napi::TypeError::New(env, "expected an ArrayBufferView");
    napi_get_dataview_info(env, value, &view.length, &view.data, nullptr, nullptr);
  }
  if (view.length * view.element.size > kMaxBytes) {
    throw Napi::RangeError::New(env, "a message is at most 2147483647 bytes");
  }
  return view;
}

}  // namespace

Elements ElementsOf(Napi::Env env, const Napi::Value& view) {
  View found = ViewOf(env, view);
  return Elements{found.data, static_cast<int>(found.length), found.element.type};
}

Elements OptionalElementsOf(Napi::Env env, const Napi::Value& view) {
  if (view.IsUndefined()) return Elements{nullptr, 0, MPI_BYTE};
  return ElementsOf(env, view);
}

Bytes BytesOf(Napi::Env env, const Napi::Value& view) {
  View found = ViewOf(env, view);
  return Bytes{found.data, static_cast<int>(found.length * found.element.size)};
}

void WriteStatus(const MPI_Status& status) {
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  tls_status[kStatusSource] = status.MPI_SOURCE;
  tls_status[kStatusTag] = status.MPI_TAG;
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
