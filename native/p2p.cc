#include "p2p.h"

#include "buffers.h"
#include "environment.h"
#include "errors.h"
#include "handles.h"
#include "poller.h"

namespace mpinode {
namespace {

int IntArg(const Napi::CallbackInfo& info, size_t index) {
  return info[index].As<Napi::Number>().Int32Value();
}

// The leading (comm) argument of most calls, after the liveness check.
MPI_Comm ActiveComm(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  return CommFromHandle(info.Env(), info[0]);
}

// MPI_Send and MPI_Ssend take the same arguments.
using BlockingSend = int (*)(const void*, int, MPI_Datatype, int, int, MPI_Comm);

template <BlockingSend kCall>
Napi::Value SendWith(const Napi::CallbackInfo& info, const char* mpi_call) {
  MPI_Comm comm = ActiveComm(info);
  Bytes bytes = BytesOf(info.Env(), info[1]);
  Check(info.Env(), kCall(bytes.data, bytes.count, MPI_BYTE, IntArg(info, 2), IntArg(info, 3), comm), mpi_call);
  return info.Env().Undefined();
}

// send(comm, buffer, dest, tag)
Napi::Value Send(const Napi::CallbackInfo& info) { return SendWith<MPI_Send>(info, "MPI_Send"); }

// ssend(comm, buffer, dest, tag)
Napi::Value Ssend(const Napi::CallbackInfo& info) { return SendWith<MPI_Ssend>(info, "MPI_Ssend"); }

// recv(comm, buffer, source, tag): fills status
Napi::Value Recv(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  Bytes bytes = BytesOf(info.Env(), info[1]);
  MPI_Status status;
  Check(info.Env(),
        MPI_Recv(bytes.data, bytes.count, MPI_BYTE, IntArg(info, 2), IntArg(info, 3), comm, &status),
        "MPI_Recv");
  WriteStatus(status);
  return info.Env().Undefined();
}

// sendrecv(comm, sendBuffer, dest, sendTag, recvBuffer, source, recvTag): fills status
Napi::Value Sendrecv(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  Bytes out = BytesOf(info.Env(), info[1]);
  Bytes in = BytesOf(info.Env(), info[4]);
  MPI_Status status;
  Check(info.Env(),
        MPI_Sendrecv(out.data, out.count, MPI_BYTE, IntArg(info, 2), IntArg(info, 3), in.data, in.count,
                     MPI_BYTE, IntArg(info, 5), IntArg(info, 6), comm, &status),
        "MPI_Sendrecv");
  WriteStatus(status);
  return info.Env().Undefined();
}

// probe(comm, source, tag): fills status
Napi::Value Probe(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  MPI_Status status;
  Check(info.Env(), MPI_Probe(IntArg(info, 1), IntArg(info, 2), comm, &status), "MPI_Probe");
  WriteStatus(status);
  return info.Env().Undefined();
}

// iprobe(comm, source, tag) -> boolean; fills status when true
Napi::Value Iprobe(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  MPI_Status status;
  int flag = 0;
  Check(info.Env(), MPI_Iprobe(IntArg(info, 1), IntArg(info, 2), comm, &flag, &status), "MPI_Iprobe");
  if (flag) WriteStatus(status);
  return Napi::Boolean::New(info.Env(), flag != 0);
}

// mprobe(comm, source, tag) -> message handle; fills status
Napi::Value Mprobe(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  MPI_Status status;
  MPI_Message message;
  Check(info.Env(), MPI_Mprobe(IntArg(info, 1), IntArg(info, 2), comm, &message, &status), "MPI_Mprobe");
  WriteStatus(status);
  return Napi::Number::New(info.Env(), AddMessage(message));
}

// improbe(comm, source, tag) -> message handle, or -1 when nothing matches; fills status
Napi::Value Improbe(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  MPI_Status status;
  MPI_Message message;
  int flag = 0;
  Check(info.Env(), MPI_Improbe(IntArg(info, 1), IntArg(info, 2), comm, &flag, &message, &status),
        "MPI_Improbe");
  if (!flag) return Napi::Number::New(info.Env(), -1);
  WriteStatus(status);
  return Napi::Number::New(info.Env(), AddMessage(message));
}

// mrecv(message, buffer): fills status
Napi::Value Mrecv(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  MPI_Message message = TakeMessage(info.Env(), info[0]);
  Bytes bytes = BytesOf(info.Env(), info[1]);
  MPI_Status status;
  Check(info.Env(), MPI_Mrecv(bytes.data, bytes.count, MPI_BYTE, &message, &status), "MPI_Mrecv");
  WriteStatus(status);
  return info.Env().Undefined();
}

// isend(comm, buffer, dest, tag) -> request handle (JS keeps the buffer alive)
Napi::Value Isend(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  Bytes bytes = BytesOf(info.Env(), info[1]);
  MPI_Request request;
  Check(info.Env(),
        MPI_Isend(bytes.data, bytes.count, MPI_BYTE, IntArg(info, 2), IntArg(info, 3), comm, &request),
        "MPI_Isend");
  return Napi::Number::New(info.Env(), AddRequest(request));
}

// irecv(comm, buffer, source, tag) -> request handle (JS keeps the buffer alive)
Napi::Value Irecv(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  Bytes bytes = BytesOf(info.Env(), info[1]);
  MPI_Request request;
  Check(info.Env(),
        MPI_Irecv(bytes.data, bytes.count, MPI_BYTE, IntArg(info, 2), IntArg(info, 3), comm, &request),
        "MPI_Irecv");
  return Napi::Number::New(info.Env(), AddRequest(request));
}

// test(request) -> boolean; when true, fills status and frees the handle
Napi::Value Test(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  MPI_Request* request = RequestSlot(info.Env(), info[0]);
  MPI_Status status;
  int flag = 0;
  int rc = MPI_Test(request, &flag, &status);
  // A request that completed with an error (e.g. MPI_ERR_TRUNCATE) is freed by MPI all the same.
  if (flag || *request == MPI_REQUEST_NULL) ReleaseRequest(info[0]);
  Check(info.Env(), rc, "MPI_Test");
  if (!flag) return Napi::Boolean::New(info.Env(), false);
  WriteStatus(status);
  return Napi::Boolean::New(info.Env(), true);
}

// wait(request): blocks; fills status and frees the handle
Napi::Value Wait(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  MPI_Request* request = RequestSlot(info.Env(), info[0]);
  MPI_Status status;
  int rc = MPI_Wait(request, &status);
  ReleaseRequest(info[0]);
  Check(info.Env(), rc, "MPI_Wait");
  WriteStatus(status);
  return info.Env().Undefined();
}

// cancel(request): the request still has to be completed with test or wait
Napi::Value Cancel(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  Check(info.Env(), MPI_Cancel(RequestSlot(info.Env(), info[0])), "MPI_Cancel");
  return info.Env().Undefined();
}

// waitAsync(request, callback(error, _, source, tag, count)): the poller completes it
Napi::Value WaitAsync(const Napi::CallbackInfo& info) {
  EnsureActive(info.Env());
  MPI_Request request = *RequestSlot(info.Env(), info[0]);
  WatchRequest(info.Env(), request, info[1].As<Napi::Function>());
  ReleaseRequest(info[0]);  // the poller owns it now
  return info.Env().Undefined();
}

// recvAsync(comm, source, tag, callback(error, buffer, source, tag, count))
Napi::Value RecvAsync(const Napi::CallbackInfo& info) {
  MPI_Comm comm = ActiveComm(info);
  WatchMessage(info.Env(), comm, IntArg(info, 1), IntArg(info, 2), info[3].As<Napi::Function>());
  return info.Env().Undefined();
}

}  // namespace

void RegisterPointToPoint(Napi::Env env, Napi::Object exports) {
  exports.Set("send", Napi::Function::New(env, Send, "send"));
  exports.Set("ssend", Napi::Function::New(env, Ssend, "ssend"));
  exports.Set("recv", Napi::Function::New(env, Recv, "recv"));
  exports.Set("sendrecv", Napi::Function::New(env, Sendrecv, "sendrecv"));
  exports.Set("probe", Napi::Function::New(env, Probe, "probe"));
  exports.Set("iprobe", Napi::Function::New(env, Iprobe, "iprobe"));
  exports.Set("mprobe", Napi::Function::New(env, Mprobe, "mprobe"));
  exports.Set("improbe", Napi::Function::New(env, Improbe, "improbe"));
  exports.Set("mrecv", Napi::Function::New(env, Mrecv, "mrecv"));
  exports.Set("isend", Napi::Function::New(env, Isend, "isend"));
  exports.Set("irecv", Napi::Function::New(env, Irecv, "irecv"));
  exports.Set("test", Napi::Function::New(env, Test, "test"));
  exports.Set("wait", Napi::Function::New(env, Wait, "wait"));
  exports.Set("cancel", Napi::Function::New(env, Cancel, "cancel"));
  exports.Set("waitAsync", Napi::Function::New(env, WaitAsync, "waitAsync"));
  exports.Set("recvAsync", Napi::Function::New(env, RecvAsync, "recvAsync"));
}

}  // namespace mpinode
