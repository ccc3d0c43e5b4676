/** The error every failing MPI call throws (or rejects with). */
export class MpiError extends Error {
  /** The MPI error class name, e.g. "MPI_ERR_RANK", or an ERR_MPI_* code of the binding. */
  declare readonly code: string;
  /** The MPI error class number (MPI_Error_class), when MPI returned the error. */
  declare readonly errorClass?: number;
  /** The raw MPI error code. */
  declare readonly errorCode?: number;
  /** The MPI function that failed, e.g. "MPI_Send". */
  declare readonly mpiCall?: string;
  /** MPI's own message (MPI_Error_string). */
  declare readonly mpiMessage?: string;

  constructor(message: string) {
    super(message);
    this.name = 'MpiError';
  }
}
