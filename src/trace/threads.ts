/** A rank's threads in a trace: their track ids (tid) and names. */
export const MAIN_THREAD = 0;
export const DOWNLOAD_THREAD = 1;
export const UPLOAD_THREAD = 2;

export const DOWNLOAD_THREAD_NAME = 'download worker';
export const UPLOAD_THREAD_NAME = 'upload worker';
