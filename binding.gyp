{
  "targets": [
    {
      "target_name": "mpi",
      "sources": [
        "native/addon.cc",
        "native/buffers.cc",
        "native/collectives.cc",
        "native/comm.cc",
        "native/environment.cc",
        "native/errors.cc",
        "native/handles.cc",
        "native/p2p.cc",
        "native/poller.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_CPP_EXCEPTIONS",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "OMPI_SKIP_MPICXX=1",
        "MPICH_SKIP_MPICXX=1"
      ],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O2", "<!@(node native/mpi-flags.mjs --cflags)"],
      "libraries": ["<!@(node native/mpi-flags.mjs --libs)"],
      "ldflags": ["-pthread"]
    }
  ]
}
