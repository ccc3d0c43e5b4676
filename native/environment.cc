#include "environment.h"

#include <atomic>
#include <mutex>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "errors.h"
#include "handles.h"
#include "mpi_include.h"
#include "poller.h"

namespace mpinode {
namespace {

std::once_flag* g_init_once = new std::once_flag();
std::once_flag* g_finalize_once = new std::once_flag();
std::atomic<int> g_provided{-1};
std::atomic<bool> g_active{false};

// Open MPI waits for the other ranks in MPI_Init and MPI_Finalize by polling with usleep(100):
// with ranks still starting on oversubscribed cores that is ~10^4 wake-ups per rank. Coarse
// timers for this thread during the call let the kernel batch them: MPI_Init's CPU per rank
// -35 to -45% at np 13 on 2 cores, for at most this much later return per wait
// (docs/decisions/021-many-ranks-on-few-cores.md).
constexpr unsigned long kMpiWaitTimerSlackNs = 2'000'000;

/**
 * Coarse timers for the calling thread while it lives, then its own slack again. Threads MPI
 * starts meanwhile keep the coarse slack: they wait on events, not on timers.
 */
class CoarseTimerSlack {
 public:
  CoarseTimerSlack() {
#ifdef __linux__
    long current = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    if (current <= 0 || static_cast<unsigned long>(current) >= kMpiWaitTimerSlackNs) return;
    previous_ = current;
    prctl(PR_SET_TIMERSLACK, kMpiWaitTimerSlackNs, 0, 0, 0);
#endif
  }
  ~CoarseTimerSlack() {
#ifdef __linux__
    if (previous_ > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(previous_), 0, 0, 0);
#endif
  }
  CoarseTimerSlack(const CoarseTimerSlack&) = delete;
  CoarseTimerSlack& operator=(const CoarseTimerSlack&) = delete;

 private:
  long previous_ = -1;
};

Napi::Value InitThread(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int required = info[0].As<Napi::Number>().Int32Value();
  int rc = MPI_SUCCESS;
  std::call_once(*g_init_once, [&] {
    int provided = MPI_THREAD_SINGLE;
    int already = 0;
    MPI_Initialized(&already);
    CoarseTimerSlack coarse_timers;
    rc = already ? MPI_Query_thread(&provided) : MPI_Init_thread(nullptr, nullptr, required, &provided);
    if (rc != MPI_SUCCESS) return;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    g_provided.store(provided);
    g_active.store(true);
  });
  Check(env, rc, "MPI_Init_thread");
  if (g_provided.load() < 0) {
    ThrowBindingError(env, "ERR_MPI_INIT_FAILED", "an earlier MPI_Init_thread failed");
  }
  // MPI cannot start again after MPI_Finalize: say so rather than report a level.
  EnsureActive(env);
  return Napi::Number::New(env, g_provided.load());
}

Napi::Value Initialized(const Napi::CallbackInfo& info) {
  int flag = 0;
  MPI_Initialized(&flag);
  return Napi::Boolean::New(info.Env(), flag != 0);
}

Napi::Value Finalized(const Napi::CallbackInfo& info) {
  int flag = 0;
  MPI_Finalized(&flag);
  return Napi::Boolean::New(info.Env(), flag != 0);
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnsureActive(env);
  int rc = MPI_SUCCESS;
  std::call_once(*g_finalize_once, [&] {
    g_active.store(false);
    StopPoller();  // its thread calls MPI: it must be gone first
    CoarseTimerSlack coarse_timers;
    rc = MPI_Finalize();
  });
  Check(env, rc, "MPI_Finalize");
  return env.Undefined();
}

Napi::Value Abort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int code = info[1].As<Napi::Number>().Int32Value();
  if (!g_active.load()) {
    ThrowBindingError(env, "ERR_MPI_NOT_ACTIVE", "MPI is not active: exit the process instead");
  }
  MPI_Abort(CommFromHandle(env, info[0]), code);  // does not return in practice
  return env.Undefined();
}

Napi::Value QueryThread(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnsureActive(env);
  int provided = 0;
  Check(env, MPI_Query_thread(&provided), "MPI_Query_thread");
  return Napi::Number::New(env, provided);
}

Napi::Value IsThreadMain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnsureActive(env);
  int flag = 0;
  Check(env, MPI_Is_thread_main(&flag), "MPI_Is_thread_main");
  return Napi::Boolean::New(env, flag != 0);
}

// MPICH kills the process when MPI_Wtime or MPI_Wtick is called before init or after finalize.
Napi::Value Wtime(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  return Napi::Number::New(info.Env(), MPI_Wtime());
}

Napi::Value Wtick(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  return Napi::Number::New(info.Env(), MPI_Wtick());
}

Napi::Value ProcessorName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnsureActive(env);
  char name[MPI_MAX_PROCESSOR_NAME];
  int length = 0;
  Check(env, MPI_Get_processor_name(name, &length), "MPI_Get_processor_name");
  return Napi::String::New(env, name, static_cast<size_t>(length));
}

Napi::Value LibraryVersion(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  Check(env, MPI_Get_library_version(text, &length), "MPI_Get_library_version");
  while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\0')) --length;
  return Napi::String::New(env, text, static_cast<size_t>(length));
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int major = 0;
  int minor = 0;
  Check(env, MPI_Get_version(&major, &minor), "MPI_Get_version");
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, major);
  result.Set(1u, minor);
  return result;
}

}  // namespace

void EnsureActive(Napi::Env env) {
  if (!g_active.load(std::memory_order_relaxed)) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    ThrowBindingError(env, finalized ? "ERR_MPI_FINALIZED" : "ERR_MPI_NOT_INITIALIZED",
                    finalized ? "MPI has been finalized" : "MPI is not initialized: call init() first");
  }
}

int ProvidedThreadLevel() { return g_provided.load(); }

void RegisterEnvironment(Napi::Env env, Napi::Object exports) {
  exports.Set("initThread", Napi::Function::New(env, InitThread, "initThread"));
  exports.Set("initialized", Napi::Function::New(env, Initialized, "initialized"));
  exports.Set("finalized", Napi::Function::New(env, Finalized, "finalized"));
  exports.Set("finalize", Napi::Function::New(env, Finalize, "finalize"));
  exports.Set("abort", Napi::Function::New(env, Abort, "abort"));
  exports.Set("queryThread", Napi::Function::New(env, QueryThread, "queryThread"));
  exports.Set("isThreadMain", Napi::Function::New(env, IsThreadMain, "isThreadMain"));
  exports.Set("wtime", Napi::Function::New(env, Wtime, "wtime"));
  exports.Set("wtick", Napi::Function::New(env, Wtick, "wtick"));
  exports.Set("processorName", Napi::Function::New(env, ProcessorName, "processorName"));
  exports.Set("libraryVersion", Napi::Function::New(env, LibraryVersion, "libraryVersion"));
  exports.Set("version", Napi::Function::New(env, Version, "version"));
}

}  // namespace mpinode
