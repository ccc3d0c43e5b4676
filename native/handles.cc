#include "handles.h"

#include <atomic>
#include <mutex>
#include <vector>

#include "errors.h"

namespace mpinode {
namespace {

// Fixed capacity so lookups need no lock: a slot is written before it is published.
constexpr int kMaxComms = 4096;
MPI_Comm g_comms[kMaxComms];
std::atomic<bool> g_comm_used[kMaxComms];
std::mutex* g_comm_mutex = new std::mutex();  // heap: no destructor at exit

// A thread's handles: freed slots are reused so the tables stay small.
template <typename T>
struct Slab {
  std::vector<T> items;
  std::vector<bool> used;
  std::vector<int> free_slots;

  int Add(T item) {
    if (!free_slots.empty()) {
      int slot = free_slots.back();
      free_slots.pop_back();
      items[slot] = item;
      used[slot] = true;
      return slot;
    }
    items.push_back(item);
    used.push_back(true);
    return static_cast<int>(items.size() - 1);
  }
  bool Valid(int slot) const {
    return slot >= 0 && slot < static_cast<int>(items.size()) && used[slot];
  }
  void Release(int slot) {
    used[slot] = false;
    free_slots.push_back(slot);
  }
};

thread_local Slab<MPI_Message> tls_messages;
thread_local Slab<MPI_Request> tls_requests;

int SlotOf(const Napi::Value& handle) {
  return handle.IsNumber() ? handle.As<Napi::Number>().Int32Value() : -1;
}

struct BuiltinComms {
  BuiltinComms() {
    g_comms[kCommWorld] = MPI_COMM_WORLD;
    g_comms[kCommSelf] = MPI_COMM_SELF;
    g_comm_used[kCommWorld].store(true);
    g_comm_used[kCommSelf].store(true);
  }
};
const BuiltinComms g_builtin_comms;

}  // namespace

MPI_Comm CommFromHandle(Napi::Env env, const Napi::Value& handle) {
  int slot = SlotOf(handle);
  if (slot < 0 || slot >= kMaxComms || !g_comm_used[slot].load(std::memory_order_acquire)) {
    ThrowBindingError(env, "ERR_MPI_BAD_HANDLE", "not a live communicator handle");
  }
  return g_comms[slot];
}

int AddComm(Napi::Env env, MPI_Comm comm) {
  std::lock_guard<std::mutex> lock(*g_comm_mutex);
  for (int slot = kCommSelf + 1; slot < kMaxComms; ++slot) {
    if (!g_comm_used[slot].load(std::memory_order_relaxed)) {
      g_comms[slot] = comm;
      g_comm_used[slot].store(true, std::memory_order_release);
      return slot;
    }
  }
  ThrowBindingError(env, "ERR_MPI_TOO_MANY_COMMS", "too many live communicators");
}

MPI_Comm TakeComm(Napi::Env env, const Napi::Value& handle) {
  MPI_Comm comm = CommFromHandle(env, handle);
  int slot = SlotOf(handle);
  if (slot == kCommWorld || slot == kCommSelf) {
    ThrowBindingError(env, "ERR_MPI_BAD_HANDLE", "COMM_WORLD and COMM_SELF cannot be freed");
  }
  std::lock_guard<std::mutex> lock(*g_comm_mutex);
  g_comm_used[slot].store(false, std::memory_order_release);
  return comm;
}

int AddMessage(MPI_Message message) { return tls_messages.Add(message); }

MPI_Message TakeMessage(Napi::Env env, const Napi::Value& handle) {
  int slot = SlotOf(handle);
  if (!tls_messages.Valid(slot)) {
    ThrowBindingError(env, "ERR_MPI_BAD_HANDLE",
                    "not a pending matched message of this thread (already received?)");
  }
  MPI_Message message = tls_messages.items[slot];
  tls_messages.Release(slot);
  return message;
}

int AddRequest(MPI_Request request) { return tls_requests.Add(request); }

MPI_Request* RequestSlot(Napi::Env env, const Napi::Value& handle) {
  int slot = SlotOf(handle);
  if (!tls_requests.Valid(slot)) {
    ThrowBindingError(env, "ERR_MPI_BAD_HANDLE", "not a pending request of this thread");
  }
  return &tls_requests.items[slot];
}

void ReleaseRequest(const Napi::Value& handle) { tls_requests.Release(SlotOf(handle)); }

}  // namespace mpinode
