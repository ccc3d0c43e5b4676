/**
 * Marks a step of a thread's start-up for bench/startup.mjs. Its preload
 * (bench/startup-marks.cjs) installs the hook; without it a mark costs one optional call.
 */
const hook = (globalThis as { mpitorrentStartupMark?: (step: string) => void }).mpitorrentStartupMark;

export function startupMark(step: string): void {
  hook?.(step);
}
