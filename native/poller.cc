#include "poller.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "environment.h"
#include "errors.h"
#include "handles.h"

namespace mpinode {
namespace {

// What the poller hands back to the JS thread.
struct Completion {
  int rc = MPI_SUCCESS;      // MPI_SUCCESS, an MPI error code, or kFinalizedWhileWaiting
  const char* mpi_call = "";
  MpiErrorInfo error{};      // described on the poller thread, while MPI is still active
  bool is_message = false;
  char* data = nullptr;      // malloc'd payload of a received message
  int count = 0;
  int source = 0;
  int tag = 0;
};
constexpr int kFinalizedWhileWaiting = -1;

struct Watch {
  bool is_message = false;
  MPI_Comm comm = MPI_COMM_NULL;
  int source = 0;
  int tag = 0;
  MPI_Request request = MPI_REQUEST_NULL;
  napi_threadsafe_function tsfn = nullptr;
  // The JS environment may go away (a terminated worker): its finalizer sets `gone`
  // under `mutex`, and the poller never touches `tsfn` after that.
  std::mutex mutex;
  bool gone = false;
};

struct Backoff {
  int spins = 64;
  int sleep_start_us = 10;
  int sleep_cap_us = 1000;
};

struct Poller {
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<std::shared_ptr<Watch>> incoming;
  bool stopping = false;
  bool running = false;
  std::thread thread;
  Backoff backoff;
};

// Heap-allocated and never destroyed: a static condition variable hung process exit.
Poller* g_poller = new Poller();

void Deliver(Watch& watch, Completion* completion) {
  std::lock_guard<std::mutex> lock(watch.mutex);
  if (watch.gone) {
    std::free(completion->data);
    delete completion;
    return;
  }
  napi_call_threadsafe_function(watch.tsfn, completion, napi_tsfn_nonblocking);
  napi_release_threadsafe_function(watch.tsfn, napi_tsfn_release);
  watch.gone = true;  // released: this thread must not use tsfn again
}

// Returns true when the watch is done (delivered or its environment is gone).
bool Poll(Watch& watch) {
  {
    std::lock_guard<std::mutex> lock(watch.mutex);
    if (watch.gone) return true;
  }
  auto* completion = new Completion();
  completion->is_message = watch.is_message;
  MPI_Status status;
  int flag = 0;
  if (watch.is_message) {
    MPI_Message message;
    int rc = MPI_Improbe(watch.source, watch.tag, watch.comm, &flag, &message, &status);
    if (rc == MPI_SUCCESS && !flag) {
      delete completion;
      return false;
    }
    if (rc == MPI_SUCCESS) {
      MPI_Get_count(&status, MPI_BYTE, &completion->count);
      completion->data = static_cast<char*>(std::malloc(std::max(completion->count, 1)));
      rc = MPI_Mrecv(completion->data, completion->count, MPI_BYTE, &message, &status);
      completion->mpi_call = "MPI_Mrecv";
    } else {
      completion->mpi_call = "MPI_Improbe";
    }
    completion->rc = rc;
  } else {
    int rc = MPI_Test(&watch.request, &flag, &status);
    if (rc == MPI_SUCCESS && !flag) {
      delete completion;
      return false;
    }
    completion->rc = rc;
    completion->mpi_call = "MPI_Test";
    if (rc == MPI_SUCCESS) MPI_Get_count(&status, MPI_BYTE, &completion->count);
  }
  if (completion->rc == MPI_SUCCESS) {
    completion->source = status.MPI_SOURCE;
    completion->tag = status.MPI_TAG;
  } else {
    completion->error = DescribeMpiError(completion->rc);
  }
  Deliver(watch, completion);
  return true;
}

void Run() {
  std::vector<std::shared_ptr<Watch>> active;
  int idle_rounds = 0;
  int sleep_us = 0;
  for (;;) {
    Backoff backoff;
    {
      std::unique_lock<std::mutex> lock(g_poller->mutex);
      if (g_poller->stopping) break;
      if (active.empty() && g_poller->incoming.empty()) {
        g_poller->wake.wait(lock, [] { return g_poller->stopping || !g_poller->incoming.empty(); });
        if (g_poller->stopping) break;
      }
      for (auto& watch : g_poller->incoming) active.push_back(std::move(watch));
      g_poller->incoming.clear();
      backoff = g_poller->backoff;
    }
    // Open MPI's ob1 matches a message only on the probe after the one that pulled it in,
    // so every round probes twice.
    size_t before = active.size();
    for (int pass = 0; pass < 2 && !active.empty(); ++pass) {
      active.erase(std::remove_if(active.begin(), active.end(),
                                  [](const std::shared_ptr<Watch>& watch) { return Poll(*watch); }),
                   active.end());
    }
    if (active.size() != before) {
      idle_rounds = 0;
      sleep_us = backoff.sleep_start_us;
      continue;
    }
    if (++idle_rounds <= backoff.spins) continue;
    std::unique_lock<std::mutex> lock(g_poller->mutex);
    g_poller->wake.wait_for(lock, std::chrono::microseconds(std::max(sleep_us, 1)),
                            [] { return g_poller->stopping || !g_poller->incoming.empty(); });
    sleep_us = std::min(std::max(sleep_us * 2, backoff.sleep_start_us), backoff.sleep_cap_us);
  }
  // Finalizing: whoever still waits gets an error instead of a promise pending forever.
  std::unique_lock<std::mutex> lock(g_poller->mutex);
  for (auto& watch : g_poller->incoming) active.push_back(std::move(watch));
  g_poller->incoming.clear();
  lock.unlock();
  for (auto& watch : active) {
    auto* completion = new Completion();
    completion->rc = kFinalizedWhileWaiting;
    completion->is_message = watch->is_message;
    Deliver(*watch, completion);
  }
}

// Runs on the JS thread that asked: turns a Completion into the callback's arguments.
void CallJs(napi_env raw_env, napi_value js_callback, void* /*context*/, void* data) {
  auto* completion = static_cast<Completion*>(data);
  std::unique_ptr<Completion> owner(completion);
  if (raw_env == nullptr || js_callback == nullptr) {  // environment torn down
    std::free(completion->data);
    return;
  }
  Napi::Env env(raw_env);
  Napi::HandleScope scope(env);
  Napi::Value error = env.Null();
  Napi::Value payload = env.Undefined();
  if (completion->rc == kFinalizedWhileWaiting) {
    error = MakeBindingError(env, "ERR_MPI_FINALIZED", "MPI was finalized while this call was waiting");
  } else if (completion->rc != MPI_SUCCESS) {
    error = MakeMpiError(env, completion->error, completion->mpi_call);
  } else if (completion->is_message) {
    char* bytes = completion->data;
    completion->data = nullptr;
    payload = completion->count == 0
                  ? Napi::Buffer<char>::New(env, 0)
                  : Napi::Buffer<char>::New(env, bytes, static_cast<size_t>(completion->count),
                                            [](Napi::Env, char* owned) { std::free(owned); });
    if (completion->count == 0) std::free(bytes);
  }
  std::free(completion->data);
  Napi::Function(env, js_callback)
      .Call({error, payload, Napi::Number::New(env, completion->source),
             Napi::Number::New(env, completion->tag), Napi::Number::New(env, completion->count)});
}

void FinalizeWatch(napi_env /*env*/, void* finalize_data, void* /*hint*/) {
  auto* holder = static_cast<std::shared_ptr<Watch>*>(finalize_data);
  {
    std::lock_guard<std::mutex> lock((*holder)->mutex);
    (*holder)->gone = true;
  }
  delete holder;
}

void Enqueue(Napi::Env env, std::shared_ptr<Watch> watch, Napi::Function callback) {
  if (ProvidedThreadLevel() < MPI_THREAD_MULTIPLE) {
    ThrowBindingError(env, "ERR_MPI_THREAD_LEVEL",
                    "async waits need MPI_THREAD_MULTIPLE, which this MPI did not provide");
  }
  auto* holder = new std::shared_ptr<Watch>(watch);
  napi_status status = napi_create_threadsafe_function(
      env, callback, nullptr, Napi::String::New(env, "mpi-poller"), 0, 1, holder, FinalizeWatch,
      nullptr, CallJs, &watch->tsfn);
  if (status != napi_ok) {
    delete holder;
    throw Napi::Error::New(env, "could not create the poller's callback");
  }
  std::lock_guard<std::mutex> lock(g_poller->mutex);
  if (g_poller->stopping) {
    napi_release_threadsafe_function(watch->tsfn, napi_tsfn_abort);
    ThrowBindingError(env, "ERR_MPI_FINALIZED", "MPI has been finalized");
  }
  if (!g_poller->running) {
    g_poller->running = true;
    g_poller->thread = std::thread(Run);
  }
  g_poller->incoming.push_back(std::move(watch));
  g_poller->wake.notify_one();
}

Napi::Value SetBackoff(const Napi::CallbackInfo& info) {
  SetPollerBackoff(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(),
                   info[2].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

}  // namespace

void WatchMessage(Napi::Env env, MPI_Comm comm, int source, int tag, Napi::Function callback) {
  auto watch = std::make_shared<Watch>();
  watch->is_message = true;
  watch->comm = comm;
  watch->source = source;
  watch->tag = tag;
  Enqueue(env, std::move(watch), callback);
}

void WatchRequest(Napi::Env env, MPI_Request request, Napi::Function callback) {
  auto watch = std::make_shared<Watch>();
  watch->request = request;
  Enqueue(env, std::move(watch), callback);
}

void SetPollerBackoff(int spins, int sleep_start_us, int sleep_cap_us) {
  std::lock_guard<std::mutex> lock(g_poller->mutex);
  g_poller->backoff.spins = std::max(spins, 0);
  g_poller->backoff.sleep_start_us = std::max(sleep_start_us, 1);
  g_poller->backoff.sleep_cap_us = std::max(sleep_cap_us, g_poller->backoff.sleep_start_us);
  g_poller->wake.notify_one();
}

void StopPoller() {
  {
    std::lock_guard<std::mutex> lock(g_poller->mutex);
    g_poller->stopping = true;
    g_poller->wake.notify_one();
    if (!g_poller->running) return;
  }
  g_poller->thread.join();
}

void RegisterPoller(Napi::Env env, Napi::Object exports) {
  exports.Set("setPollerBackoff", Napi::Function::New(env, SetBackoff, "setPollerBackoff"));
}

}  // namespace mpinode
