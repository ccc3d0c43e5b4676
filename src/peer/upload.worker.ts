/** Entry of a course peer's upload worker thread (upload-thread.ts): segments in shared memory. */
import type { UploadSetup } from './hand-off.js';
import { SegmentStore } from './store.js';
import { runUploadThread } from './upload-thread.js';

runUploadThread<UploadSetup>((setup) => ({ store: new SegmentStore(setup.store), trackerIsPeer: false }));
