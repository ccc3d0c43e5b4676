// src/launch/bundle.mjs defines MPITORRENT_BUNDLED as true in every bundle it writes; tsc's build
// leaves it undeclared.
declare const MPITORRENT_BUNDLED: boolean | undefined;

/** Whether this code runs from a bundle of src/launch/bundle.mjs rather than from tsc's dist/. */
export const bundled = typeof MPITORRENT_BUNDLED === 'boolean' && MPITORRENT_BUNDLED;
