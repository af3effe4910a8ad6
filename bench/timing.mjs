// The timing and memory protocols of bench-spec.md, shared by our workloads (bench/w*.ts) and the TF.js peer
// (bench/peers/tfjs/peer.mjs), so that both time exactly the same way. bench/peers/pytorch.py follows the same rules.

/** The median of the values (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Warm-ups, then minReps..maxReps timed repetitions within the budget; returns milliseconds per repetition. */
export function time(call, o) {
  for (let i = 0; i < o.warmups; i++) call();
  const times = [];
  const start = performance.now();
  while (times.length < o.maxReps && (times.length < o.minReps || performance.now() - start < o.budgetMs)) {
    const t0 = performance.now();
    call();
    times.push(performance.now() - t0);
  }
  return times;
}

/** W1's timing: 2 warm-ups, then 5..200 repetitions within 1.5 s. */
export const W1_TIMING = { warmups: 2, minReps: 5, maxReps: 200, budgetMs: 1500 };
/** W4's timing: 20 warm-ups, then up to 50 repetitions within 10 s. */
export const W4_TIMING = { warmups: 20, minReps: 5, maxReps: 50, budgetMs: 10_000 };

/** W2's protocol: step 1, 9 more warm-ups, 50 timed steps. Returns the 60 losses and the timed steps' milliseconds. */
export function trainingSteps(step) {
  const losses = [step()];
  for (let i = 0; i < 9; i++) losses.push(step());
  const times = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    losses.push(step());
    times.push(performance.now() - t0);
  }
  return { losses, times };
}

/**
 * W3's protocol: step 1, 2 more warm-ups, then up to 20 timed steps within 20 s; if the budget cut them short, the
 * rest of the 23 steps run untimed, for the loss of step 23. Returns the 23 losses and the timed steps' milliseconds.
 */
export function courseSteps(step) {
  const losses = [step(), step(), step()];
  const times = [];
  const start = performance.now();
  while (times.length < 20 && (times.length < 1 || performance.now() - start < 20_000)) {
    const t0 = performance.now();
    losses.push(step());
    times.push(performance.now() - t0);
  }
  while (losses.length < 23) losses.push(step());
  return { losses, times };
}

/**
 * W5's protocol: makeStep() and 500 of its steps, with the resident set (MiB) at the start, at step 100 and at
 * step 500, the peak from process.resourceUsage(), and the seconds the steps took. Throws if the last loss is not finite.
 */
export function memoryRun(makeStep) {
  const MB = 1024 * 1024;
  const rssStart = process.memoryUsage().rss / MB;
  const step = makeStep();
  let rss100 = 0;
  let last = 0;
  const t0 = performance.now();
  for (let i = 1; i <= 500; i++) {
    last = step();
    if (i === 100) rss100 = process.memoryUsage().rss / MB;
  }
  const seconds = (performance.now() - t0) / 1000;
  const rss500 = process.memoryUsage().rss / MB;
  if (!Number.isFinite(last)) throw new Error(`W5: the loss is not finite (${last})`);
  return { rssStart, rss100, rss500, peak: process.resourceUsage().maxRSS / 1024, seconds };
}
