// The one place that includes mpi.h: the C++ bindings of Open MPI and MPICH are skipped,
// or the addon fails to load with undefined MPI:: symbols.
#pragma once
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>
